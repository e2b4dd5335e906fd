package ai.matih.flowwatch.policy;

import static ai.matih.flowwatch.policy.NetpolModel.policy;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Protocol;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Engine-level behaviour: compilation, indexing, memoisation, thread safety. */
class PolicyEngineTest {

    @Test
    void policiesInUnrelatedNamespacesAreNeverConsulted() {
        // Given: many policies elsewhere, one of them invalid
        List<NetworkPolicy> policies = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            policies.add(new NetworkPolicyBuilder()
                    .withNewMetadata()
                    .withName("p" + i)
                    .withNamespace("other-" + i)
                    .endMetadata()
                    .withNewSpec()
                    .withNewPodSelector()
                    .endPodSelector()
                    .withPolicyTypes("Sideways")
                    .endSpec()
                    .build());
        }
        PolicyEngine engine = PolicyEngine.compile(policies, Map.of("x", Map.of("ns", "x")), CniProfile.CONFORMANCE);
        PolicyEndpoint.Pod a = new PolicyEndpoint.Pod(
                "x", "a", Map.of("pod", "a"), null, List.of("10.0.1.1"), false, List.of(), "node-1");
        PolicyEndpoint.Pod b = new PolicyEndpoint.Pod(
                "x", "b", Map.of("pod", "b"), null, List.of("10.0.1.2"), false, List.of(), "node-1");

        // When
        PolicyResult result = engine.evaluate(new Connection(a, b, Protocol.TCP, 80));

        // Then
        assertThat(engine.policyCount()).isEqualTo(500);
        assertThat(engine.problems()).hasSize(500);
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.decidedBy()).isEmpty();
    }

    @Test
    void fabric8ObjectsWithoutDefaultsAreDefaulted() {
        // Given: an egress-only object with no policyTypes, as a Git manifest would be
        NetworkPolicy policy = new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName("egress")
                .withNamespace("x")
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .endPodSelector()
                .addNewEgress()
                .endEgress()
                .endSpec()
                .build();
        PolicyEngine engine = PolicyEngine.compile(List.of(policy), Map.of(), CniProfile.CONFORMANCE);
        PolicyEndpoint.Pod a =
                new PolicyEndpoint.Pod("x", "a", Map.of(), Map.of(), List.of("10.0.1.1"), false, List.of(), "node-1");

        // When
        PolicyResult ingress =
                engine.evaluate(new Connection(PolicyEndpoint.Address.external("8.8.8.8"), a, Protocol.TCP, 80));
        PolicyResult egress =
                engine.evaluate(new Connection(a, PolicyEndpoint.Address.external("8.8.8.8"), Protocol.TCP, 80));

        // Then
        assertThat(ingress.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(egress.verdict()).isEqualTo(PolicyVerdict.ALLOW);
    }

    @Test
    void sameLabelsGiveTheSameAnswerFromTheMemo() {
        // Given
        NetpolModel.Fixture fixture =
                NetpolModel.fixture(policy("x", "deny-a", "podSelector: {matchLabels: {pod: a}}\n"));

        // When
        PolicyResult first = fixture.judge("y/a", "x/a", Protocol.TCP, 80);
        PolicyResult again = fixture.judge("y/a", "x/a", Protocol.TCP, 80);
        PolicyResult relabelled = fixture.judge(
                fixture.pod("y/a"),
                new PolicyEndpoint.Pod(
                        "x", "a", Map.of("pod", "z"), null, List.of("10.0.1.1"), false, List.of(), "node-1"),
                Protocol.TCP,
                80);

        // Then
        assertThat(first).isEqualTo(again);
        assertThat(first.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(relabelled.verdict()).isEqualTo(PolicyVerdict.ALLOW);
    }

    @Test
    void concurrentEvaluationsAgreeWithSequentialOnes() throws Exception {
        // Given
        NetpolModel.Fixture fixture = NetpolModel.fixture(policy("x", "from-y", """
                podSelector: {}
                ingress:
                  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                """));
        String expected = fixture.matrix(Protocol.TCP, 80);
        ExecutorService pool = Executors.newFixedThreadPool(8);

        // When
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            futures.add(pool.submit(() -> fixture.matrix(Protocol.TCP, 80)));
        }
        List<String> results = new ArrayList<>();
        for (Future<String> f : futures) {
            results.add(f.get());
        }
        pool.shutdown();

        // Then
        assertThat(results).allSatisfy(r -> assertThat(r).isEqualTo(expected));
    }

    @Test
    void endpointsResolveFromTheTopologyByIp() {
        // Given
        NetpolModel.Fixture fixture = NetpolModel.fixture();

        // When
        PolicyEndpoint pod = PolicyEndpoint.resolve(fixture.topology(), "10.0.2.3");
        PolicyEndpoint outside = PolicyEndpoint.resolve(fixture.topology(), "8.8.8.8");
        PolicyEndpoint.Pod byName = PolicyEndpoint.resolve(fixture.topology(), "x", "a");

        // Then
        assertThat(pod).isInstanceOfSatisfying(PolicyEndpoint.Pod.class, p -> {
            assertThat(p.describe()).isEqualTo("y/c");
            assertThat(p.namespaceLabels()).containsEntry("ns", "y").containsEntry(PolicyEndpoint.NAME_LABEL, "y");
        });
        assertThat(outside).isEqualTo(PolicyEndpoint.Address.external("8.8.8.8"));
        assertThat(byName.labels()).containsEntry("pod", "a");
    }
}
