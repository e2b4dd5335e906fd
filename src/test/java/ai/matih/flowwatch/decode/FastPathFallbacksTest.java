package ai.matih.flowwatch.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.decode.calico.CalicoFastPath;
import ai.matih.flowwatch.decode.json.JsonCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FastPathFallbacksTest {

    private static final String CALICO = RecordingSink.sampleText("calico-enterprise-observability-clinic-deny.json")
            .strip();

    static Stream<Arguments> declines() {
        return Stream.of(
                Arguments.of("a top-level array", "[" + CALICO + "]", FastPathFallbacks.Reason.NOT_AN_OBJECT),
                Arguments.of("a log wrapper", "{\"log\":{}}", FastPathFallbacks.Reason.SHAPE),
                Arguments.of("truncated JSON", CALICO.substring(0, 100), FastPathFallbacks.Reason.SHAPE),
                Arguments.of(
                        "a document the decoders reject",
                        CALICO.replace("\"action\":\"deny\"", "\"action\":\"maybe\""),
                        FastPathFallbacks.Reason.DECODE_ERROR),
                Arguments.of(
                        "a namespace out of bounds",
                        CALICO.replace("\"dest_namespace\":\"hipstershop\"", "\"dest_namespace\":\"Hipstershop\""),
                        FastPathFallbacks.Reason.OUT_OF_BOUNDS),
                Arguments.of(
                        "more documents than allowed",
                        (CALICO + "\n").repeat(3),
                        FastPathFallbacks.Reason.TOO_MANY_DOCUMENTS));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource
    void declines(String description, String value, FastPathFallbacks.Reason reason) {
        // Given
        FastPathFallbacks fallbacks = new FastPathFallbacks("calico");
        CalicoFastPath reader = new CalicoFastPath(new JsonCodec(1 << 20), fallbacks);

        // When
        boolean decoded = reader.decode(value.getBytes(StandardCharsets.UTF_8), null, 2, new ArrayList<>());

        // Then
        assertThat(decoded).isFalse();
        assertThat(fallbacks.count(reason)).isEqualTo(1);
        assertThat(fallbacks.total()).isEqualTo(1);
    }

    @Test
    void aRecordTheFastPathDecodesCountsNothing() {
        // Given
        FastPathFallbacks fallbacks = new FastPathFallbacks("calico");
        CalicoFastPath reader = new CalicoFastPath(new JsonCodec(1 << 20), fallbacks);

        // When
        boolean decoded = reader.decode(CALICO.getBytes(StandardCharsets.UTF_8), null, 2, new ArrayList<>());

        // Then
        assertThat(decoded).isTrue();
        assertThat(fallbacks.total()).isZero();
    }

    @Test
    void bindsOneCounterPerReasonTaggedWithFormatAndReason() {
        // Given
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FastPathFallbacks fallbacks = new FastPathFallbacks("hubble");
        fallbacks.bindTo(registry);

        // When
        fallbacks.record(FastPathFallbacks.Reason.OUT_OF_BOUNDS);
        fallbacks.record(FastPathFallbacks.Reason.OUT_OF_BOUNDS);
        fallbacks.record(FastPathFallbacks.Reason.SHAPE);

        // Then
        assertThat(registry.find(FastPathFallbacks.METER).functionCounters())
                .hasSize(FastPathFallbacks.Reason.values().length);
        assertThat(registry.get(FastPathFallbacks.METER)
                        .tags("format", "hubble", "reason", "out-of-bounds")
                        .functionCounter()
                        .count())
                .isEqualTo(2.0);
        assertThat(registry.get(FastPathFallbacks.METER)
                        .tags("format", "hubble", "reason", "shape")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
    }
}
