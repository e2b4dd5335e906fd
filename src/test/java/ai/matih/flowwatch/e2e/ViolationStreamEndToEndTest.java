package ai.matih.flowwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** A client following the server-sent events sees a breach arrive, and only what its filter asks for. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class ViolationStreamEndToEndTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource("/api/v1/violations/stream?tenant=initech&type=ISOLATION_BREACH")
    URL stream;

    @Test
    void streamsNewViolationsMatchingTheFilter() throws Exception {
        // Given: a client following the stream
        List<String> events = new CopyOnWriteArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> response = client.send(
                HttpRequest.newBuilder(URI.create(stream.toString()))
                        .header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + Tokens.admin())
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        events.add(line.substring(5));
                    }
                }
            } catch (IOException e) {
                // the stream closes when the test ends
            }
        });
        reader.setDaemon(true);
        reader.start();
        // When: an initech → control-plane breach and an unrelated acme-corp blocked attempt arrive
        String breach = PipelineEndToEndTest.calicoDeny("dst", "worker-4")
                .replace("\"action\":\"deny\"", "\"action\":\"allow\"");
        String other = PipelineEndToEndTest.calicoDeny("src", "worker-5")
                .replace("matih-data-plane-initech", "matih-data-plane-acme-corp");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        await().atMost(Duration.ofSeconds(10)).until(() -> response.statusCode() == 200);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>("calico-flows", other.getBytes(StandardCharsets.UTF_8)))
                    .get();
            producer.send(new ProducerRecord<>("calico-flows", breach.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        // Then
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(events).isNotEmpty());
        assertThat(events)
                .allSatisfy(e ->
                        assertThat(e).contains("\"type\":\"ISOLATION_BREACH\"").contains("\"tenant\":\"initech\""));
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
    }
}
