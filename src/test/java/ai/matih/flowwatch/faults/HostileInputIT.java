package ai.matih.flowwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.demo.EmbeddedKafkaBroker;
import ai.matih.flowwatch.testing.ChildAuth;
import ai.matih.flowwatch.testing.Tokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hostile input against the packaged flowwatch ({@code -Xmx512m}) and a real broker, one class of attack at a time:
 * oversized names, a record at the size limit with an invalid byte, an array of bad documents, label-heavy endpoints,
 * many attempts on few violations, thousands of hostile namespaces, and tenant requests built to exhaust or probe the
 * API. After each attack a good record sent behind it is processed (the group's offsets pass it) and liveness and
 * readiness are UP; at the end every produced record is committed and the heap after a full collection is under the
 * 512 MB the process has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    private static final Logger LOGGER = Logger.getLogger(HostileInputIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String GROUP = "hostile";
    private static final String HUBBLE = "h-hubble-flows";
    private static final String CALICO = "h-calico-flows";
    private static final String AUDIT = "h-k8s-audit";
    private static final String DLQ = "h-dlq";
    private static final String ACME = "matih-data-plane-acme-corp";
    private static final String GLOBEX = "matih-data-plane-globex";
    private static final long HEAP_LIMIT = 512L * 1024 * 1024;

    private EmbeddedKafkaBroker broker;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private FlowwatchProcess app;
    private final Map<String, Long> sent = new HashMap<>();
    private final List<String> figures = new ArrayList<>();
    private int goodPort = 1;

    @BeforeAll
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(0, 1);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        List<NewTopic> topics = new ArrayList<>();
        for (String t : List.of(HUBBLE, CALICO, AUDIT, DLQ)) {
            topics.add(new NewTopic(t, Optional.of(1), Optional.empty()));
        }
        admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                2 * 1024 * 1024,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.ACKS_CONFIG,
                "all"));
        Map<String, String> settings = new HashMap<>();
        settings.put("flowwatch.group", GROUP);
        settings.put("flowwatch.topics.hubble", HUBBLE);
        settings.put("flowwatch.topics.calico", CALICO);
        settings.put("flowwatch.topics.audit", AUDIT);
        settings.put("flowwatch.topics.dlq", DLQ);
        settings.put("flowwatch.topics.violations", "h-violations");
        ChildAuth.adminHeader(); // makes the test signing key known to Tokens
        app = new FlowwatchProcess("hostile", broker.bootstrapServers(), settings)
                .start()
                .awaitReady();
    }

    @AfterAll
    void stop() throws Exception {
        figures.forEach(LOGGER::info);
        if (app != null) {
            app.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void aNamespaceOfTwoHundredThousandCharactersIsDeadLetteredNotJudged() throws Exception {
        // Given
        double rejected = app.metric("flowwatch_records_rejected_total");
        double declined = app.metric("flowwatch_fast_path_fallbacks_total");
        String huge = "a".repeat(200_000);
        // When
        attackThenGood(
                HUBBLE,
                List.of(hubble(
                        huge,
                        "api-7d9f8c6b5-x9z9z",
                        "api",
                        "10.244.1.99",
                        40000,
                        ACME,
                        "db-0",
                        5432,
                        List.of("k8s:app=api"))));
        // Then
        assertThat(app.metric("flowwatch_records_rejected_total")).isEqualTo(rejected + 1);
        assertThat(app.metric("flowwatch_fast_path_fallbacks_total"))
                .as("fast path declines, counted")
                .isGreaterThan(declined);
        assertThat(adminGet("/api/v1/violations?limit=1000").body()).doesNotContain("a".repeat(64));
    }

    @Test
    @Order(2)
    void aRecordAtTheSizeLimitWithOneInvalidByteIsDeadLettered() throws Exception {
        // Given: a good flow padded to just under the record limit, with one byte that is not UTF-8 in the padding
        long letters = endOffset(DLQ);
        byte[] flow = hubble(
                GLOBEX, "api-7d9f8c6b5-x2a2b", "api", "10.244.2.10", 40001, ACME, "db-0", 5432, List.of("k8s:app=api"));
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        value.write(flow, 0, flow.length - 1);
        value.writeBytes(",\"padding\":\"".getBytes(StandardCharsets.UTF_8));
        int pad = 983_000 - value.size() - 2;
        byte[] padding = "x".repeat(pad).getBytes(StandardCharsets.UTF_8);
        padding[pad / 2] = (byte) 0xFF;
        value.writeBytes(padding);
        value.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        // When
        attackThenGood(HUBBLE, List.of(value.toByteArray()));
        // Then: one dead letter, the channel went on
        assertThat(endOffset(DLQ)).isEqualTo(letters + 1);
    }

    @Test
    @Order(3)
    void anArrayOfAThousandBadObjectsMakesOneDeadLetter() throws Exception {
        // Given: about 100 KB, one JSON array of 1,000 objects none of which is a flow
        long letters = endOffset(DLQ);
        StringBuilder array = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) {
            array.append(i == 0 ? "" : ",")
                    .append("{\"flow\":{\"verdict\":\"FORWARDED\",\"source\":{\"namespace\":")
                    .append(i)
                    .append("},\"padding\":\"")
                    .append("p".repeat(40))
                    .append("\"}}");
        }
        array.append(']');
        // When
        attackThenGood(HUBBLE, List.of(array.toString().getBytes(StandardCharsets.UTF_8)));
        // Then
        assertThat(endOffset(DLQ)).isEqualTo(letters + 1);
    }

    @Test
    @Order(4)
    void labelHeavyEndpointsAreRefusedAtTheDoor() throws Exception {
        // Given: 100 records whose source pod (not in the topology) carries 15,000 labels
        double rejected = app.metric("flowwatch_records_rejected_total");
        List<byte[]> records = new ArrayList<>();
        for (int r = 0; r < 100; r++) {
            List<String> labels = new ArrayList<>(15_000);
            for (int i = 0; i < 15_000; i++) {
                labels.add("k8s:example.com/label-" + r + "-" + i + "=v" + i);
            }
            records.add(hubble(GLOBEX, "heavy-" + r, "heavy", "10.244.2.200", 41000 + r, ACME, "db-0", 5432, labels));
        }
        // When
        attackThenGood(HUBBLE, records);
        // Then
        assertThat(app.metric("flowwatch_records_rejected_total")).isEqualTo(rejected + 100);
    }

    @Test
    @Order(5)
    void fiftyViolationsOfTwoThousandAttemptsEachAreCountedExactly() throws Exception {
        // Given: 50 workloads of globex, each reaching acme-corp's database from 2,000 source ports (NDJSON)
        List<byte[]> records = new ArrayList<>();
        for (int w = 0; w < 50; w++) {
            for (int chunk = 0; chunk < 10; chunk++) {
                ByteArrayOutputStream ndjson = new ByteArrayOutputStream();
                for (int a = 0; a < 200; a++) {
                    ndjson.writeBytes(hubble(
                            GLOBEX,
                            "scanner-w" + w + "-6b5c4d-q7r8s",
                            "scanner-w" + w,
                            "10.244.2." + (100 + w),
                            10_000 + chunk * 200 + a,
                            ACME,
                            "db-0",
                            5432,
                            List.of("k8s:app=scanner-w" + w)));
                    ndjson.write('\n');
                }
                records.add(ndjson.toByteArray());
            }
        }
        // When
        attackThenGood(HUBBLE, records);
        // Then: 50 violations, each with exactly 2,000 attempts
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            Map<String, Long> counts = new HashMap<>();
            for (JsonNode v : allViolations()) {
                String workload = v.path("source").path("workload").asText("");
                if (workload.startsWith("scanner-w")) {
                    counts.merge(workload, v.path("count").asLong(), Long::sum);
                }
            }
            assertThat(counts).hasSize(50);
            assertThat(counts.values()).containsOnly(2000L);
        });
    }

    @Test
    @Order(6)
    void tenThousandHostileNamespacesNeitherGrowMemoryNorTakeTheTopologyTenantsSeries() throws Exception {
        // Given: breaches from 10,000 tenant namespaces no topology knows, and 10,000 audit events creating namespaces
        List<byte[]> flows = new ArrayList<>();
        List<byte[]> audit = new ArrayList<>();
        for (int chunk = 0; chunk < 50; chunk++) {
            ByteArrayOutputStream ndjson = new ByteArrayOutputStream();
            ByteArrayOutputStream events = new ByteArrayOutputStream();
            for (int i = 0; i < 200; i++) {
                int n = chunk * 200 + i;
                ndjson.writeBytes(hubble(
                        "matih-data-plane-evil-" + n,
                        "x-" + n,
                        "x",
                        "10.244.200." + (n % 250),
                        30_000 + i,
                        ACME,
                        "db-0",
                        5432,
                        List.of("k8s:app=x")));
                ndjson.write('\n');
                events.writeBytes(namespaceCreated("hostile-ns-" + n, n));
                events.write('\n');
            }
            flows.add(ndjson.toByteArray());
            audit.add(events.toByteArray());
        }
        // When
        attackThenGood(AUDIT, audit);
        attackThenGood(HUBBLE, flows);
        // Then: a breach by a topology tenant is still counted under its own name
        String before = app.get("/q/metrics");
        double globex = series(before, "flowwatch_violations_total", "tenant=\"globex\"");
        attackThenGood(
                HUBBLE,
                List.of(hubble(
                        GLOBEX,
                        "api-7d9f8c6b5-x2a2b",
                        "api",
                        "10.244.2.10",
                        50_001,
                        ACME,
                        "db-0",
                        5432,
                        List.of("k8s:app=api"))));
        assertThat(series(app.get("/q/metrics"), "flowwatch_violations_total", "tenant=\"globex\""))
                .isGreaterThan(globex);
    }

    @Test
    @Order(7)
    void aTenantsRequestsCannotExhaustTheServiceNorMapAnotherTenant() throws Exception {
        String acme = Tokens.tenant("acme-corp");
        // Given / When: 4 MB of manifests (12,000 policies) times 1,000 connections
        HttpResponse<String> evaluate = HTTP.send(
                HttpRequest.newBuilder(app.api("/api/v1/policy/evaluate"))
                        .timeout(Duration.ofMinutes(2))
                        .header("Authorization", "Bearer " + acme)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(evaluateBody(12_000, 1_000)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        // Then: refused or answered within the bounds, never a server error
        assertThat(evaluate.statusCode()).isIn(200, 413, 422, 429);
        assertThat(evaluate.body().length()).isLessThan(16 * 1024 * 1024);
        figures.add("evaluate 4 MB x 1,000 as a tenant: " + evaluate.statusCode() + ", "
                + evaluate.body().length() + " bytes");

        // When: a duration that overflows
        HttpResponse<String> since = get("/api/v1/violations?since=PT9223372036854775807S", acme);
        // Then
        assertThat(since.statusCode()).isEqualTo(400);
        assertThat(since.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(since.body()).contains("since");

        // When: explain towards another tenant's pod and towards an address no pod has
        HttpResponse<String> foreign = explain(acme, "10.244.2.10");
        HttpResponse<String> unused = explain(acme, "10.244.77.77");
        // Then: the same answer, so a sweep of addresses maps nothing
        assertThat(foreign.statusCode()).isEqualTo(unused.statusCode()).isBetween(400, 499);
        assertThat(foreign.body().replace("10.244.2.10", "IP"))
                .isEqualTo(unused.body().replace("10.244.77.77", "IP"));
        assertUp();
    }

    @Test
    @Order(8)
    void everyRecordIsAccountedForAndTheHeapAfterCollectionIsBounded() throws Exception {
        // Given / When: a full collection in the service
        Process gc = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(app.pid()),
                        "GC.run")
                .redirectErrorStream(true)
                .start();
        assertThat(gc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        double heap = series(app.get("/q/metrics"), "jvm_memory_used_bytes", "area=\"heap\"");
        figures.add(String.format(
                "heap after GC: %.1f MB; records sent %s; dead letters %d; rejected %.0f",
                heap / 1024 / 1024, sent, endOffset(DLQ), app.metric("flowwatch_records_rejected_total")));
        // Then
        assertThat(heap).isPositive().isLessThan(HEAP_LIMIT);
        for (Map.Entry<String, Long> e : sent.entrySet()) {
            assertThat(committed(e.getKey()))
                    .as("committed offsets of " + e.getKey())
                    .isEqualTo(e.getValue());
        }
        assertThat(app.logLines("OutOfMemoryError")).isZero();
        assertUp();
    }

    // ------------------------------------------------------------------------------------------------ support

    /** Sends the attack, then a good flow; waits until the group committed past the good one; checks UP. */
    private void attackThenGood(String topic, List<byte[]> attack) throws Exception {
        double flows = app.metric("flowwatch_flows_total");
        for (byte[] value : attack) {
            send(topic, value);
        }
        if (!HUBBLE.equals(topic)) {
            awaitCommitted(topic);
        }
        send(
                HUBBLE,
                hubble(
                        ACME,
                        "api-7d9f8c6b5-x1a2b",
                        "api",
                        "10.244.1.10",
                        20_000 + goodPort++,
                        ACME,
                        "db-0",
                        5432,
                        List.of("k8s:app=api")));
        awaitCommitted(HUBBLE);
        assertThat(app.metric("flowwatch_flows_total")).isGreaterThan(flows);
        assertUp();
    }

    private void send(String topic, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, "hostile".getBytes(StandardCharsets.UTF_8), value))
                .get(30, TimeUnit.SECONDS);
        sent.merge(topic, 1L, Long::sum);
    }

    private void awaitCommitted(String topic) {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(300))
                .failFast("flowwatch exited", () -> !app.alive())
                .untilAsserted(() -> assertThat(committed(topic)).isEqualTo(sent.get(topic)));
    }

    private void assertUp() {
        assertThat(app.status("/q/health/live")).as("liveness").isEqualTo(200);
        assertThat(app.status("/q/health/ready")).as("readiness").isEqualTo(200);
    }

    private long committed(String topic) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .get(new TopicPartition(topic, 0));
        return offset == null ? 0 : offset.offset();
    }

    private long endOffset(String topic) throws Exception {
        TopicPartition p = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(p, OffsetSpec.latest()))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(p)
                .offset();
    }

    /** The sum of the series of a metric whose labels contain {@code label}. */
    private static double series(String scrape, String metric, String label) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(metric + "{") && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private List<JsonNode> allViolations() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            String path = "/api/v1/violations?limit=1000"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = JSON.readTree(adminGet(path).body());
            page.get("items").forEach(out::add);
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return out;
    }

    private HttpResponse<String> adminGet(String path) throws Exception {
        return get(path, Tokens.admin());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(app.api(path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> explain(String token, String destinationIp) throws Exception {
        return get(
                "/api/v1/explain?source=" + ACME + "/api-7d9f8c6b5-x1a2b&destination=" + destinationIp
                        + "&port=5432&protocol=TCP",
                token);
    }

    /** A Hubble exporter line of an allowed TCP connection. */
    private static byte[] hubble(
            String sourceNamespace,
            String sourcePod,
            String sourceWorkload,
            String sourceIp,
            int sourcePort,
            String destinationNamespace,
            String destinationPod,
            int port,
            List<String> sourceLabels)
            throws Exception {
        Map<String, Object> source = new HashMap<>();
        source.put("namespace", sourceNamespace);
        source.put("pod_name", sourcePod);
        source.put("labels", sourceLabels);
        source.put("workloads", List.of(Map.of("name", sourceWorkload, "kind", "Deployment")));
        Map<String, Object> destination = new HashMap<>();
        destination.put("namespace", destinationNamespace);
        destination.put("pod_name", destinationPod);
        destination.put("labels", List.of("k8s:app=db"));
        destination.put("workloads", List.of(Map.of("name", "db", "kind", "StatefulSet")));
        String now = Instant.now().toString();
        Map<String, Object> flow = new HashMap<>();
        flow.put("time", now);
        flow.put("verdict", "FORWARDED");
        flow.put("IP", Map.of("source", sourceIp, "destination", "10.244.1.12", "ipVersion", "IPv4"));
        flow.put(
                "l4",
                Map.of(
                        "TCP",
                        Map.of("source_port", sourcePort, "destination_port", port, "flags", Map.of("SYN", true))));
        flow.put("source", source);
        flow.put("destination", destination);
        flow.put("Type", "L3_L4");
        flow.put("node_name", "worker-1");
        flow.put("traffic_direction", "INGRESS");
        flow.put("is_reply", false);
        return JSON.writeValueAsBytes(Map.of("flow", flow, "node_name", "worker-1", "time", now));
    }

    /** An audit event: a namespace was created. */
    private static byte[] namespaceCreated(String name, int n) throws Exception {
        String now = Instant.now().toString();
        Map<String, Object> event = new HashMap<>();
        event.put("kind", "Event");
        event.put("apiVersion", "audit.k8s.io/v1");
        event.put("level", "RequestResponse");
        event.put("auditID", "00000000-0000-4000-8000-" + String.format("%012d", n));
        event.put("stage", "ResponseComplete");
        event.put("requestURI", "/api/v1/namespaces");
        event.put("verb", "create");
        event.put("user", Map.of("username", "system:serviceaccount:matih-data-plane-globex:ci"));
        event.put("sourceIPs", List.of("10.244.2.10"));
        event.put("objectRef", Map.of("resource", "namespaces", "name", name, "apiVersion", "v1"));
        event.put("responseStatus", Map.of("code", 201));
        event.put(
                "requestObject",
                Map.of(
                        "kind",
                        "Namespace",
                        "apiVersion",
                        "v1",
                        "metadata",
                        Map.of("name", name, "labels", Map.of("team", "t" + n))));
        event.put("requestReceivedTimestamp", now);
        event.put("stageTimestamp", now);
        return JSON.writeValueAsBytes(event);
    }

    /** A what-if body: {@code policies} NetworkPolicies in acme-corp's namespace and {@code connections} to judge. */
    private static String evaluateBody(int policies, int connections) throws Exception {
        StringBuilder yaml = new StringBuilder(4_200_000);
        yaml.append("apiVersion: v1\nkind: Namespace\nmetadata: {name: ")
                .append(ACME)
                .append("}\n---\n")
                .append("apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ")
                .append(ACME)
                .append("}\nspec: {containers: [{name: c, image: i}]}\nstatus: {podIP: 10.0.1.1}\n");
        for (int i = 0; i < policies; i++) {
            yaml.append("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-team-")
                    .append(String.format("%05d", i))
                    .append("-with-a-long-descriptive-name\n  namespace: ")
                    .append(ACME)
                    .append("\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n")
                    .append("    - from:\n        - namespaceSelector: {matchLabels: {team: team-")
                    .append(i)
                    .append("}}\n      ports: [{port: 8080, protocol: TCP}]\n");
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            list.add(Map.of(
                    "source",
                    Map.of("ip", "10.0.9." + (i % 250)),
                    "destination",
                    Map.of("namespace", ACME, "pod", "a"),
                    "port",
                    1 + i,
                    "protocol",
                    "TCP"));
        }
        return JSON.writeValueAsString(Map.of("manifests", yaml.toString(), "connections", list));
    }
}
