package ai.matih.flowwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.TlsKafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * flowwatch configured only through the documented {@code kafka.security.protocol} / {@code kafka.ssl.*} keys reads
 * a broker whose client listener speaks TLS only: a record produced over TLS becomes a violation.
 */
@QuarkusTest
@TestProfile(TlsKafkaBroker.Profile.class)
class KafkaTlsEndToEndTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void consumesOverATlsOnlyListener() throws Exception {
        // Given: the application was configured with the TLS listener, not the shared plaintext broker
        assertThat(bootstrap).isEqualTo(TlsKafkaBroker.bootstrapServers());
        String breach = PipelineEndToEndTest.calicoDeny("dst", "worker-9")
                .replace("\"action\":\"deny\"", "\"action\":\"allow\"")
                .replace("matih-data-plane-initech", "matih-data-plane-globex");
        Map<String, Object> config = new HashMap<>(TlsKafkaBroker.clientConfig(TlsKafkaBroker.truststore()));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // When
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>("calico-flows", breach.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        // Then
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<Map<String, Object>> items = Tokens.asAdmin()
                    .get("/api/v1/violations?tenant=globex&type=ISOLATION_BREACH")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("items");
            assertThat(items).anySatisfy(v -> assertThat(v).containsEntry("category", "tenant-to-control-plane"));
        });
    }
}
