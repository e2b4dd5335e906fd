package ai.matih.flowwatch.classify;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.PolicyDecision;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.testing.TestTopologies;
import ai.matih.flowwatch.topology.DnsSelector;
import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.ManifestLoader;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.WithDefault;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The policy-decision memo holds small identities, stays within its byte budget and never mixes up connections. */
class DecisionMemoBoundsTest {

    private static final ManifestLoader LOADER = new ManifestLoader(
            TenancyRules.defaults(),
            List.of(EgressException.parseCidr("10.0.0.0/8")),
            DnsSelector.parse("kube-system/k8s-app=kube-dns"));
    private static final Topology DEMO =
            LOADER.load("classpath:demo/topology.yaml").topology();
    private static final String ACME = "matih-data-plane-acme-corp";
    private static final byte[] SALT = new byte[16];

    @Test
    void shouldNotRetainTheLabelsOfLabelHeavyEndpoints() {
        // Given
        EnginePolicyAxis axis = new EnginePolicyAxis(CniProfile.CONFORMANCE);
        Endpoint api = TestTopologies.pod(ACME, "api");
        decide(axis, flow(labelHeavyPod(-1, 10), api), DEMO);
        long before = usedHeapAfterGc();

        // When: 100 records whose pods, unknown to the topology, carry 15,000 labels each (about 2 MB of maps)
        for (int i = 0; i < 100; i++) {
            decide(axis, flow(labelHeavyPod(i, 15_000), api), DEMO);
        }

        // Then
        long grown = usedHeapAfterGc() - before;
        assertThat(axis.memoSize()).isEqualTo(101);
        assertThat(axis.memoBytesHeld()).isLessThan(101L * 2048);
        assertThat(grown).as("heap grown after GC by 100 label-heavy records").isLessThan(16L * 1024 * 1024);
    }

    @Test
    void shouldStayWithinItsByteBudgetAndCountClears() {
        // Given
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long budget = 32 * 1024;
        EnginePolicyAxis axis = new EnginePolicyAxis(CniProfile.CONFORMANCE, budget, registry);
        Endpoint api = TestTopologies.pod(ACME, "api");
        long most = 0;

        // When: 2,000 distinct connections (external clients of one pod)
        for (int i = 0; i < 2_000; i++) {
            Endpoint client = TestTopologies.world("198.51." + (i / 250) + "." + (i % 250));
            decide(axis, flow(client, api), DEMO);
            most = Math.max(most, axis.memoBytesHeld());
        }

        // Then
        assertThat(most).isLessThanOrEqualTo(budget);
        assertThat(registry.get(EnginePolicyAxis.MEMO_CLEARS_METER).counter().count())
                .isGreaterThan(0);
        assertThat(registry.get(EnginePolicyAxis.MEMO_BYTES_METER).gauge().value())
                .isEqualTo((double) axis.memoBytesHeld())
                .isPositive();
    }

    @Test
    void givenTheConfigDefault_whenComparedWithTheConstantToolsUse_thenTheyAreTheSame() throws Exception {
        // Given the default the service is configured with
        WithDefault configured = ClassifyConfig.class.getMethod("memoBytes").getAnnotation(WithDefault.class);

        // Then the constant behind the one-argument constructor (tests, tools) is that default
        assertThat(Long.parseLong(configured.value())).isEqualTo(EnginePolicyAxis.DEFAULT_MEMO_BYTES);
    }

    @Test
    void shouldMemoiseNothingWithAZeroBudget() {
        // Given
        EnginePolicyAxis axis = new EnginePolicyAxis(CniProfile.CONFORMANCE, 0, new SimpleMeterRegistry());
        Endpoint api = TestTopologies.pod(ACME, "api");

        // When
        PolicyDecision decision = decide(axis, flow(TestTopologies.world("198.51.100.1"), api), DEMO);

        // Then
        assertThat(decision.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(axis.memoSize()).isZero();
        assertThat(axis.memoBytesHeld()).isZero();
    }

    @ParameterizedTest(name = "with {0} other labels")
    @ValueSource(ints = {0, 2_000})
    void shouldGiveEachConnectionItsOwnVerdictWhenOnlyASelectedLabelDiffers(int otherLabels) {
        // Given: the same ingress pod (unknown to the topology), once labelled for acme-corp, once for globex; with
        // many other labels its memo key is a digest, else the connection itself
        EnginePolicyAxis axis = new EnginePolicyAxis(CniProfile.CONFORMANCE);
        Endpoint api = TestTopologies.pod(ACME, "api");
        Endpoint forAcme = ingressPod(labels(otherLabels, "acme-corp"));
        Endpoint forGlobex = ingressPod(labels(otherLabels, "globex"));

        // When
        PolicyVerdict acme = decide(axis, flow(forAcme, api), DEMO).verdict();
        PolicyVerdict globex = decide(axis, flow(forGlobex, api), DEMO).verdict();
        PolicyVerdict acmeAgain = decide(axis, flow(forAcme, api), DEMO).verdict();

        // Then
        assertThat(List.of(acme, globex, acmeAgain))
                .containsExactly(PolicyVerdict.ALLOW, PolicyVerdict.DENY, PolicyVerdict.ALLOW);
        assertThat(axis.memoSize()).isEqualTo(2);
    }

    private static Map<String, String> labels(int others, String tenant) {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < others; i++) {
            labels.put("example.com/other-" + i, "x");
        }
        labels.put("app", "ingress-nginx");
        labels.put("matih.ai/tenant", tenant);
        return labels;
    }

