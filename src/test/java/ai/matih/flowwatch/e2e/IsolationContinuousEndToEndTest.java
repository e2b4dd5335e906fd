package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The isolation audit kept current from the audit stream (the real {@code k8s-audit} topic): an allow-all ingress
 * policy added to initech is, within a second of reaching the topology, a finding naming it and a {@code POLICY_GAP}
 * violation carrying the audit event; deleting it resolves both. initech's DNS egress rule removed is a
 * {@code DENIES_PERMITTED} finding for DNS; put back, it is gone. Every change is reverted, so the demo topology the
 * other tests of the shared application see is as it was.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class IsolationContinuousEndToEndTest {

    static final String NS = "matih-data-plane-initech";
    static final String OPEN_SPEC = "{\"podSelector\":{},\"policyTypes\":[\"Ingress\"],\"ingress\":[{}]}";
    static final String EGRESS_WITHOUT_DNS = "{\"podSelector\":{},\"policyTypes\":[\"Egress\"],\"egress\":["
            + "{\"to\":[{\"podSelector\":{}}]},"
            + "{\"to\":[{\"namespaceSelector\":{\"matchLabels\":{\"matih.ai/role\":\"shared-infra\"}}}]}]}";
    /* initech's allow-egress as src/main/resources/demo/topology.yaml has it */
    static final String EGRESS_SEED = EGRESS_WITHOUT_DNS.substring(0, EGRESS_WITHOUT_DNS.length() - 2)
            + ",{\"ports\":[{\"port\":53,\"protocol\":\"UDP\"}]}]}";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    static String event(String auditId, String verb, String name, String spec, Instant at) {
        String body = spec == null
                ? ""
                : ",\"responseObject\":{\"kind\":\"NetworkPolicy\",\"apiVersion\":\"networking.k8s.io/v1\","
                        + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + NS + "\"},\"spec\":" + spec
                        + "}";
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\",\"auditID\":\""
                + auditId + "\",\"stage\":\"ResponseComplete\",\"requestURI\":"
                + "\"/apis/networking.k8s.io/v1/namespaces/" + NS + "/networkpolicies/" + name + "\","
                + "\"verb\":\"" + verb + "\",\"user\":{\"username\":\"alice@example.com\"},"
                + "\"sourceIPs\":[\"192.0.2.44\"],\"objectRef\":{\"resource\":\"networkpolicies\","
                + "\"namespace\":\"" + NS + "\",\"name\":\"" + name + "\","
                + "\"apiGroup\":\"networking.k8s.io\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"code\":200}"
                + body + ",\"stageTimestamp\":\"" + at + "\"}";
    }

    void send(String event) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("k8s-audit", event.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    static JsonPath initech() {
        return Tokens.asAdmin()
                .queryParam("tenant", "initech")
                .get("/api/v1/isolation")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    static List<Map<String, Object>> findings(String kind) {
        return initech().getList("tenants[0].findings.findAll { it.kind == '" + kind + "' }");
    }

    static int policies() {
        return Tokens.asAdmin()
                .get("/api/v1/topology")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getInt("tenants.find { it.tenant == 'initech' }.policies");
    }

    /** Waits until the topology has the change (initech's policy count), then gives the audit one second. */
    static void withinASecondOfTheTopology(String policy, boolean present, Runnable check) {
        int expected = present ? 4 : 3;
        await().atMost(Duration.ofSeconds(30)).until(() -> policies() == expected);
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(check::run);
        System.out.printf(
                "isolation audit followed the topology (%s %s) in %d ms%n",
                present ? "added" : "removed", policy, (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void anAllowAllIngressPolicyIsAFindingAndAPolicyGapUntilItIsDeleted() throws Exception {
        // Given the demo topology, where initech's only open door is its DNS rule
        assertThat(policies()).isEqualTo(3);
        assertThat(findings("PERMITS_FORBIDDEN")).hasSize(1);
        String added = "open-" + System.nanoTime();
        String name = "allow-all-ingress-" + System.nanoTime();
        // When an audit event creates an allow-all ingress policy in initech
        send(event(added, "create", name, OPEN_SPEC, Instant.now()));
        boolean deleted = false;
        try {
            // Then within a second of the topology having it: a finding naming it, and a POLICY_GAP with the audit
            // event
            String rule = NS + "/" + name + "#ingress[0]";
            withinASecondOfTheTopology(
                    name,
                    true,
                    () -> assertThat(findings("PERMITS_FORBIDDEN"))
                            .anySatisfy(f -> assertThat((List<String>) f.get("decidedBy"))
                                    .contains(rule)));
            assertThat(initech().getString("tenants[0].status")).isEqualTo("BREACHABLE");
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(gaps(rule)).isNotEmpty().allSatisfy(g -> {
                        assertThat(g).containsEntry("severity", "critical").containsEntry("policy", "ALLOW");
                        assertThat((Map<String, Object>) ((Map<String, Object>) g.get("evidence")).get("audit"))
                                .containsEntry("auditId", added)
                                .containsEntry("actor", "alice@example.com")
                                .containsEntry("verb", "create");
                    }));
            assertThat(metric("initech", "PERMITS_FORBIDDEN")).isGreaterThan(1.0);

            // When the policy is deleted
            send(event("close-" + System.nanoTime(), "delete", name, null, Instant.now()));
            deleted = true;
            // Then the finding is gone within a second, and the gap resolved
            withinASecondOfTheTopology(
                    name,
                    false,
                    () -> assertThat(findings("PERMITS_FORBIDDEN"))
                            .noneSatisfy(f -> assertThat((List<String>) f.get("decidedBy"))
                                    .contains(rule)));
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(gaps(rule)).isNotEmpty().allSatisfy(g -> {
                        assertThat(g).doesNotContainKey("policy");
                        assertThat((String) g.get("reason")).contains("Resolved at");
                    }));
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() ->
                            assertThat(metric("initech", "PERMITS_FORBIDDEN")).isEqualTo(1.0));
        } finally {
            if (!deleted) {
                send(event("cleanup-" + System.nanoTime(), "delete", name, null, Instant.now()));
            }
        }
    }

    @Test
    void removingTheDnsRuleIsADnsFindingAndPuttingItBackClearsIt() throws Exception {
        // Given
        assertThat(findings("DENIES_PERMITTED"))
                .noneSatisfy(f -> assertThat(f.get("example").toString()).contains("protocol=UDP"));
        // When an audit event replaces initech's egress policy with one without its DNS rule
        send(event("dns-" + System.nanoTime(), "update", "allow-egress", EGRESS_WITHOUT_DNS, Instant.now()));
        try {
            // Then a DENIES_PERMITTED finding for DNS over UDP 53
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(findings("DENIES_PERMITTED"))
                            .anySatisfy(f -> {
                                assertThat((Map<String, Object>) f.get("peer")).containsEntry("class", "dns");
                                assertThat((Map<String, Object>) f.get("example"))
                                        .containsEntry("port", 53)
                                        .containsEntry("protocol", "UDP");
                                assertThat((List<String>) f.get("decidedBy")).contains(NS + "/allow-egress");
                            }));
            // and the DNS rule's open door to outside is closed
            assertThat(findings("PERMITS_FORBIDDEN")).isEmpty();
        } finally {
            // When the rule is put back
            send(event("dns-back-" + System.nanoTime(), "update", "allow-egress", EGRESS_SEED, Instant.now()));
        }
        // Then
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(findings("DENIES_PERMITTED"))
                    .noneSatisfy(f -> assertThat(f.get("example").toString()).contains("protocol=UDP"));
            assertThat(findings("PERMITS_FORBIDDEN")).hasSize(1);
        });
    }

    @Test
    void theAdministratorsAnswerSaysItIsUpToDate() {
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(initech().getBoolean("upToDate")).isTrue());
    }

    static List<Map<String, Object>> gaps(String rule) {
        List<Map<String, Object>> items = Tokens.asAdmin()
                .get("/api/v1/violations?type=POLICY_GAP&tenant=initech&limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        return items.stream()
                .filter(v -> ((List<String>) v.get("decidedBy")).contains(rule))
                .toList();
    }

    double metric(String tenant, String kind) {
        String text = given().get(metrics).asString();
        for (String line : text.split("\n")) {
            if (line.startsWith("flowwatch_isolation_findings{")
                    && line.contains("tenant=\"" + tenant + "\"")
                    && line.contains("kind=\"" + kind + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
