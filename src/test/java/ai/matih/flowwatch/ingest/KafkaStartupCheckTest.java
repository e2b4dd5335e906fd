package ai.matih.flowwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.matih.flowwatch.testing.TlsKafkaBroker;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up check against a broker whose only client listener speaks TLS. */
class KafkaStartupCheckTest {

    @Test
    void reachesKafkaOverTlsWithTheRightTruststore() {
        // Given
        Map<String, Object> config = TlsKafkaBroker.clientConfig(TlsKafkaBroker.truststore());
        // When
        boolean reached = KafkaStartupCheck.check(config, Duration.ofSeconds(30));
        // Then
        assertThat(reached).isTrue();
    }

    @Test
    void failsWithAClearMessageWhenTheTruststoreIsWrong() {
        // Given
        Map<String, Object> config = TlsKafkaBroker.clientConfig(TlsKafkaBroker.wrongTruststore());
        // When / Then
        assertThatThrownBy(() -> KafkaStartupCheck.check(config, Duration.ofSeconds(30)))
                .isInstanceOf(KafkaStartupCheck.KafkaSecurityException.class)
                .hasMessageStartingWith(
                        "cannot reach Kafka at " + TlsKafkaBroker.bootstrapServers() + ": TLS handshake failed: ")
                .hasMessageContaining("kafka.ssl.truststore");
    }

    @Test
    void onlyWarnsWhenKafkaDoesNotAnswerInTime() throws Exception {
        // Given: a port nobody listens on (Kafka slow to come up)
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        // When
        boolean reached =
                KafkaStartupCheck.check(Map.of("bootstrap.servers", "127.0.0.1:" + port), Duration.ofSeconds(2));
        // Then
        assertThat(reached).isFalse();
    }
}
