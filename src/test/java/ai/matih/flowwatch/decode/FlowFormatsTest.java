package ai.matih.flowwatch.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry of input formats, and a format of its own plugged in without touching the decoder. */
class FlowFormatsTest {

    @Test
    void theBuiltInFormatsAreCalicoHubbleAndAuditWithTheirTopicsChannelsAndMetricTags() {
        // Given the formats that ship with flowwatch
        FlowFormats formats = FlowFormats.builtIn();

        // When listed
        List<FlowFormat> all = formats.all();

        // Then they are the three input formats, sorted by name, with their public topics and keys
        assertThat(all)
                .extracting(
                        FlowFormat::name,
                        FlowFormat::channel,
                        FlowFormat::topicKey,
                        FlowFormat::defaultTopic,
                        FlowFormat::metricTags)
                .containsExactly(
                        tuple("audit", "k8s-audit", "flowwatch.topics.audit", "k8s-audit", List.of("audit")),
                        tuple(
                                "calico",
                                "calico-flows",
                                "flowwatch.topics.calico",
                                "calico-flows",
                                List.of("calico", "goldmane")),
                        tuple("hubble", "hubble-flows", "flowwatch.topics.hubble", "hubble-flows", List.of("hubble")));
        assertThat(formats.named("hubble").shapes()).containsExactlyInAnyOrder(Shape.HUBBLE_FLOW, Shape.HUBBLE_EVENT);
    }

    @Test
    void everyKnownShapeBelongsToExactlyOneBuiltInFormat() {
        // Given the shapes each built-in format accepts
        List<Shape> accepted = FlowFormats.builtIn().all().stream()
                .flatMap(f -> f.shapes().stream())
                .toList();

        // When and Then: every shape but UNKNOWN is accepted by one format, so a misrouted document is told apart
        assertThat(accepted)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrder(Arrays.stream(Shape.values())
                        .filter(s -> s != Shape.UNKNOWN)
                        .toArray(Shape[]::new));
    }

    @Test
    void twoFormatsOfOneNameAreRefused() {
        // Given the built-in formats
        FlowFormats formats = FlowFormats.builtIn();

        // When a second hubble is added, then the registry refuses it
        assertThatIllegalArgumentException()
                .isThrownBy(() -> formats.with(formats.named("hubble")))
                .withMessageContaining("hubble");
    }

    @Test
    void aFormatWhoseChannelIsNotNamedAfterItsDefaultTopicIsRefused() {
        // Given a format whose channel would read a topic other than the one the demo broker creates
        FlowFormat misnamed = new SpaceSeparatedFormat() {
            @Override
            public String channel() {
                return "spaced-channel";
            }
        };

        // When it is registered, then the registry refuses it, naming both
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FlowFormats.builtIn().with(misnamed))
                .withMessageContaining("spaced-channel")
                .withMessageContaining("spaced-flows");
    }

    @Test
    void aTextFormatRegisteredInATestDecodesSpaceSeparatedLinesThroughTheRecordDecoder() {
        // Given a decoder of the built-in formats and a space-separated flow-log format of this test's own
        SpaceSeparatedFormat text = new SpaceSeparatedFormat();
        RecordDecoder decoder = new RecordDecoder(FlowFormats.builtIn().with(text), 1_048_576, 100, 10);
        String value = "2025-03-01T10:00:00Z alpha/web-1 10.0.0.1 beta/db-0 10.0.1.9 TCP 5432 DENIED\n"
                + "2025-03-01T10:00:01Z alpha/web-2 10.0.0.2 beta/db-0 10.0.1.9 UDP 53\n"
                + "2025-03-01T10:00:02Z alpha/web-3 10.0.0.3 beta/db-0 10.0.1.9 TCP 443 ALLOWED\n";

        // When a record of it is decoded
        RecordingSink sink = new RecordingSink();
        decoder.decode(text, value.getBytes(StandardCharsets.UTF_8), sink);

        // Then the good lines are flows of its own source format, and the short line is rejected with its position
        assertThat(sink.flows)
                .extracting(
                        Flow::format,
                        f -> f.source().pod(),
                        f -> f.destination().namespace(),
                        Flow::protocol,
                        Flow::port,
                        Flow::observed)
                .containsExactly(
                        tuple(SourceFormat.of("spaced"), "web-1", "beta", Protocol.TCP, 5432, Observed.DENIED),
                        tuple(SourceFormat.of("spaced"), "web-3", "beta", Protocol.TCP, 443, Observed.ALLOWED));
        assertThat(sink.rejections)
                .extracting(Rejection::reason, Rejection::line)
                .containsExactly(tuple(RejectReason.MISSING_FIELD, 2));
        assertThat(sink.flows.get(0).time()).isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
    }

    @Test
    void aRecordOfTheTextFormatIsCheckedLikeAnyOtherBeforeItsDecoderRuns() {
        // Given the space-separated format among the built-in ones
        SpaceSeparatedFormat text = new SpaceSeparatedFormat();
        RecordDecoder decoder = new RecordDecoder(FlowFormats.builtIn().with(text), 64, 100, 10);

        // When an oversized record and a blank one are decoded
        RecordingSink sink = new RecordingSink();
        decoder.decode(text, "x".repeat(65).getBytes(StandardCharsets.UTF_8), sink);
        decoder.decode(text, " \n ".getBytes(StandardCharsets.UTF_8), sink);

        // Then both are rejected whole, as for the JSON formats
        assertThat(sink.rejections)
                .extracting(Rejection::reason)
                .containsExactly(RejectReason.OVERSIZED, RejectReason.EMPTY);
    }

    /**
     * A toy text format: {@code <time> <ns>/<pod> <ip> <ns>/<pod> <ip> <proto> <port> <verdict>} per line, as
     * docs/adding-a-format.md walks through.
     */
    static class SpaceSeparatedFormat implements FlowFormat {

        private static final SourceFormat SPACED = SourceFormat.of("spaced");

        @Override
        public String name() {
            return "spaced";
        }

        @Override
        public String channel() {
            return "spaced-flows";
        }

        @Override
        public String topicKey() {
            return "flowwatch.topics.spaced";
        }

        @Override
        public String defaultTopic() {
            return "spaced-flows";
        }

        @Override
        public Set<Shape> shapes() {
            return Set.of();
        }

        @Override
        public List<String> metricTags() {
            return List.of("spaced");
        }

        @Override
        public FormatDecoder decoder(DecodeLimits limits) {
            return new LineFraming(SpaceSeparatedFormat::line);
        }

        private static void line(byte[] value, int offset, int length, DocumentContext ctx) {
            String[] f = new String(value, offset, length, StandardCharsets.UTF_8).split(" ");
            if (f.length != 8) {
                throw DecodeException.missing("field " + (f.length + 1));
            }
            ctx.flow(new Flow(
                    SPACED,
                    Instant.parse(f[0]),
                    null,
                    pod(f[1], f[2]),
                    pod(f[3], f[4]),
                    Protocol.parse(f[5]),
                    Integer.parseInt(f[6]),
                    -1,
                    Observed.valueOf(f[7]),
                    Initiation.INITIATING,
                    null,
                    null,
                    List.of(),
                    null,
                    1,
                    null));
        }

        private static Endpoint pod(String namespacedName, String ip) {
            String[] n = namespacedName.split("/", 2);
            return new Endpoint(EndpointKind.POD, n[0], n[1], null, ip, Map.of(), Map.of(), null);
        }
    }
}
