package ai.matih.flowwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * An audit event deletes a tenant's default-deny policy; flows that it used to block then arrive allowed.
 * flowwatch reports the tampering, applies the change to its live topology, and ties the breach to the event.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class AuditCorrelationEndToEndTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void tiesABreachToThePolicyDeletionThatPrecededIt() throws Exception {
        // Given
        Instant deletedAt = Instant.now().minusSeconds(40);
        String auditId = "corr-" + System.nanoTime();
        String deletion = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\""
                + auditId + "\",\"stage\":\"ResponseComplete\",\"requestURI\":"
                + "\"/apis/networking.k8s.io/v1/namespaces/matih-data-plane-acme-corp/networkpolicies/default-deny-all\","
                + "\"verb\":\"delete\",\"user\":{\"username\":\"system:serviceaccount:matih-data-plane-initech:ci\"},"
                + "\"sourceIPs\":[\"10.244.3.11\"],\"objectRef\":{\"resource\":\"networkpolicies\","
                + "\"namespace\":\"matih-data-plane-acme-corp\",\"name\":\"default-deny-all\","
                + "\"apiGroup\":\"networking.k8s.io\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"code\":200},"
                + "\"stageTimestamp\":\"" + deletedAt + "\"}";
        long start = Instant.now().getEpochSecond();
        String allowed =
                "{\"start_time\":" + start + ",\"end_time\":" + (start + 300) + ",\"source_ip\":\"10.244.3.10\","
                        + "\"source_name\":\"api-7d9f8c6b5-x3a2b\",\"source_name_aggr\":\"api-7d9f8c6b5-*\","
                        + "\"source_namespace\":\"matih-data-plane-initech\",\"source_port\":41000,\"source_type\":\"wep\","
                        + "\"source_labels\":{\"labels\":[\"app=api\",\"pod-template-hash=7d9f8c6b5\"]},"
                        + "\"dest_ip\":\"10.244.1.12\",\"dest_name\":\"db-0\",\"dest_name_aggr\":\"db-*\","
                        + "\"dest_namespace\":\"matih-data-plane-acme-corp\",\"dest_port\":5432,\"dest_type\":\"wep\","
                        + "\"dest_labels\":{\"labels\":[\"app=db\"]},\"proto\":\"tcp\",\"action\":\"allow\",\"reporter\":\"dst\","
                        + "\"policies\":{\"enforced_policies\":[\"0|__PROFILE__|__PROFILE__.kns.matih-data-plane-acme-corp|allow|0\"]},"
                        + "\"num_flows_started\":1,\"host\":\"worker-1\"}";
        int policiesBefore = acmePolicies();
        // When: the deletion arrives first, then the flow it let through
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>("k8s-audit", deletion.getBytes(StandardCharsets.UTF_8)))
                    .get();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(Tokens.asAdmin()
                                    .get("/api/v1/violations?type=POLICY_TAMPERING&tenant=acme-corp")
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .jsonPath()
                                    .getList("items.evidence.audit.auditId"))
                            .contains(auditId));
            producer.send(new ProducerRecord<>("calico-flows", allowed.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        // Then
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Tokens.asAdmin()
                                .get(
                                        "/api/v1/violations?type=ISOLATION_BREACH&tenant=initech&namespace=matih-data-plane-acme-corp")
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getList("items"))
                        .hasSize(1));
        Map<String, Object> breach = Tokens.asAdmin()
                .get("/api/v1/violations?type=ISOLATION_BREACH&tenant=initech&namespace=matih-data-plane-acme-corp")
                .then()
                .extract()
                .jsonPath()
                .getMap("items[0]");
        assertThat(breach).containsEntry("category", "cross-tenant").containsEntry("peerTenant", "acme-corp");
        @SuppressWarnings("unchecked")
        Map<String, Object> audit = (Map<String, Object>) ((Map<String, Object>) breach.get("evidence")).get("audit");
        assertThat(audit)
                .containsEntry("auditId", auditId)
                .containsEntry("verb", "delete")
                .containsEntry("actor", "system:serviceaccount:matih-data-plane-initech:ci");
        assertThat((String) breach.get("reason")).contains("began").contains("default-deny-all");
        assertThat(acmePolicies()).isEqualTo(policiesBefore - 1);
    }

    private static int acmePolicies() {
        List<Map<String, Object>> tenants = Tokens.asAdmin()
                .get("/api/v1/topology")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("tenants");
        return tenants.stream()
                .filter(t -> "acme-corp".equals(t.get("tenant")))
                .mapToInt(t -> ((Number) t.get("policies")).intValue())
                .findFirst()
                .orElseThrow();
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
