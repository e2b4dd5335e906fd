package ai.matih.flowwatch.policy;

import static ai.matih.flowwatch.policy.NetpolModel.policy;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Protocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a result carries besides its verdict: who decided, why, why undecided, and CNI dependence. */
class PolicyExplanationTest {

    private static final String DENY_X = NetpolRulesConformanceTest.DENY_X;

    private static NetpolModel.Fixture fixture(CniProfile profile, String... documents) {
        String[] all = new String[documents.length + 1];
        all[0] = NetpolRulesConformanceTest.EXTRA;
        System.arraycopy(documents, 0, all, 1, documents.length);
        return NetpolModel.fixture(profile, all);
    }

    private static PolicyResult judge(NetpolModel.Fixture fixture, String connection) {
        return fixture.engine().evaluate(Endpoints.connection(fixture, connection));
    }

    @Test
    void allowNamesTheAllowingRuleWithItsIndex() {
        // Given
        NetpolModel.Fixture fixture = fixture(CniProfile.CONFORMANCE, DENY_X, policy("x", "allow", """
                podSelector: {}
                ingress:
                  - from: [{podSelector: {matchLabels: {pod: c}}}]
                  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                """));

        // When
        PolicyResult result = judge(fixture, "y/a > x/a tcp/80");

        // Then
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.decidedBy()).containsExactly("x/allow#ingress[1]");
        assertThat(result.ingress().isolated()).isEqualTo(Truth.TRUE);
        assertThat(result.ingress().selectedBy()).containsExactly("x/deny", "x/allow");
        assertThat(result.ingress().allowedBy()).containsExactly(new RuleRef("x/allow", Direction.INGRESS, 1));
        assertThat(result.egress().reasons()).containsExactly("no policy selects y/a for egress (R1.3: not isolated)");
        assertThat(result.cniDependent()).isFalse();
    }

    @Test
    void denyNamesTheIsolatingPoliciesAndWhyEachRuleMissed() {
        // Given
        NetpolModel.Fixture fixture = fixture(CniProfile.CONFORMANCE, DENY_X, policy("x", "from-b-80", """
                podSelector: {}
                ingress:
                  - from: [{podSelector: {matchLabels: {pod: b}}}]
                    ports: [{port: 80}]
                """));

        // When
        PolicyResult result = judge(fixture, "x/c > x/a tcp/81");

        // Then
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.decidedBy()).containsExactly("x/deny", "x/from-b-80");
        assertThat(result.ingress().reasons())
                .anySatisfy(r -> assertThat(r).contains("x/deny has no ingress rules"))
                .anySatisfy(
                        r -> assertThat(r).contains("x/from-b-80#ingress[0]").contains("ports do not match TCP/81"));
        assertThat(result.explain()).startsWith("DENY by x/deny, x/from-b-80");
        assertThat(result.toDecision().verdict()).isEqualTo(PolicyVerdict.DENY);
    }

    @Test
    void ipBlockOnPodIpIsFlaggedCniDependentUnderConformance() {
        // Given
        NetpolModel.Fixture fixture =
                fixture(CniProfile.CONFORMANCE, NetpolRulesConformanceTest.egressTo("ipBlock: {cidr: 10.0.2.0/24}"));

        // When
        PolicyResult result = judge(fixture, "x/a > y/a tcp/80");

        // Then
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.cniDependent()).isTrue();
        assertThat(result.cniDependentBecause())
                .singleElement()
                .asString()
                .contains("R4.8")
                .contains("DENY");
        assertThat(result.indeterminateBecause()).isEmpty();
    }

    @Test
    void unknownCniSaysWhichBehaviourLeftTheVerdictOpen() {
        // Given
        NetpolModel.Fixture fixture =
                fixture(CniProfile.UNKNOWN, NetpolRulesConformanceTest.ingressPorts("{port: 80, endPort: 90}"));

        // When
        PolicyResult result = judge(fixture, "y/a > x/a tcp/85");

        // Then
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.INDETERMINATE);
        assertThat(result.indeterminateBecause())
                .singleElement()
                .asString()
                .contains("R5.7")
                .contains("unknown");
    }

    @Test
    void invalidPolicyIsReportedAndNamedAsTheReasonForIndeterminate() {
        // Given
        NetpolModel.Fixture fixture = fixture(CniProfile.CONFORMANCE, policy("x", "mixed", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/24]}, podSelector: {}}]
                    ports: [{port: 80, endPort: 70}, {port: Bad_Name}, {protocol: ICMP}]
                """));

        // When
        PolicyResult result = judge(fixture, "y/a > x/a tcp/80");

        // Then
        assertThat(fixture.engine().problems())
                .extracting(PolicyProblem::field)
                .containsExactlyInAnyOrder(
                        "spec.ingress[0].ports[0].endPort", "spec.ingress[0].ports[1].port",
                        "spec.ingress[0].ports[2].protocol", "spec.ingress[0].from[0]");
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.INDETERMINATE);
        assertThat(result.indeterminateBecause()).singleElement().asString().contains("x/mixed is invalid");
    }

    @Test
    void exceptOutsideCidrIsAProblem() {
        // Given
        NetpolModel.Fixture fixture = fixture(
                CniProfile.CONFORMANCE,
                NetpolRulesConformanceTest.egressTo("ipBlock: {cidr: 8.8.0.0/16, except: [9.9.9.0/24, 8.8.0.0/16]}"));

        // When
        List<PolicyProblem> problems = fixture.engine().problems();

        // Then
        assertThat(problems)
                .extracting(PolicyProblem::field)
                .containsExactly("spec.egress[0].to[0].ipBlock.except[0]", "spec.egress[0].to[0].ipBlock.except[1]");
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).contains("strict subset"));
    }

    @Test
    void unknownLabelsAreNamedInTheReason() {
        // Given
        NetpolModel.Fixture fixture =
                fixture(CniProfile.CONFORMANCE, policy("x", "deny-a", "podSelector: {matchLabels: {pod: a}}\n"));

        // When
        PolicyResult result = judge(fixture, "y/a > x/a{?} tcp/80");

        // Then
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.INDETERMINATE);
        assertThat(result.indeterminateBecause()).singleElement().asString().contains("labels of x/a are unknown");
        assertThat(result.ingress().isolated()).isEqualTo(Truth.UNKNOWN);
    }

    @Test
    void unknownNamespaceIsNamedInTheReason() {
        // Given
        NetpolModel.Fixture fixture = fixture(CniProfile.CONFORMANCE, policy("x", "from-y", """
                podSelector: {}
                ingress:
                  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                """));

        // When
        PolicyResult result = judge(fixture, "q/p{pod=p} > x/a tcp/80");

        // Then
        assertThat(result.indeterminateBecause())
                .singleElement()
                .asString()
                .contains("R8.6")
                .contains("namespace q");
    }

    @Test
    void namespaceNameLabelIsSynthesizedWhenTheEndpointLacksIt() {
        // Given
        NetpolModel.Fixture fixture = fixture(CniProfile.CONFORMANCE, policy("x", "from-team", """
                podSelector: {}
                ingress:
                  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: team}}}]
                """));
        PolicyEndpoint.Pod source = new PolicyEndpoint.Pod(
                "team", "p", Map.of(), Map.of("owner", "t"), List.of("10.8.0.1"), false, List.of(), "node-8");

        // When
        PolicyResult result = fixture.judge(source, fixture.pod("x/a"), Protocol.TCP, 80);

        // Then
        assertThat(source.namespaceLabels()).containsEntry(PolicyEndpoint.NAME_LABEL, "team");
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
    }

    @Test
    void hostNetworkIsFlaggedCniDependentWhenItDecides() {
        // Given
        NetpolModel.Fixture fixture = fixture(CniProfile.CONFORMANCE, DENY_X);

        // When
        PolicyResult result = judge(fixture, "y/a > x/host tcp/80");

        // Then
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.ingress().reasons()).singleElement().asString().contains("R3.7");
        assertThat(result.cniDependentBecause()).singleElement().asString().contains("R7.4");
    }

    @Test
    void loopbackAndNodeLocalAreExplained() {
        // Given
        NetpolModel.Fixture fixture = fixture(CniProfile.CONFORMANCE, DENY_X);

        // When
        PolicyResult loopback = judge(fixture, "x/a > x/a tcp/80");
        PolicyResult nodeLocal = judge(fixture, "node:node-1@192.168.0.1 > x/a tcp/80");

        // Then
        assertThat(loopback.reasons()).allSatisfy(r -> assertThat(r).contains("R7.3"));
        assertThat(nodeLocal.ingress().reasons()).singleElement().asString().contains("R7.2");
        assertThat(nodeLocal.ingress().evaluated()).isFalse();
    }

    @Test
    void oddInputNeverThrows() {
        // Given
        NetpolModel.Fixture fixture = fixture(CniProfile.CONFORMANCE, DENY_X);
        Connection odd = new Connection(
                PolicyEndpoint.Address.external(null),
                new PolicyEndpoint.Pod("x", "ghost", null, null, null, false, null, null),
                null,
                0);

        // When
        PolicyResult result = fixture.engine().evaluate(odd);

        // Then
        // deny-all isolates x/ghost whatever its labels; an unknown protocol is denied too where isolation covers
        // every protocol, which is CNI-dependent (R5.8)
        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.cniDependent()).isTrue();
    }
}
