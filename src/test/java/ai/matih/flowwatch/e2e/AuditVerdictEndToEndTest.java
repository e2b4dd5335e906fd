package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Traffic that went through under a policy that does not enforce (a Cilium policy-audit verdict, a Calico allow whose
 * staged policies end in a deny), through the real topics and the REST API: forbidden cross-tenant traffic is a
 * critical isolation breach with {@code observed: AUDIT} and the verdict in its evidence, counted for both tenants,
 * each at its side; a violation an earlier version stored with the retired type {@code WOULD_BE_BLOCKED} is read in
 * today's typing. Each test removes its violations again (tombstones on the violations topic), so the other test
 * classes of the shared application never see them.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class AuditVerdictEndToEndTest {

    private static final String ACME = "matih-data-plane-acme-corp";
    private static final String GLOBEX = "matih-data-plane-globex";
    private static final String VIOLATIONS_TOPIC = "flowwatch-violations";

    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private final List<String> created = new ArrayList<>();

    @AfterEach
    void removeTheViolationsOfThisTest() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (String id : created) {
                producer.send(new ProducerRecord<>(VIOLATIONS_TOPIC, id.getBytes(StandardCharsets.UTF_8), null))
                        .get();
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String id : created) {
                Tokens.asAdmin().get("/api/v1/violations/" + id).then().statusCode(404);
            }
        });
    }

    @Test
    void hubbleAuditVerdictOfCrossTenantTrafficIsACriticalBreachCountedForBothTenants() throws Exception {
        // Given: acme-corp's api reaches globex's db on 5433; globex's ingress policy is in audit mode
        String audit = PipelineEndToEndTest.hubbleCrossTenant("audit-1", 52000, "INGRESS", "AUDIT", "")
                .replace("\"destination_port\":5432", "\"destination_port\":5433")
                .replace("\"event_type\":{\"type\":4}", "\"event_type\":{\"type\":5}");
        String baseline =
                given().get(metricsUrl).then().statusCode(200).extract().asString();

        // When
        send("hubble-flows", audit);

        // Then: a critical isolation breach that names the audit-mode verdict
        Map<String, Object> breach = await().atMost(Duration.ofSeconds(60))
                .until(() -> breach("tenant=globex&port=5433&observed=AUDIT"), v -> v != null);
        created.add((String) breach.get("id"));
        assertThat(breach)
                .containsEntry("type", "ISOLATION_BREACH")
                .containsEntry("severity", "critical")
                .containsEntry("observed", "AUDIT")
                .containsEntry("category", "cross-tenant")
                .containsEntry("tenant", "acme-corp")
                .containsEntry("peerTenant", "globex")
                .containsEntry("policy", "DENY")
                .containsEntry("cause", "not-enforced");
        assertThat((String) breach.get("reason")).contains("went through");
        assertThat(evidence(breach))
                .containsEntry("verdictDetail", "audit-mode verdict AUDIT: passed, would be blocked once enforced");

        // Then: the tenant that was hit finds it with its own token, the other end withheld
        Map<String, Object> seenByGlobex = given().auth()
                .oauth2(Tokens.tenant("globex"))
                .get("/api/v1/violations/" + breach.get("id"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
        assertThat(seenByGlobex).containsEntry("peerTenant", "globex").doesNotContainKey("tenant");
        assertThat(seenByGlobex.toString()).doesNotContain("acme");

        // Then: counted once for each tenant, at its side
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics =
                    given().get(metricsUrl).then().statusCode(200).extract().asString();
            assertThat(delta(
                            baseline,
                            metrics,
                            "type=\"ISOLATION_BREACH\"",
                            "tenant=\"globex\"",
                            "side=\"destination\""))
                    .isEqualTo(1.0);
            assertThat(delta(baseline, metrics, "type=\"ISOLATION_BREACH\"", "tenant=\"acme-corp\"", "side=\"source\""))
                    .isEqualTo(1.0);
        });
    }

    @Test
    void calicoAllowWithAPendingDenyOfCrossTenantTrafficIsACriticalBreachNamingTheStagedPolicy() throws Exception {
        // Given: a Calico flow log reported at the destination: allowed, but a staged policy ends in a deny
        long now = Instant.now().getEpochSecond();
        String staged = "{\"start_time\":" + now + ",\"end_time\":" + (now + 300) + ",\"source_ip\":\"10.244.1.10\","
                + "\"source_name\":\"api-7d9f8c6b5-x1a2b\",\"source_name_aggr\":\"api-7d9f8c6b5-*\","
                + "\"source_namespace\":\"" + ACME + "\",\"source_port\":null,\"source_type\":\"wep\","
                + "\"source_labels\":{\"labels\":[\"app=api\",\"pod-template-hash=7d9f8c6b5\"]},"
                + "\"dest_ip\":\"10.244.2.12\",\"dest_name\":\"db-0\",\"dest_name_aggr\":\"db-*\","
                + "\"dest_namespace\":\"" + GLOBEX + "\",\"dest_port\":5434,\"dest_type\":\"wep\","
                + "\"dest_labels\":{\"labels\":[\"app=db\"]},\"proto\":\"tcp\",\"action\":\"allow\",\"reporter\":\"dst\","
                + "\"policies\":{\"enforced_policies\":[\"0|default|" + GLOBEX
                + "/knp.default.allow-partner|allow|0\"],"
                + "\"pending_policies\":[\"0|default|" + GLOBEX + "/staged:default.deny-cross-tenant|deny|0\"]},"
                + "\"num_flows\":1,\"num_flows_started\":1,\"num_flows_completed\":1,\"host\":\"worker-2\"}";

        // When
        send("calico-flows", staged);

        // Then
        Map<String, Object> breach = await().atMost(Duration.ofSeconds(60))
                .until(() -> breach("tenant=globex&port=5434&observed=AUDIT"), v -> v != null);
        created.add((String) breach.get("id"));
        assertThat(breach)
                .containsEntry("type", "ISOLATION_BREACH")
                .containsEntry("severity", "critical")
                .containsEntry("observed", "AUDIT")
                .containsEntry("tenant", "acme-corp")
                .containsEntry("peerTenant", "globex")
                .containsEntry("cause", "not-enforced");
        assertThat((String) evidence(breach).get("verdictDetail"))
                .startsWith("staged deny by " + GLOBEX + "/staged:default.deny-cross-tenant")
                .endsWith(": passed, would be blocked once enforced");
    }

    @Test
    void aViolationStoredWithTheRetiredTypeWouldBeBlockedIsReadAsTheBreachItWas() throws Exception {
        // Given: what an earlier version wrote to the violations topic for forbidden traffic under an AUDIT verdict
        String id = String.format("%020x", System.nanoTime());
        String at = Instant.now().toString();
        String stored = "{\"id\":\"" + id + "\",\"type\":\"WOULD_BE_BLOCKED\",\"severity\":\"info\","
                + "\"category\":\"cross-tenant\",\"tenant\":\"acme-corp\",\"peerTenant\":\"globex\","
                + "\"source\":{\"namespace\":\"" + ACME + "\",\"workload\":\"api\",\"tenant\":\"acme-corp\","
                + "\"role\":\"tenant\",\"external\":false},"
                + "\"destination\":{\"namespace\":\"" + GLOBEX + "\",\"workload\":\"db\",\"tenant\":\"globex\","
                + "\"role\":\"tenant\",\"external\":false},"
                + "\"protocol\":\"TCP\",\"port\":5435,\"observed\":\"AUDIT\",\"policy\":\"ALLOW\",\"intent\":\"FORBIDDEN\","
                + "\"cause\":\"not-policy\",\"reason\":\"acme-corp → globex: cross-tenant traffic is forbidden\","
                + "\"decidedBy\":[],\"sourceFormat\":\"hubble\",\"firstSeen\":\"" + at + "\",\"lastSeen\":\"" + at
                + "\",\"count\":3,\"observations\":4,"
                + "\"evidence\":{\"verdictDetail\":\"AUDIT: would be denied by policy\"}}";
        created.add(id);

        // When
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(
                            VIOLATIONS_TOPIC,
                            id.getBytes(StandardCharsets.UTF_8),
                            stored.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }

        // Then
        Map<String, Object> read = await().atMost(Duration.ofSeconds(30)).until(() -> byId(id), v -> v != null);
        assertThat(read)
                .containsEntry("type", "ISOLATION_BREACH")
                .containsEntry("severity", "critical")
                .containsEntry("cause", "policy-permits")
                .containsEntry("observed", "AUDIT")
                .containsEntry("count", 3);
    }

    private Map<String, Object> breach(String filter) {
        List<Map<String, Object>> items = Tokens.asAdmin()
                .get("/api/v1/violations?type=ISOLATION_BREACH&" + filter)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        assertThat(items).hasSizeLessThanOrEqualTo(1);
        return items.isEmpty() ? null : items.get(0);
    }

    private static Map<String, Object> byId(String id) {
        var response = Tokens.asAdmin().get("/api/v1/violations/" + id);
        return response.statusCode() == 200 ? response.jsonPath().getMap("") : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> evidence(Map<String, Object> violation) {
        return (Map<String, Object>) violation.get("evidence");
    }

    /** How much flowwatch_violations_total of these labels grew since the baseline scrape. */
    private static double delta(String baseline, String scrape, String... labels) {
        double before = sum(baseline, labels);
        double after = sum(scrape, labels);
        assertThat(after)
                .as("flowwatch_violations_total " + String.join(",", labels))
                .isNotNaN();
        return after - (Double.isNaN(before) ? 0 : before);
    }

    private static double sum(String scrape, String... labels) {
        double sum = 0;
        boolean found = false;
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("flowwatch_violations_total{")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                found = true;
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return found ? sum : Double.NaN;
    }

    private void send(String topic, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
