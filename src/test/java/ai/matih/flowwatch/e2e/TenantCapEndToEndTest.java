package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.demo.EmbeddedKafkaBroker;
import ai.matih.flowwatch.metrics.TenantTags;
import ai.matih.flowwatch.testing.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Breaches from 10,000 distinct tenant namespaces, through the real pipeline: {@code flowwatch_violations_total} keeps
 * at most {@code flowwatch.metrics.max-tenants} (50 here) tenant names, the rest counted as {@code other}. Its own
 * topic, so the other test applications never read these flows.
 */
@QuarkusTest
@TestProfile(TenantCapEndToEndTest.Cap.class)
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class TenantCapEndToEndTest {

    static final String TOPIC = "hubble-flows-tenant-cap";
    static final int CAP = 50;
    static final int TENANTS = 10_000;
    private static final Pattern TENANT = Pattern.compile("^flowwatch_violations_total\\{.*tenant=\"([^\"]+)\".*\\} (\\S+)$");

    public static final class Cap implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("flowwatch.metrics.max-tenants", Integer.toString(CAP), "flowwatch.topics.hubble", TOPIC);
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void tenThousandTenantsInFlowsLeaveAtMostTheCap() throws Exception {
        // Given
        EmbeddedKafkaBroker.createTopics(bootstrap, new String[] {TOPIC});
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // When: 20 records of 500 NDJSON lines, each line a breach from another tenant's namespace
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            StringBuilder record = new StringBuilder();
            for (int i = 0; i < TENANTS; i++) {
                String tenant = "hostile-" + i;
                record.append(PipelineEndToEndTest.hubbleCrossTenant("cap-" + i, 40000 + (i % 20000), "INGRESS",
                        "FORWARDED", "").replace("acme-corp", tenant)
                        .replace("10.244.1.10", "10.250." + (i / 250) + "." + (i % 250))).append('\n');
                if ((i + 1) % 500 == 0) {
                    producer.send(new ProducerRecord<>(TOPIC, record.toString().getBytes(StandardCharsets.UTF_8)));
                    record.setLength(0);
                }
            }
            producer.flush();
        }
        // Then
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Set<String> tenants = new TreeSet<>();
            double total = 0;
            for (String line : given().get("/q/metrics").then().statusCode(200).extract().asString().split("\n")) {
                Matcher m = TENANT.matcher(line);
                if (m.matches()) {
                    tenants.add(m.group(1));
                    total += Double.parseDouble(m.group(2));
                }
            }
            assertThat(total).isGreaterThanOrEqualTo(TENANTS);
            assertThat(tenants.stream().filter(t -> !t.equals(TenantTags.OTHER) && !t.equals(TenantTags.NONE)))
                    .hasSizeLessThanOrEqualTo(CAP);
            assertThat(tenants).contains(TenantTags.OTHER);
        });
    }
}
