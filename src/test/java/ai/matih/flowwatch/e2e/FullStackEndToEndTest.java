package ai.matih.flowwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.KafkaBroker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The issue's acceptance, with real programs and no mocks: flowwatch on the test broker, the real Prometheus
 * scraping it with {@code alerts/} loaded, the real Alertmanager with the example configuration
 * ({@link FullStack}). A cross-tenant breach allowed at its destination produces both the alerts flowwatch pushes (one
 * for each tenant, at its side) and the rule-based alerts in Alertmanager's API with the documented labels; the pushed alert resolves after the quiet
 * period; every PromQL expression of every dashboard panel is valid and returns data from that Prometheus.
 */
@QuarkusTest
@TestProfile(FullStack.Profile.class)
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class FullStackEndToEndTest {

    /** The tenant the dashboards' {@code $tenant} is set to: the first of {@code label_values}, as Grafana picks. */
    private static final String TENANT = "acme-corp";

    private static final String ACME = "matih-data-plane-acme-corp";
    private static final String GLOBEX = "matih-data-plane-globex";
    /** Grafana's variables, with values for a dashboard looked at right after the traffic. */
    private static final Map<String, String> VARIABLES = Map.of(
            "${tenant}",
            TENANT,
            "$tenant",
            TENANT,
            "$__rate_interval",
            "1m",
            "$__interval",
            "1m",
            "$__range_s",
            "600",
            "$__range",
            "10m");

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = FullStack.PROMETHEUS_URL)
    String prometheus;

    @ConfigProperty(name = FullStack.ALERTMANAGER_URL)
    String alertmanager;

    private final FullStack.Api api = new FullStack.Api();
    private final AtomicInteger sourcePorts = new AtomicInteger(40000 + (int) (System.nanoTime() % 10000));

    @Test
    void breachReachesAlertmanagerTwiceResolvesAndEveryDashboardPanelHasData() throws Exception {
        // Given: Prometheus scrapes flowwatch
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(results("up{job=\"flowwatch\"} == 1"))
                        .as("flowwatch up in Prometheus")
                        .isNotEmpty());

        // When: a first wave of varied traffic, the cross-tenant breach among it
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            wave(producer);
        }

        // Then (a): flowwatch pushes the breach to Alertmanager with the documented labels, once for each tenant:
        // acme-corp at the source, globex (the tenant that was hit) at the destination, each naming only its own end
        JsonNode pushed = await().atMost(Duration.ofSeconds(30)).until(() -> pushedBreach(true), a -> a != null);
        assertThat(labels(pushed))
                .containsEntry("alertname", "FlowwatchIsolationBreach")
                .containsEntry("severity", "critical")
                .containsEntry("type", "ISOLATION_BREACH")
                .containsEntry("tenant", TENANT)
                .containsEntry("side", "source")
                .containsEntry("source_namespace", ACME)
                .doesNotContainKey("destination_namespace")
                .containsKey("violation_id");
        assertThat(pushed.path("annotations").path("runbook_url").asText())
                .endsWith("/alerts/runbook.md#alert-name-flowwatchisolationbreach");
        assertThat(pushed.path("generatorURL").asText())
                .endsWith("/api/v1/violations/" + labels(pushed).get("violation_id"));
        String violationId = labels(pushed).get("violation_id");
        JsonNode victim = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> api.alerts(alertmanager, true).stream()
                                .filter(a -> violationId.equals(labels(a).get("violation_id")))
                                .filter(a -> "globex".equals(labels(a).get("tenant")))
                                .findFirst()
                                .orElse(null),
                        a -> a != null);
        assertThat(labels(victim))
                .containsEntry("alertname", "FlowwatchIsolationBreach")
                .containsEntry("severity", "critical")
                .containsEntry("side", "destination")
                .containsEntry("destination_namespace", GLOBEX)
                .doesNotContainKey("source_namespace");
        assertThat(victim.path("annotations").path("description").asText())
                .startsWith("(another tenant) → globex")
                .doesNotContain("acme");

        // When: Prometheus has the counters, and a second wave makes them grow (increase() needs two samples)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(results("flowwatch_violations_total{job=\"flowwatch\",type=\"ISOLATION_BREACH\",tenant=\""
                            + TENANT + "\",side=\"source\"}"))
                    .isNotEmpty();
            assertThat(results("flowwatch_violations_total{job=\"flowwatch\",type=\"ISOLATION_BREACH\","
                            + "tenant=\"globex\",side=\"destination\"}"))
                    .isNotEmpty();
        });
        Instant lastBreach;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            lastBreach = wave(producer);
        }

        // Then (b): the rule of alerts/flowwatch-alerts.yaml fires too, with its documented labels
        JsonNode ruled = await().atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> api.alerts(alertmanager, true).stream()
                                .filter(a -> isRuleBreach(a))
                                .findFirst()
                                .orElse(null),
                        a -> a != null);
        assertThat(labels(ruled))
                .containsOnlyKeys("alertname", "severity", "type", "tenant", "side")
                .containsEntry("alertname", "FlowwatchIsolationBreach")
                .containsEntry("severity", "critical")
                .containsEntry("type", "ISOLATION_BREACH")
                .containsEntry("tenant", TENANT)
                .containsEntry("side", "source");
        // and for the tenant that was hit
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(api.alerts(alertmanager, true))
                        .anySatisfy(a -> assertThat(labels(a))
                                .containsEntry("alertname", "FlowwatchIsolationBreach")
                                .containsEntry("tenant", "globex")
                                .containsEntry("side", "destination")
                                .doesNotContainKey("violation_id")));
        assertThat(ruled.path("annotations").path("runbook_url").asText())
                .endsWith("/alerts/runbook.md#alert-name-flowwatchisolationbreach");
        assertThat(ruled.path("annotations").path("summary").asText()).isNotBlank();
        assertThat(ruled.path("generatorURL").asText()).startsWith(prometheus);

        // Then (d): every PromQL expression of every dashboard panel is valid and returns data
        assertEveryDashboardExpressionReturnsData();

        // Then (c): with no more breach traffic, the pushed alert resolves, not before the quiet period
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> api.alerts(alertmanager, true).stream()
                        .noneMatch(a -> violationId.equals(labels(a).get("violation_id"))));
        Instant resolvedSeen = Instant.now();
        assertThat(resolvedSeen)
                .as("resolved no earlier than the quiet period after the last breach record")
                .isAfterOrEqualTo(lastBreach.plus(FullStack.QUIET_PERIOD));
        // and the rule-based alert stays: the rules are the aggregate view over 15 minutes
        assertThat(api.alerts(alertmanager, true)).anyMatch(FullStackEndToEndTest::isRuleBreach);
    }

    /** The rules' copy differs from alerts/flowwatch-alerts.yaml only in its {@code for:} lines. */
    @Test
    void theTestRulesKeepEveryExpression() throws IOException {
        String original = Files.readString(FullStack.alertsDirectory().resolve("flowwatch-alerts.yaml"));
        String[] a = original.split("\n", -1);
        String[] b = FullStack.shortenFor(original).split("\n", -1);
        assertThat(b).hasSameSizeAs(a);
        int changed = 0;
        for (int i = 0; i < a.length; i++) {
            if (!a[i].equals(b[i])) {
                assertThat(a[i].trim()).startsWith("for: ");
                assertThat(b[i].trim()).isEqualTo("for: " + FullStack.RULE_FOR);
                changed++;
            }
        }
        assertThat(changed).isPositive();
    }

    // ------------------------------------------------------------------------------------------------ dashboards

    private void assertEveryDashboardExpressionReturnsData() throws IOException {
        Map<String, String> expressions = dashboardExpressions();
        assertThat(expressions).as("dashboard expressions").hasSizeGreaterThan(20);
        // The tenant variable's own query lists the tenant it is set to
        JsonNode values = api.get(prometheus + "/api/v1/label/tenant/values?match[]=flowwatch_violations_total");
        assertThat(values.path("data").toString()).contains("\"" + TENANT + "\"");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    List<String> empty = new ArrayList<>();
                    for (Map.Entry<String, String> e : expressions.entrySet()) {
                        String expr = e.getValue();
                        JsonNode answer = api.query(prometheus, expr);
                        assertThat(answer.path("status").asText())
                                .as(e.getKey() + ": " + expr)
                                .isEqualTo("success");
                        if (onlyEnforcementGaps(expr)) {
                            // ENFORCEMENT_GAP needs policies that allow what intent forbids; when this test's traffic
                            // made none, the same expression on another type shows that its shape returns data.
                            expr = expr.replace("ENFORCEMENT_GAP", "ISOLATION_BREACH");
                            answer = api.query(prometheus, expr);
                        }
                        if (answer.path("data").path("result").isEmpty()) {
                            empty.add(e.getKey() + ": " + expr);
                        }
                    }
                    assertThat(empty).as("dashboard expressions without data").isEmpty();
                });
    }

    private static boolean onlyEnforcementGaps(String expr) {
        return expr.contains("type=\"ENFORCEMENT_GAP\"");
    }

    /** Every panel target's expression of alerts/dashboards/*.json, Grafana's variables substituted, by location. */
    private static Map<String, String> dashboardExpressions() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Path dashboards = FullStack.alertsDirectory().resolve("dashboards");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dashboards, "*.json")) {
            for (Path file : files) {
                JsonNode board = JSON.readTree(file.toFile());
                collect(file.getFileName().toString(), board.path("panels"), out);
            }
        }
        return out;
    }

    private static void collect(String board, JsonNode panels, Map<String, String> out) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                if (!expr.isBlank()) {
                    for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
                        expr = expr.replace(v.getKey(), v.getValue());
                    }
                    assertThat(expr).as(board + " panel " + panel.path("id")).doesNotContain("$");
                    out.put(
                            board + " panel " + panel.path("id").asText() + " '"
                                    + panel.path("title").asText() + "' "
                                    + target.path("refId").asText(),
                            expr);
                }
            }
            collect(board, panel.path("panels"), out);
        }
    }

    // ------------------------------------------------------------------------------------------------ alerts

    private JsonNode pushedBreach(boolean activeOnly) {
        return api.alerts(alertmanager, activeOnly).stream()
                .filter(a -> "FlowwatchIsolationBreach".equals(labels(a).get("alertname")))
                .filter(a -> labels(a).containsKey("violation_id"))
                .filter(a -> TENANT.equals(labels(a).get("tenant"))
                        && "source".equals(labels(a).get("side"))
                        && ACME.equals(labels(a).get("source_namespace")))
                .findFirst()
                .orElse(null);
    }

    private static boolean isRuleBreach(JsonNode alert) {
        Map<String, String> labels = labels(alert);
        return "FlowwatchIsolationBreach".equals(labels.get("alertname"))
                && !labels.containsKey("violation_id")
                && TENANT.equals(labels.get("tenant"))
                && "source".equals(labels.get("side"));
    }

    private static Map<String, String> labels(JsonNode alert) {
        Map<String, String> labels = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = alert.path("labels").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            labels.put(f.getKey(), f.getValue().asText());
        }
        return labels;
    }

    private JsonNode results(String promql) {
        JsonNode answer = api.query(prometheus, promql);
        assertThat(answer.path("status").asText()).as(promql).isEqualTo("success");
        return answer.path("data").path("result");
    }

    // ------------------------------------------------------------------------------------------------ traffic

    /**
     * One wave of traffic of tenant acme-corp in several formats, new connections each time: the breach (allowed at
     * its destination), unexpected egress, a blocked attempt, a blocked DNS lookup, a flow without policy verdict, a
     * lost-events report, audit events (policy tampering, cross-tenant exec, a harmless read) and rejected records.
     *
     * @return when the breach was sent: flowwatch cannot have seen it earlier, and its flow time is this instant
     */
    private Instant wave(KafkaProducer<byte[], byte[]> producer) throws Exception {
        Instant sent = Instant.now();
        String now = sent.toString();
        String acmeApi = pod(ACME, "api-7d9f8c6b5-x1a2b", "10.244.1.10", "app=api", "matih.ai/tenant=acme-corp", "api");
        String globexDb = pod(GLOBEX, "db-0", "10.244.2.12", "app=db", "matih.ai/tenant=globex", null);
        String tenantManager = pod(
                "matih-control-plane",
                "tenant-manager-6d5f7c8b9d-k2x4p",
                "10.244.0.10",
                "app=tenant-manager",
                "matih.ai/role=control-plane",
                "tenant-manager");
        String coredns =
                pod("kube-system", "coredns-559f6c778d-7xq2m", "10.244.0.53", "k8s-app=kube-dns", null, "coredns");
        String world = "{\"identity\":2,\"labels\":[\"reserved:world\"]}";
        List<String> hubble = List.of(
                // ISOLATION_BREACH: acme-corp → globex, allowed at the destination
                hubble(
                        now,
                        acmeApi,
                        "10.244.1.10",
                        globexDb,
                        "10.244.2.12",
                        "TCP",
                        5432,
                        "FORWARDED",
                        "INGRESS",
                        "TO_ENDPOINT"),
                // UNEXPECTED_EGRESS: to the internet, no egress exception
                hubble(
                        now,
                        acmeApi,
                        "10.244.1.10",
                        world,
                        "198.51.100.7",
                        "TCP",
                        443,
                        "FORWARDED",
                        "EGRESS",
                        "TO_NETWORK"),
                // BLOCKED_ATTEMPT: tenant to control plane, dropped at the source
                hubble(
                        now,
                        acmeApi,
                        "10.244.1.10",
                        tenantManager,
                        "10.244.0.10",
                        "TCP",
                        8080,
                        "DROPPED",
                        "EGRESS",
                        null),
                // UNEXPECTED_DENY: DNS blocked
                hubble(now, acmeApi, "10.244.1.10", coredns, "10.244.0.53", "UDP", 53, "DROPPED", "EGRESS", null),
                // UNCLASSIFIED: no policy verdict
                hubble(
                        now,
                        acmeApi,
                        "10.244.1.10",
                        globexDb,
                        "10.244.2.12",
                        "TCP",
                        5432,
                        "TRANSLATED",
                        "INGRESS",
                        "TO_ENDPOINT"),
                "{\"lost_events\":{\"source\":\"HUBBLE_RING_BUFFER\",\"num_events_lost\":\"5\",\"cpu\":0},"
                        + "\"node_name\":\"worker-1\",\"time\":\"" + now + "\"}");
        send(producer, "hubble-flows", String.join("\n", hubble));
        send(producer, "hubble-flows", "{\"flow\": truncated");
        send(producer, "calico-flows", calicoDeny());
        send(producer, "calico-flows", PipelineEndToEndTest.whiskerDnsDeny().replace(GLOBEX, ACME));
        send(producer, "calico-flows", "{\"start_time\": 1, \"action\":");
        send(
                producer,
                "k8s-audit",
                audit(
                        now,
                        "system:serviceaccount:" + GLOBEX + ":deployer",
                        "delete",
                        "networkpolicies",
                        "networking.k8s.io",
                        ACME,
                        "default-deny-all",
                        null,
                        200,
                        "ResponseComplete"));
        send(
                producer,
                "k8s-audit",
                audit(
                        now,
                        "system:serviceaccount:" + GLOBEX + ":api",
                        "create",
                        "pods",
                        null,
                        ACME,
                        "db-0",
                        "exec",
                        101,
                        "ResponseStarted"));
        send(
                producer,
                "k8s-audit",
                audit(
                        now,
                        "system:serviceaccount:" + ACME + ":api",
                        "get",
                        "configmaps",
                        null,
                        ACME,
                        "settings",
                        null,
                        200,
                        "ResponseComplete"));
        send(producer, "k8s-audit", "not json at all");
        producer.flush();
        return sent;
    }

    private static String pod(
            String namespace, String name, String ip, String label, String namespaceLabel, String workload) {
        return "{\"identity\":" + (Math.abs(name.hashCode()) % 60000 + 256) + ",\"namespace\":\"" + namespace
                + "\",\"pod_name\":\"" + name + "\",\"labels\":[\"k8s:" + label + "\""
                + (namespaceLabel == null ? "" : ",\"k8s:io.cilium.k8s.namespace.labels." + namespaceLabel + "\"")
                + ",\"k8s:io.kubernetes.pod.namespace=" + namespace + "\"]"
                + (workload == null ? "" : ",\"workloads\":[{\"name\":\"" + workload + "\",\"kind\":\"Deployment\"}]")
                + "}";
    }

    private String hubble(
            String now,
            String source,
            String sourceIp,
            String destination,
            String destinationIp,
            String protocol,
            int port,
            String verdict,
            String direction,
            String observationPoint) {
        int sourcePort = sourcePorts.incrementAndGet();
        String l4 = "TCP".equals(protocol)
                ? "{\"TCP\":{\"source_port\":" + sourcePort + ",\"destination_port\":" + port
                        + ",\"flags\":{\"SYN\":true}}}"
                : "{\"UDP\":{\"source_port\":" + sourcePort + ",\"destination_port\":" + port + "}}";
        String event = "DROPPED".equals(verdict)
                ? "\"drop_reason\":133,\"drop_reason_desc\":\"POLICY_DENIED\",\"event_type\":{\"type\":1,\"sub_type\":133},"
                : "\"event_type\":{\"type\":4},";
        return "{\"flow\":{\"time\":\"" + now + "\",\"uuid\":\"" + UUID.randomUUID() + "\",\"verdict\":\"" + verdict
                + "\"," + event + "\"IP\":{\"source\":\"" + sourceIp + "\",\"destination\":\"" + destinationIp
                + "\",\"ipVersion\":\"IPv4\"},\"l4\":" + l4 + ",\"source\":" + source + ",\"destination\":"
                + destination
                + ",\"Type\":\"L3_L4\",\"node_name\":\"kind-kind/worker-1\",\"traffic_direction\":\"" + direction
                + "\","
                + (observationPoint == null ? "" : "\"trace_observation_point\":\"" + observationPoint + "\",")
                + "\"is_reply\":false},\"node_name\":\"kind-kind/worker-1\",\"time\":\"" + now + "\"}";
    }

    /** A Calico Enterprise flows.log deny of acme-corp towards the control plane, with its own time slice. */
    private String calicoDeny() {
        long end = Instant.now().getEpochSecond() - sourcePorts.incrementAndGet() % 12 * 300L;
        return "{\"start_time\":" + (end - 300) + ",\"end_time\":" + end + ",\"source_ip\":\"10.244.1.11\","
                + "\"source_name\":\"worker-5c7d9e8f6-y1c3d\",\"source_name_aggr\":\"worker-5c7d9e8f6-*\","
                + "\"source_namespace\":\"" + ACME + "\",\"source_port\":null,\"source_type\":\"wep\","
                + "\"source_labels\":{\"labels\":[\"app=worker\",\"pod-template-hash=5c7d9e8f6\"]},"
                + "\"dest_ip\":\"10.244.0.10\",\"dest_name\":\"tenant-manager-6d5f7c8b9d-k2x4p\","
                + "\"dest_name_aggr\":\"tenant-manager-6d5f7c8b9d-*\",\"dest_namespace\":\"matih-control-plane\","
                + "\"dest_port\":8443,\"dest_type\":\"wep\",\"dest_labels\":{\"labels\":[\"app=tenant-manager\"]},"
                + "\"proto\":\"tcp\",\"action\":\"deny\",\"reporter\":\"src\",\"policies\":{\"enforced_policies\":"
                + "[\"0|default|" + ACME + "/knp.default.default-deny-all|deny|-1\"]},"
                + "\"num_flows\":1,\"num_flows_started\":1,\"num_flows_completed\":1,\"host\":\"worker-1\"}";
    }

    private static String audit(
            String now,
            String user,
            String verb,
            String resource,
            String apiGroup,
            String namespace,
            String name,
            String subresource,
            int code,
            String stage) {
        String path = (apiGroup == null ? "/api/v1" : "/apis/" + apiGroup + "/v1") + "/namespaces/" + namespace + "/"
                + resource + "/" + name + (subresource == null ? "" : "/" + subresource);
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\""
                + UUID.randomUUID() + "\",\"stage\":\"" + stage + "\",\"requestURI\":\"" + path + "\",\"verb\":\""
                + verb
                + "\",\"user\":{\"username\":\"" + user + "\",\"groups\":[\"system:serviceaccounts\"]},"
                + "\"sourceIPs\":[\"10.244.2.10\"],\"objectRef\":{\"resource\":\"" + resource + "\",\"namespace\":\""
                + namespace + "\",\"name\":\"" + name + "\""
                + (apiGroup == null ? "" : ",\"apiGroup\":\"" + apiGroup + "\"")
                + ",\"apiVersion\":\"v1\"" + (subresource == null ? "" : ",\"subresource\":\"" + subresource + "\"")
                + "},\"responseStatus\":{\"metadata\":{},\"code\":" + code + "},\"requestReceivedTimestamp\":\"" + now
                + "\",\"stageTimestamp\":\"" + now + "\",\"annotations\":{\"authorization.k8s.io/decision\":\"allow\","
                + "\"authorization.k8s.io/reason\":\"\"}}";
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8)))
                .get();
    }
}
