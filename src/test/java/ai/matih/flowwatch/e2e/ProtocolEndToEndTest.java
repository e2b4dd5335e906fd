package ai.matih.flowwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
 * ICMP crosses tenants through the real topics: a Hubble ICMPv4 flow and a Calico {@code proto: 1} record are judged
 * on intent like any connection (an isolation breach), and on policy by the CNI profile in force (the test
 * configuration's default, {@code conformance}: isolation covers ICMP, so the tenants' default-deny policies deny it,
 * flagged CNI-dependent).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class ProtocolEndToEndTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private static final String NOW = Instant.now().toString();
    private static final long EPOCH = Instant.now().getEpochSecond();

    /** acme-corp's api pod pings globex's db-0, and Cilium forwards it. */
    static String hubbleIcmp() {
        return "{\"flow\":{\"time\":\"" + NOW + "\",\"uuid\":\"icmp-1\",\"verdict\":\"FORWARDED\","
                + "\"IP\":{\"source\":\"10.244.1.10\",\"destination\":\"10.244.2.12\",\"ipVersion\":\"IPv4\"},"
                + "\"l4\":{\"ICMPv4\":{\"type\":8,\"code\":0}},"
                + "\"source\":{\"identity\":4368,\"namespace\":\"matih-data-plane-acme-corp\",\"pod_name\":\"api-7d9f8c6b5-x1a2b\","
                + "\"labels\":[\"k8s:app=api\",\"k8s:io.kubernetes.pod.namespace=matih-data-plane-acme-corp\"]},"
                + "\"destination\":{\"identity\":27312,\"namespace\":\"matih-data-plane-globex\",\"pod_name\":\"db-0\","
                + "\"labels\":[\"k8s:app=db\"]},"
                + "\"Type\":\"L3_L4\",\"node_name\":\"kind-kind/worker-2\",\"event_type\":{\"type\":4},"
                + "\"traffic_direction\":\"INGRESS\",\"trace_observation_point\":\"TO_ENDPOINT\"},"
                + "\"node_name\":\"kind-kind/worker-2\",\"time\":\"" + NOW + "\"}";
    }

    /** initech's api pod pings globex's api pod, and Calico allows it. */
    static String calicoIcmp() {
        return "{\"start_time\":" + EPOCH + ",\"end_time\":" + (EPOCH + 300) + ",\"source_ip\":\"10.244.3.10\","
                + "\"source_name\":\"api-7d9f8c6b5-x3a2b\",\"source_name_aggr\":\"api-7d9f8c6b5-*\","
                + "\"source_namespace\":\"matih-data-plane-initech\",\"source_port\":null,\"source_type\":\"wep\","
                + "\"source_labels\":{\"labels\":[\"app=api\",\"pod-template-hash=7d9f8c6b5\"]},"
                + "\"dest_ip\":\"10.244.2.10\",\"dest_name\":\"api-7d9f8c6b5-x2a2b\","
                + "\"dest_name_aggr\":\"api-7d9f8c6b5-*\",\"dest_namespace\":\"matih-data-plane-globex\","
                + "\"dest_port\":null,\"dest_type\":\"wep\",\"dest_labels\":{\"labels\":[\"app=api\"]},"
                + "\"proto\":1,\"action\":\"allow\",\"reporter\":\"dst\",\"num_flows\":1,\"num_flows_started\":1,"
                + "\"host\":\"worker-2\"}";
    }

    @Test
    void crossTenantIcmpFromHubbleAndCalicoIsAnIsolationBreach() throws Exception {
        // When
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, "hubble-flows", hubbleIcmp());
            send(producer, "calico-flows", calicoIcmp());
            producer.flush();
        }

        // Then
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, Object> hubble = icmpBreachFrom("matih-data-plane-acme-corp");
            assertThat(hubble).containsEntry("protocol", "ICMP").doesNotContainKey("port");
            assertThat(hubble).containsEntry("severity", "critical").containsEntry("policy", "DENY");
            assertThat(hubble).containsEntry("sourceFormat", "hubble");
            assertThat(hubble.get("evidence").toString()).contains("ICMPv4 type 8 code 0");
            Map<String, Object> calico = icmpBreachFrom("matih-data-plane-initech");
            assertThat(calico).containsEntry("protocol", "ICMP").doesNotContainKey("port");
            assertThat(calico).containsEntry("policy", "DENY");
        });
        // the protocol filter takes the number as well as the name
        Tokens.asAdmin()
                .get("/api/v1/violations?type=ISOLATION_BREACH&protocol=1&source.namespace=matih-data-plane-acme-corp")
                .then()
                .statusCode(200)
                .body("items.protocol", hasItem("ICMP"));
        // and the explanation of the same connection says why the policy axis denies it, and that it is CNI-dependent
        Tokens.asAdmin()
                .queryParam("source", "matih-data-plane-acme-corp/api-7d9f8c6b5-x1a2b")
                .queryParam("destination", "matih-data-plane-globex/db-0")
                .queryParam("protocol", "icmp")
                .get("/api/v1/explain")
                .then()
                .statusCode(200)
                .body("protocol", equalTo("ICMP"))
                .body("intent", equalTo("FORBIDDEN"))
                .body("policy.verdict", equalTo("DENY"))
                .body("policy.cniDependent", equalTo(true))
                .body("policy.cniDependentBecause", hasItem(containsString("isolation to ICMP")))
                .body("outcomes.ALLOWED", containsString("ISOLATION_BREACH"));
    }

    private static Map<String, Object> icmpBreachFrom(String namespace) {
        List<Map<String, Object>> items = Tokens.asAdmin()
                .get("/api/v1/violations?type=ISOLATION_BREACH&protocol=ICMP&limit=100")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        List<Map<String, Object>> from = items.stream()
                .filter(v -> namespace.equals(((Map<?, ?>) v.get("source")).get("namespace")))
                .toList();
        assertThat(from).as("ICMP breach from " + namespace).hasSize(1);
        return from.get(0);
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
