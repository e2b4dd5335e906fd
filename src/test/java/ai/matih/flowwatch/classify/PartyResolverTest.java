package ai.matih.flowwatch.classify;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.testing.TestTopologies;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IP-only flow ends placed from the pods, nodes and recently deleted pods the Kubernetes API reported. */
class PartyResolverTest {

    static final Instant DELETED = Instant.parse("2026-12-05T04:00:00Z");

    @Test
    void anIpOnlyEndIsPlacedByItsLivePodOrNodeOrRecentlyDeletedPod() {
        // Given a live pod, a deleted pod whose IP is remembered, and a node address
        Topology seed = TestTopologies.seed();
        PodInfo live = new PodInfo(
                TestTopologies.GLOBEX,
                "api-1",
                Map.of("app", "api"),
                List.of("10.244.7.7"),
                "worker-1",
                false,
                List.of());
        PodInfo deleted = new PodInfo(
                        TestTopologies.ACME,
                        "web-0",
                        Map.of("app", "web"),
                        List.of("10.244.7.8"),
                        "worker-1",
                        false,
                        List.of())
                .deletedAt(DELETED);
        Topology topology = new Topology(
                seed.namespaces(),
                seed.networkPolicies(),
                Map.of("10.244.7.7", live, "10.244.7.8", deleted),
                Map.of(TestTopologies.GLOBEX + "/api-1", live),
                seed.egressExceptions(),
                seed.rules(),
                seed.internalCidrs(),
                seed.dnsNamespace(),
                seed.dnsSelector(),
                seed.loadedAt(),
                "kubernetes",
                Map.of("192.168.0.11", "worker-1"),
                true);

        // When / Then
        Party pod = PartyResolver.resolve(ipOnly("10.244.7.7"), topology);
        assertThat(pod.kind()).isEqualTo(Party.Kind.TENANT);
        assertThat(pod.namespaceName()).isEqualTo(TestTopologies.GLOBEX);
        assertThat(pod.placedAs()).isEqualTo("pod " + TestTopologies.GLOBEX + "/api-1");

        Party gone = PartyResolver.resolve(ipOnly("10.244.7.8"), topology);
        assertThat(gone.namespaceName()).isEqualTo(TestTopologies.ACME);
        assertThat(gone.placedAs())
                .isEqualTo("pod " + TestTopologies.ACME + "/web-0 (deleted " + DELETED + ", IP remembered)");

        Party node = PartyResolver.resolve(ipOnly("192.168.0.11"), topology);
        assertThat(node.kind()).isEqualTo(Party.Kind.CLUSTER);
        assertThat(node.placedAs()).isEqualTo("node worker-1");
    }

    private static Endpoint ipOnly(String ip) {
        return Endpoint.unknown(ip);
    }
}
