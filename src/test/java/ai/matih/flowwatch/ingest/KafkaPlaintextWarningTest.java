package ai.matih.flowwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.quarkus.runtime.LaunchMode;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A Kafka connection without TLS gets one warning at start, outside dev mode. */
class KafkaPlaintextWarningTest {

    static Stream<Arguments> protocols() {
        return Stream.of(
                arguments("the default (no protocol set)", null, LaunchMode.NORMAL, "over PLAINTEXT, without TLS"),
                arguments("PLAINTEXT", "PLAINTEXT", LaunchMode.NORMAL, "over PLAINTEXT, without TLS"),
                arguments("SASL without TLS", "sasl_plaintext", LaunchMode.NORMAL, "over SASL_PLAINTEXT, without TLS"),
                arguments("a test run", "PLAINTEXT", LaunchMode.TEST, "over PLAINTEXT, without TLS"),
                arguments("SSL", "SSL", LaunchMode.NORMAL, null),
                arguments("SASL over TLS", "SASL_SSL", LaunchMode.NORMAL, null),
                arguments("dev mode", null, LaunchMode.DEVELOPMENT, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void warnsAboutKafkaWithoutTlsOutsideDevMode(String scenario, String protocol, LaunchMode mode, String warning) {
        // Given
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", "kafka:9092"));
        if (protocol != null) {
            config.put("security.protocol", protocol);
        }
        // When
        String got = KafkaStartupCheck.plaintextWarning(config, mode);
        // Then
        if (warning == null) {
            assertThat(got).isNull();
        } else {
            assertThat(got)
                    .startsWith("Kafka at kafka:9092 is reached " + warning)
                    .contains("kafka.security.protocol=SSL");
        }
    }
}
