package ai.matih.flowwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * flowwatch with {@code flowwatch.topology.kubernetes.enabled=true} against a Kubernetes API server (the test server
 * in CRUD mode, with watches) and no manifests: {@code GET /api/v1/topology} follows the cluster, and a Hubble flow
 * that names a new pod only by its IP is placed in the pod's namespace.
 */
@QuarkusTest
@TestProfile(LiveTopologyEndToEndTest.Informers.class)
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
@WithKubernetesTestServer(crud = true, setup = LiveTopologyEndToEndTest.Cluster.class)
class LiveTopologyEndToEndTest {

    static final String ACME = "matih-data-plane-acme-corp";
    static final String INITECH = "matih-data-plane-initech";
    static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    /** The informers on, no manifests. */
    public static class Informers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("flowwatch.topology.kubernetes.enabled", "true", "flowwatch.topology.path", "none");
        }
    }

    /** The cluster before flowwatch starts: the CRD, a tenant namespace and its policy. */
    public static class Cluster implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            KubernetesClient client = server.getClient();
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .load(Path.of("deploy/kubernetes/base/egressexceptions.flowwatch.matih.ai.yaml")
                            .toFile())
                    .create();
            client.namespaces()
                    .resource(namespace(ACME, Map.of("matih.ai/tenant", "acme-corp")))
                    .create();
            client.network()
                    .networkPolicies()
                    .resource(policy(ACME, "default-deny-all"))
                    .create();
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void topologyFollowsTheClusterAndPlacesIpOnlyFlowEnds() throws Exception {
        KubernetesClient client = server.getClient();

        // Given: what the cluster had at start is listed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath t = topology();
            assertThat(t.getList("tenants.tenant")).contains("acme-corp");
            assertThat(t.getInt("policies")).isEqualTo(1);
        });

        // When a namespace is relabelled to a tenant's, a new tenant namespace comes with its policy, a policy is
        // deleted and a pod starts
        client.namespaces().resource(namespace("team-x", Map.of("team", "x"))).create();
        client.namespaces()
                .withName("team-x")
                .edit(n -> new NamespaceBuilder(n)
                        .editMetadata()
                        .withLabels(Map.of("matih.ai/tenant", "x-corp"))
                        .endMetadata()
                        .build());
        client.namespaces()
                .resource(namespace(INITECH, Map.of("matih.ai/tenant", "initech")))
                .create();
        client.network()
                .networkPolicies()
                .resource(policy(INITECH, "default-deny-all"))
                .create();
        client.network()
                .networkPolicies()
                .inNamespace(ACME)
                .withName("default-deny-all")
                .delete();
        client.pods()
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withNamespace(INITECH)
                        .withName("api-7d9f8c6b5-x3a2b")
                        .withLabels(Map.of("app", "api"))
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName("worker-1")
                        .endSpec()
                        .withNewStatus()
                        .withPhase("Running")
                        .withPodIP("10.244.7.7")
                        .withHostIP("192.168.0.11")
                        .endStatus()
                        .build())
                .create();

        // Then each shows within 5 s
        await().atMost(FIVE_SECONDS).untilAsserted(() -> {
            JsonPath t = topology();
            assertThat(t.getList("tenants.tenant")).contains("acme-corp", "initech", "x-corp");
            assertThat(t.getList("namespaces.findAll { it.name == 'team-x' }.role"))
                    .containsExactly("tenant");
            assertThat(t.getInt("tenants.find { it.tenant == 'initech' }.policies"))
                    .isEqualTo(1);
            assertThat(t.getInt("tenants.find { it.tenant == 'acme-corp' }.policies"))
                    .isEqualTo(0);
        });

        // When a Hubble flow names the new pod only by its IP, going out of the cluster
        String flow = "{\"flow\":{\"time\":\"" + Instant.now() + "\",\"verdict\":\"FORWARDED\","
                + "\"IP\":{\"source\":\"10.244.7.7\",\"destination\":\"203.0.113.9\",\"ipVersion\":\"IPv4\"},"
                + "\"l4\":{\"TCP\":{\"source_port\":41000,\"destination_port\":443,\"flags\":{\"SYN\":true}}},"
                + "\"source\":{\"identity\":54321},\"destination\":{\"identity\":2,\"labels\":[\"reserved:world\"]},"
                + "\"Type\":\"L3_L4\",\"node_name\":\"worker-1\",\"traffic_direction\":\"EGRESS\","
                + "\"is_reply\":false}}";
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>("hubble-flows", flow.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }

        // Then its end is placed in the pod's namespace, and says which pod the IP belongs to
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Map<String, Object>> sources = Tokens.asAdmin()
                    .get("/api/v1/violations?tenant=initech")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("items.source");
            assertThat(sources).anySatisfy(source -> {
                assertThat(source).containsEntry("namespace", INITECH);
                assertThat(source).containsEntry("ip", "10.244.7.7");
                assertThat(source).containsEntry("name", "pod " + INITECH + "/api-7d9f8c6b5-x3a2b");
            });
        });
    }

    private static JsonPath topology() {
        return Tokens.asAdmin()
                .get("/api/v1/topology")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    static io.fabric8.kubernetes.api.model.Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build();
    }

    static NetworkPolicy policy(String namespace, String name) {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .endSpec()
                .build();
    }
}
