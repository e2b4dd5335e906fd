package ai.matih.flowwatch.policy;

import static ai.matih.flowwatch.policy.NetpolModel.policy;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.topology.DnsSelector;
import ai.matih.flowwatch.topology.ManifestLoader;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Protocols NetworkPolicy rules cannot name (R5.8) and what an address no pod has is (R8.6), beyond the verdicts of
 * {@link NetpolRulesConformanceTest}: CNI dependence, the reasons given, and endpoint resolution by pod knowledge.
 */
class PolicyProtocolTest {

    private static final String DENY_X = NetpolRulesConformanceTest.DENY_X;
    /** The model with 10.0.0.0/8 counted as in-cluster. */
    private static final ManifestLoader INTERNAL_10 = new ManifestLoader(
            TenancyRules.defaults(),
            List.of(PodKnowledge.cidr("10.0.0.0/8")),
            DnsSelector.parse("kube-system/k8s-app=kube-dns"));

    private static NetpolModel.Fixture internal10(String... documents) {
        Topology topology = INTERNAL_10
                .parse(NetpolModel.MODEL + String.join("", documents), "test")
                .topology();
        return new NetpolModel.Fixture(topology, PolicyEngine.compile(topology, CniProfile.CONFORMANCE));
    }

    @Test
    void icmpToAnIsolatedPodIsTheProfilesAnswerFlaggedCniDependentWithTheProtocolNamed() {
        // Given
        NetpolModel.Fixture fixture = NetpolModel.fixture(CniProfile.CONFORMANCE, DENY_X);

        // When
        PolicyResult result = fixture.judge("y/a", "x/a", Protocol.ICMP, Connection.UNKNOWN_PORT);

        // Then
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.cniDependent()).isTrue();
        assertThat(result.cniDependentBecause())
                .anySatisfy(r -> assertThat(r).contains("does not apply NetworkPolicy isolation to ICMP"));
        assertThat(result.ingress().reasons())
                .anySatisfy(r -> assertThat(r).contains("ICMP is allowed only by a rule without ports"));
    }

    @Test
    void underAnUnknownCniTheIndeterminateReasonNamesTheProtocol() {
        // Given
        NetpolModel.Fixture fixture = NetpolModel.fixture(CniProfile.UNKNOWN, DENY_X);

        // When
        PolicyResult result = fixture.judge("y/a", "x/a", Protocol.ICMPV6, Connection.UNKNOWN_PORT);

        // Then
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.INDETERMINATE);
        assertThat(result.indeterminateBecause())
                .anySatisfy(r -> assertThat(r).contains("CNI profile 'unknown'").contains("ICMPV6"));
    }

    @Test
    void aPeerOnlyRuleAllowsIcmpWithoutDependingOnTheCni() {
        // Given
        NetpolModel.Fixture fixture = NetpolModel.fixture(
                CniProfile.UNKNOWN,
                policy("x", "from-y", "podSelector: {}\ningress:\n  - from: [{namespaceSelector: {}}]\n"));

        // When
        PolicyResult result = fixture.judge("y/a", "x/a", Protocol.GRE, Connection.UNKNOWN_PORT);

        // Then
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.cniDependent()).isFalse();
        assertThat(result.decidedBy()).containsExactly("x/from-y#ingress[0]");
    }

    static Stream<Arguments> addresses() {
        PodKnowledge none = PodKnowledge.complete(List.of());
        PodKnowledge cidrs = PodKnowledge.complete(List.of(PodKnowledge.cidr("10.0.0.0/16")));
        PodKnowledge v6 = PodKnowledge.complete(List.of(PodKnowledge.cidr("::/0")));
        return Stream.of(
                Arguments.of("a pod's IP is its pod, whatever is known", "10.0.1.1", none, "x/a"),
                Arguments.of(
                        "live: an unlisted internal IP may be a pod", "10.0.7.7", PodKnowledge.PARTIAL, "unresolved"),
                Arguments.of(
                        "live: an IP outside the cluster is external", "203.0.113.9", PodKnowledge.PARTIAL, "external"),
                Arguments.of("all pods known: an unlisted internal IP is no pod", "10.0.7.7", none, "non-pod address"),
                Arguments.of("all pods known: outside the cluster is external", "203.0.113.9", none, "external"),
                Arguments.of("inside a declared pod CIDR it may be a pod", "10.0.7.7", cidrs, "unresolved"),
                Arguments.of("outside the declared pod CIDRs it is no pod", "10.1.7.7", cidrs, "non-pod address"),
                Arguments.of("a CIDR of the other family does not hold it", "10.0.7.7", v6, "non-pod address"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("addresses")
    void anAddressNoPodHasResolvesByWhatIsKnownOfThePods(String name, String ip, PodKnowledge pods, String described) {
        // Given
        Topology topology = internal10().topology();

        // When
        PolicyEndpoint endpoint = PolicyEndpoint.resolve(topology, ip, pods);

        // Then
        assertThat(endpoint.describe()).startsWith(described);
    }

    @Test
    void aNonPodAddressIsMatchedByIpBlocksAndNeverBySelectors() {
        // Given: ingress to x only from 10.0.7.0/24 or from every pod of every namespace
        NetpolModel.Fixture fixture = internal10(policy("x", "in", """
                        podSelector: {}
                        ingress:
                          - from: [{ipBlock: {cidr: 10.0.7.0/24}}, {namespaceSelector: {}}]
                        """));
        PodKnowledge known = PodKnowledge.complete(List.of());
        PolicyEndpoint inBlock = PolicyEndpoint.resolve(fixture.topology(), "10.0.7.7", known);
        PolicyEndpoint outside = PolicyEndpoint.resolve(fixture.topology(), "10.0.8.8", known);
        PolicyEndpoint maybePod = PolicyEndpoint.resolve(fixture.topology(), "10.0.8.8", PodKnowledge.PARTIAL);

        // When / Then
        assertThat(fixture.judge(inBlock, fixture.pod("x/a"), Protocol.TCP, 80).verdict())
                .isEqualTo(PolicyVerdict.ALLOW);
        assertThat(fixture.judge(outside, fixture.pod("x/a"), Protocol.TCP, 80).verdict())
                .isEqualTo(PolicyVerdict.DENY);
        assertThat(fixture.judge(maybePod, fixture.pod("x/a"), Protocol.TCP, 80).verdict())
                .isEqualTo(PolicyVerdict.INDETERMINATE);
    }
}