    static Stream<Arguments> distinctConnections() {
        return Stream.of(
                Arguments.of(
                        "label key and value boundary",
                        pod("ns", "p", Map.of("ab", "c")),
                        pod("ns", "p", Map.of("a", "bc"))),
                Arguments.of("namespace and name boundary", pod("a", "b-c", Map.of()), pod("a-b", "c", Map.of())),
                Arguments.of("unknown labels against no labels", pod("ns", "p", null), pod("ns", "p", Map.of())),
                Arguments.of(
                        "a label moved from the pod to its namespace",
                        new PolicyEndpoint.Pod("ns", "p", Map.of("x", "y"), Map.of(), List.of(), false, null, null),
                        new PolicyEndpoint.Pod("ns", "p", Map.of(), Map.of("x", "y"), List.of(), false, null, null)),
                Arguments.of(
                        "hostNetwork",
                        new PolicyEndpoint.Pod("ns", "p", Map.of(), null, List.of("10.0.0.1"), false, null, "n"),
                        new PolicyEndpoint.Pod("ns", "p", Map.of(), null, List.of("10.0.0.1"), true, null, "n")),
                Arguments.of(
                        "address kind",
                        PolicyEndpoint.Address.external("10.0.0.1"),
                        PolicyEndpoint.Address.unresolved("10.0.0.1")),
                Arguments.of(
                        "pod against address of the same text",
                        pod("10.0.0.1", "x", null),
                        PolicyEndpoint.Address.external("10.0.0.1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distinctConnections")
    void shouldGiveDistinctConnectionsDistinctIdentities(String difference, PolicyEndpoint one, PolicyEndpoint other) {
        // Given
        ConnectionDigest digest = new ConnectionDigest();
        PolicyEndpoint peer = PolicyEndpoint.Address.external("203.0.113.9");

        // When
        ConnectionDigest.Key a = digest.of(SALT, one, peer, Protocol.TCP, 443);
        ConnectionDigest.Key b = digest.of(SALT, other, peer, Protocol.TCP, 443);

        // Then
        assertThat(a).as(difference).isNotEqualTo(b);
    }

    @Test
    void shouldGiveEqualConnectionsOneIdentityWhateverTheLabelOrder() {
        // Given
        Map<String, String> forward = new LinkedHashMap<>();
        Map<String, String> backward = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            forward.put("k" + i, "v" + i);
            backward.put("k" + (299 - i), "v" + (299 - i));
        }
        ConnectionDigest digest = new ConnectionDigest();
        PolicyEndpoint peer = PolicyEndpoint.Address.external("203.0.113.9");

        // When
        ConnectionDigest.Key a = digest.of(SALT, pod("ns", "p", forward), peer, Protocol.TCP, 443);
        ConnectionDigest.Key b = digest.of(SALT, pod("ns", "p", backward), peer, Protocol.TCP, 443);
        ConnectionDigest.Key otherSalt = digest.of(new byte[] {1}, pod("ns", "p", forward), peer, Protocol.TCP, 443);

        // Then
        assertThat(a).isEqualTo(b).isNotEqualTo(otherSalt);
    }

    private static PolicyEndpoint pod(String namespace, String name, Map<String, String> labels) {
        return new PolicyEndpoint.Pod(namespace, name, labels, null, List.of(), false, null, null);
    }

    private static Endpoint labelHeavyPod(int n, int labels) {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < labels; i++) {
            many.put("example.com/label-" + i, "value-" + n + "-" + i);
        }
        return new Endpoint(EndpointKind.POD, ACME, "hostile-" + n, "hostile", null, many, Map.of(), null);
    }

    private static Endpoint ingressPod(Map<String, String> labels) {
        return new Endpoint(
                EndpointKind.POD,
                "matih-ingress",
                "ingress-nginx-other-1",
                "ingress-nginx",
                "10.244.9.77",
                labels,
                Map.of(),
                null);
    }

    private static Flow flow(Endpoint source, Endpoint destination) {
        return TestTopologies.flow(source, destination, Protocol.TCP, 8080, Observed.ALLOWED);
    }

    private static PolicyDecision decide(EnginePolicyAxis axis, Flow flow, Topology topology) {
        Party source = PartyResolver.resolve(flow.source(), topology);
        Party destination = PartyResolver.resolve(flow.destination(), topology);
        return axis.decide(flow, source, destination, null, topology);
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
