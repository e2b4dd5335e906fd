package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

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
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Records of every format go to the real topics of a real broker; the violations appear in the REST API,
 * the counts in the metrics, and the bad records in the DLQ with their reasons.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class PipelineEndToEndTest {

    /** Management URLs start at the management root, {@code /q}. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readyUrl;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private static final String NOW = Instant.now().toString();
    private static final long EPOCH = Instant.now().getEpochSecond();

    static String hubbleCrossTenant(String uuid, int sourcePort, String direction, String verdict, String extra) {
        return "{\"flow\":{\"time\":\"" + NOW + "\",\"uuid\":\"" + uuid + "\",\"verdict\":\"" + verdict + "\"," + extra
                + "\"IP\":{\"source\":\"10.244.1.10\",\"destination\":\"10.244.2.12\",\"ipVersion\":\"IPv4\"},"
                + "\"l4\":{\"TCP\":{\"source_port\":" + sourcePort
                + ",\"destination_port\":5432,\"flags\":{\"SYN\":true}}},"
                + "\"source\":{\"identity\":4368,\"namespace\":\"matih-data-plane-acme-corp\",\"pod_name\":\"api-7d9f8c6b5-x1a2b\","
                + "\"labels\":[\"k8s:app=api\",\"k8s:io.cilium.k8s.namespace.labels.matih.ai/tenant=acme-corp\","
                + "\"k8s:io.kubernetes.pod.namespace=matih-data-plane-acme-corp\"],\"workloads\":[{\"name\":\"api\",\"kind\":\"Deployment\"}]},"
                + "\"destination\":{\"identity\":27312,\"namespace\":\"matih-data-plane-globex\",\"pod_name\":\"db-0\","
                + "\"labels\":[\"k8s:app=db\",\"k8s:io.cilium.k8s.namespace.labels.matih.ai/tenant=globex\"]},"
                + "\"Type\":\"L3_L4\",\"node_name\":\"kind-kind/worker-2\",\"event_type\":{\"type\":4},"
                + "\"traffic_direction\":\"" + direction
                + "\",\"trace_observation_point\":\"TO_ENDPOINT\",\"is_reply\":false},"
                + "\"node_name\":\"kind-kind/worker-2\",\"time\":\"" + NOW + "\"}";
    }

    static String calicoDeny(String reporter, String host) {
        return "{\"start_time\":" + EPOCH + ",\"end_time\":" + (EPOCH + 300) + ",\"source_ip\":\"10.244.3.10\","
                + "\"source_name\":\"api-7d9f8c6b5-x3a2b\",\"source_name_aggr\":\"api-7d9f8c6b5-*\","
                + "\"source_namespace\":\"matih-data-plane-initech\",\"source_port\":null,\"source_type\":\"wep\","
                + "\"source_labels\":{\"labels\":[\"app=api\",\"pod-template-hash=7d9f8c6b5\"]},"
                + "\"dest_ip\":\"10.244.0.10\",\"dest_name\":\"tenant-manager-6d5f7c8b9d-k2x4p\","
                + "\"dest_name_aggr\":\"tenant-manager-6d5f7c8b9d-*\",\"dest_namespace\":\"matih-control-plane\","
                + "\"dest_port\":8080,\"dest_type\":\"wep\",\"dest_labels\":{\"labels\":[\"app=tenant-manager\",\"pod-template-hash=6d5f7c8b9d\"]},"
                + "\"proto\":\"tcp\",\"action\":\"deny\",\"reporter\":\"" + reporter
                + "\",\"policies\":{\"enforced_policies\":"
                + "[\"0|default|matih-data-plane-initech/knp.default.default-deny-all|deny|-1\"]},"
                + "\"num_flows\":2,\"num_flows_started\":2,\"num_flows_completed\":2,\"host\":\"" + host + "\"}";
    }

    static String whiskerDnsDeny() {
        return "{\"start_time\":\"" + NOW + "\",\"end_time\":\"" + NOW + "\",\"action\":\"Deny\","
                + "\"source_name\":\"worker-5c7d9e8f6-*\",\"source_namespace\":\"matih-data-plane-globex\","
                + "\"source_labels\":\"app=worker | pod-template-hash=5c7d9e8f6\",\"dest_name\":\"coredns-559f6c778d-*\","
                + "\"dest_namespace\":\"kube-system\",\"dest_labels\":\"k8s-app=kube-dns | pod-template-hash=559f6c778d\","
                + "\"protocol\":\"udp\",\"dest_port\":53,\"reporter\":\"Dst\",\"policies\":{\"enforced\":[{\"kind\":\"EndOfTier\","
                + "\"name\":\"\",\"namespace\":\"\",\"tier\":\"default\",\"action\":\"Deny\",\"policy_index\":0,\"rule_index\":-1,"
                + "\"trigger\":null}],\"pending\":[]},\"packets_in\":2,\"packets_out\":0,\"bytes_in\":120,\"bytes_out\":0}";
    }

    static String auditDeleteDefaultDeny() {
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\""
                + UUID.randomUUID()
                + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/apis/networking.k8s.io/v1/namespaces/matih-data-plane-globex/networkpolicies/default-deny-all\","
                + "\"verb\":\"delete\",\"user\":{\"username\":\"system:serviceaccount:matih-data-plane-acme-corp:deployer\","
                + "\"groups\":[\"system:serviceaccounts\"]},\"sourceIPs\":[\"10.244.1.10\"],\"objectRef\":{\"resource\":\"networkpolicies\","
                + "\"namespace\":\"matih-data-plane-globex\",\"name\":\"default-deny-all\",\"apiGroup\":\"networking.k8s.io\",\"apiVersion\":\"v1\"},"
                + "\"responseStatus\":{\"metadata\":{},\"code\":200},\"requestReceivedTimestamp\":\"" + NOW
                + "\",\"stageTimestamp\":\"" + NOW + "\","
                + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"\"}}";
    }

    @Test
    void judgesRecordsOfEveryFormatFromTheRealTopics() throws Exception {
        // Given
        String breach = hubbleCrossTenant("b1", 51000, "INGRESS", "FORWARDED", "");
        String retransmit = hubbleCrossTenant("b2", 51000, "INGRESS", "FORWARDED", "");
        String reply = hubbleCrossTenant("r1", 51001, "INGRESS", "FORWARDED", "")
                .replace("\"is_reply\":false", "\"is_reply\":true");
        String lost =
                "{\"lost_events\":{\"source\":\"HUBBLE_RING_BUFFER\",\"num_events_lost\":\"7\",\"cpu\":1},\"node_name\":\"worker-2\",\"time\":\""
                        + NOW + "\"}";
        String hubbleNdjson = breach + "\n" + "{\"flow\": truncated" + "\n" + retransmit + "\n" + reply + "\n" + lost;
        String broken = "{\"start_time\": 1, \"action\":";
        String baseline =
                given().get(metricsUrl).then().statusCode(200).extract().asString();
        Map<TopicPartition, Long> dlqStart = dlqEnd();
        // When
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, "hubble-flows", hubbleNdjson);
            send(producer, "calico-flows", broken);
            send(producer, "calico-flows", calicoDeny("src", "worker-3"));
            send(producer, "calico-flows", calicoDeny("dst", "worker-1"));
            send(producer, "calico-flows", whiskerDnsDeny());
            send(producer, "k8s-audit", auditDeleteDefaultDeny());
            send(producer, "k8s-audit", "not json at all");
            producer.flush();
        }
        // Then: violations of several types, merged and counted
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(one("ISOLATION_BREACH", "globex")).containsEntry("observations", 2);
            assertThat(one("BLOCKED_ATTEMPT", "initech")).containsEntry("observations", 2);
            one("UNEXPECTED_DENY", "globex");
            one("POLICY_TAMPERING", "globex");
        });
        Map<String, Object> breachV = one("ISOLATION_BREACH", "globex");
        assertThat(breachV)
                .containsEntry("tenant", "acme-corp")
                .containsEntry("peerTenant", "globex")
                .containsEntry("category", "cross-tenant")
                .containsEntry("count", 1)
                .containsEntry("observations", 2)
                .containsEntry("port", 5432)
                .containsEntry("protocol", "TCP")
                .containsEntry("sourceFormat", "hubble")
                .containsEntry("policy", "DENY")
                .containsEntry("cause", "not-enforced");
        // the policy engine names the policies that isolate the denying side
        assertThat((List<?>) breachV.get("decidedBy"))
                .isNotEmpty()
                .allSatisfy(p -> assertThat((String) p).startsWith("matih-data-plane-"));
        Map<String, Object> blocked = one("BLOCKED_ATTEMPT", "initech");
        assertThat(blocked)
                .containsEntry("category", "tenant-to-control-plane")
                .containsEntry("count", 2)
                .containsEntry("observations", 2)
                .containsEntry("cause", "policy-denies");
        Map<String, Object> dns = one("UNEXPECTED_DENY", "globex");
        assertThat(dns)
                .containsEntry("severity", "warning")
                .containsEntry("port", 53)
                .containsEntry("policy", "ALLOW")
                .containsEntry("cause", "not-policy");
        Map<String, Object> tampering = one("POLICY_TAMPERING", "globex");
        assertThat(tampering).containsEntry("severity", "critical");

        Tokens.asAdmin()
                .get("/api/v1/violations/" + breachV.get("id"))
                .then()
                .statusCode(200)
                .body("id", equalTo(breachV.get("id")))
                .body("destination.namespace", equalTo("matih-data-plane-globex"));
        Tokens.asAdmin()
                .get("/api/v1/violations?severity=loud")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo("severity"));
        Tokens.asAdmin()
                .get("/api/v1/violations?limit=5000")
                .then()
                .statusCode(400)
                .body("parameter", equalTo("limit"));

        // Then: the metrics count what happened
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics =
                    given().get(metricsUrl).then().statusCode(200).extract().asString();
            assertThat(delta(
                            baseline,
                            metrics,
                            "flowwatch_flows_total",
                            "classification=\"REPLY\"",
                            "format=\"hubble\""))
                    .isEqualTo(1.0);
            assertThat(delta(
                            baseline,
                            metrics,
                            "flowwatch_flows_total",
                            "classification=\"ISOLATION_BREACH\"",
                            "format=\"hubble\""))
                    .isEqualTo(2.0);
            assertThat(delta(
                            baseline,
                            metrics,
                            "flowwatch_violations_total",
                            "type=\"ISOLATION_BREACH\"",
                            "tenant=\"acme-corp\""))
                    .isEqualTo(1.0);
            assertThat(delta(
                            baseline,
                            metrics,
                            "flowwatch_violations_total",
                            "type=\"BLOCKED_ATTEMPT\"",
                            "tenant=\"initech\""))
                    .isEqualTo(2.0);
            assertThat(delta(
                            baseline,
                            metrics,
                            "flowwatch_records_rejected_total",
                            "topic=\"calico-flows\"",
                            "reason=\"invalid-json\""))
                    .isEqualTo(1.0);
            assertThat(delta(
                            baseline,
                            metrics,
                            "flowwatch_records_rejected_total",
                            "topic=\"hubble-flows\"",
                            "reason=\"invalid-json\""))
                    .isEqualTo(1.0);
            assertThat(delta(baseline, metrics, "flowwatch_records_rejected_total", "topic=\"k8s-audit\""))
                    .isEqualTo(1.0);
            assertThat(delta(baseline, metrics, "flowwatch_audit_events_total", "detection=\"POLICY_TAMPERING\""))
                    .isEqualTo(1.0);
            assertThat(delta(baseline, metrics, "flowwatch_lost_events_total", "format=\"hubble\""))
                    .isEqualTo(7.0);
            assertThat(metrics).contains("flowwatch_last_record_timestamp_seconds{format=\"hubble\"}");
        });

        // Then: the DLQ holds the bad parts with their reasons
        List<ConsumerRecord<byte[], byte[]>> dead = readDlq(3, dlqStart);
        assertThat(dead)
                .extracting(r -> header(r, "flowwatch-source-topic"))
                .containsExactlyInAnyOrder("hubble-flows", "calico-flows", "k8s-audit");
        ConsumerRecord<byte[], byte[]> calico = dead.stream()
                .filter(r -> "calico-flows".equals(header(r, "flowwatch-source-topic")))
                .findFirst()
                .orElseThrow();
        assertThat(new String(calico.value(), StandardCharsets.UTF_8)).isEqualTo(broken);
        assertThat(header(calico, "flowwatch-reason")).startsWith("invalid-json");
        assertThat(header(calico, "flowwatch-source-offset")).isNotBlank();
        ConsumerRecord<byte[], byte[]> hubble = dead.stream()
                .filter(r -> "hubble-flows".equals(header(r, "flowwatch-source-topic")))
                .findFirst()
                .orElseThrow();
        assertThat(new String(hubble.value(), StandardCharsets.UTF_8)).isEqualTo("{\"flow\": truncated");
        assertThat(header(hubble, "flowwatch-source-line")).isEqualTo("2");

        given().get(readyUrl).then().statusCode(200).body(containsString("UP"));
    }

    private Map<String, Object> one(String type, String tenant) {
        List<Map<String, Object>> items = Tokens.asAdmin()
                .get("/api/v1/violations?type=" + type + "&tenant=" + tenant)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        assertThat(items).as(type + " for " + tenant).hasSize(1);
        return items.get(0);
    }

    /** How much a metric grew since the baseline scrape (other test classes share the application). */
    private static double delta(String baseline, String scrape, String name, String... labels) {
        double before = sum(baseline, name, labels);
        return metric(scrape, name, labels) - (Double.isNaN(before) ? 0 : before);
    }

    private static double metric(String scrape, String name, String... labels) {
        double value = sum(scrape, name, labels);
        assertThat(value)
                .as(name + " " + String.join(",", labels) + " in metrics")
                .isNotNaN();
        return value;
    }

    /** The sum of the matching series, NaN when there is none. */
    private static double sum(String scrape, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + "{")) {
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

    private KafkaConsumer<byte[], byte[]> dlqConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p);
    }

    /** Where the DLQ ends now: other test classes share the broker and may have dead-lettered records before. */
    private Map<TopicPartition, Long> dlqEnd() {
        try (KafkaConsumer<byte[], byte[]> consumer = dlqConsumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor("flowwatch-dlq").stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            return consumer.endOffsets(partitions);
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readDlq(int expected, Map<TopicPartition, Long> from) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = dlqConsumer()) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
                return out.size() >= expected;
            });
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
