package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.demo.EmbeddedKafkaBroker;
import ai.matih.flowwatch.metrics.TenantTags;
import ai.matih.flowwatch.testing.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Breaches from 10,000 distinct tenant namespaces unknown to the topology, through the real pipeline:
 * {@code flowwatch_violations_total} keeps at most {@code flowwatch.metrics.max-tenants} (50 here) tenant names, the
 * rest counted as {@code other}, and a tenant of the topology that comes after the flood still gets its own name. Its
 * own topic, so the other test applications never read these flows.
 */
@QuarkusTest
@TestProfile(TenantCapEndToEndTest.Cap.class)
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class TenantCapEndToEndTest {

    static final String TOPIC = "hubble-flows-tenant-cap";
    static final int CAP = 50;
    static final int TENANTS = 10_000;
    /** acme-corp, globex and initech: the tenants of the demo topology the tests load. */
    static final int TOPOLOGY_TENANTS = 3;

    private static final Pattern TENANT =
            Pattern.compile("^flowwatch_violations_total\\{.*tenant=\"([^\"]+)\".*\\} (\\S+)$");

    public static final class Cap implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("flowwatch.metrics.max-tenants", Integer.toString(CAP), "flowwatch.topics.hubble", TOPIC);
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** Management URLs start at the management root, {@code /q}. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    @Test
    void tenThousandHostileTenantsLeaveAtMostTheCapAndATopologyTenantItsOwnName() throws Exception {
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
                record.append(PipelineEndToEndTest.hubbleCrossTenant(
                                        "cap-" + i, 40000 + (i % 20000), "INGRESS", "FORWARDED", "")
                                .replace("acme-corp", tenant)
                                .replace("10.244.1.10", "10.250." + (i / 250) + "." + (i % 250)))
                        .append('\n');
                if ((i + 1) % 500 == 0) {
                    producer.send(new ProducerRecord<>(TOPIC, record.toString().getBytes(StandardCharsets.UTF_8)));
                    record.setLength(0);
                }
            }
            producer.flush();
        }
        // Then: the flood is counted within the cap
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    Map<String, Double> byTenant = violationsByTenant();
                    assertThat(byTenant.values().stream()
                                    .mapToDouble(Double::doubleValue)
                                    .sum())
                            .isGreaterThanOrEqualTo(TENANTS);
                    assertThat(byTenant.keySet().stream().filter(TenantCapEndToEndTest::ownValue))
                            .hasSizeLessThanOrEqualTo(CAP);
                    assertThat(byTenant).containsKey(TenantTags.OTHER);
                    // the slots of the topology's tenants stay reserved for them
                    assertThat(byTenant.keySet().stream().filter(t -> t.startsWith("hostile-")))
                            .hasSize(CAP - TOPOLOGY_TENANTS);
                });
        // When: a breach of acme-corp, a tenant of the topology, after the flood
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(
                    TOPIC,
                    PipelineEndToEndTest.hubbleCrossTenant("cap-acme", 39999, "INGRESS", "FORWARDED", "")
                            .getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }
        // Then: it has its own tenant value, not other
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    Map<String, Double> byTenant = violationsByTenant();
                    assertThat(byTenant).containsEntry("acme-corp", 1.0);
                    assertThat(byTenant.keySet().stream().filter(TenantCapEndToEndTest::ownValue))
                            .hasSizeLessThanOrEqualTo(CAP);
                });
    }

    private static boolean ownValue(String tenant) {
        return !tenant.equals(TenantTags.OTHER) && !tenant.equals(TenantTags.NONE);
    }

    /** flowwatch_violations_total summed by tenant value. */
    private Map<String, Double> violationsByTenant() {
        Map<String, Double> byTenant = new TreeMap<>();
        for (String line : given().get(metricsUrl)
                .then()
                .statusCode(200)
                .extract()
                .asString()
                .split("\n")) {
            Matcher m = TENANT.matcher(line);
            if (m.matches()) {
                byTenant.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return byTenant;
    }
}
