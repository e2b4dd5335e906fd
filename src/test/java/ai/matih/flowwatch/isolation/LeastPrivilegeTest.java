package ai.matih.flowwatch.isolation;

import static ai.matih.flowwatch.isolation.RecordedConnections.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.classify.Intent;
import ai.matih.flowwatch.classify.IntentResult;
import ai.matih.flowwatch.classify.PartyResolver;
import ai.matih.flowwatch.classify.PolicyEndpoints;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.Connection;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.topology.Topology;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The least-privilege recommendation over the demo topology and a recorded set of connections: the DNS rule names the
 * cluster DNS pods, every permitted observed connection is allowed and no forbidden one, checked here again with the
 * engine and the isolation audit on the policies as recommended.
 */
class LeastPrivilegeTest {

    static final Topology DEMO = IsolationAuditTest.topology(IsolationAuditTest.DEMO);

    static Recommendation recommend(String tenant) {
        RecommendationOutcome outcome = LeastPrivilege.recommend(
                DEMO,
                tenant,
                RecordedConnections.remembered(DEMO).of(tenant),
                CniProfile.CONFORMANCE,
                RecordedConnections.AT);
        assertThat(outcome).isInstanceOf(RecommendationOutcome.Safe.class);
        return ((RecommendationOutcome.Safe) outcome).recommendation();
    }

    static Topology applied(Recommendation r) {
        return LeastPrivilege.replaced(DEMO, Set.copyOf(r.namespaces()), r.policies(), RecordedConnections.AT);
    }

    static PolicyVerdict verdict(Topology t, Flow f) {
        return PolicyEngine.compile(t, CniProfile.CONFORMANCE)
                .evaluate(new Connection(
                        PolicyEndpoints.of(PartyResolver.resolve(f.source(), t), f, t),
                        PolicyEndpoints.of(PartyResolver.resolve(f.destination(), t), f, t),
                        f.protocol(),
                        f.port()))
                .verdict();
    }

    @Test
    void theDnsRuleAllowsOnlyTheClusterDnsPods() {
        // Given / When
        Recommendation r = recommend("acme-corp");
        // Then
        NetworkPolicy dns = r.policies().stream()
                .filter(p -> p.getMetadata().getName().equals("flowwatch-allow-cluster-dns"))
                .findFirst()
                .orElseThrow();
        assertThat(dns.getMetadata().getNamespace()).isEqualTo(ACME);
        NetworkPolicyEgressRule rule = dns.getSpec().getEgress().get(0);
        assertThat(rule.getTo()).hasSize(1);
        assertThat(rule.getTo().get(0).getNamespaceSelector().getMatchLabels())
                .isEqualTo(Map.of("kubernetes.io/metadata.name", "kube-system"));
        assertThat(rule.getTo().get(0).getPodSelector().getMatchLabels()).isEqualTo(Map.of("k8s-app", "kube-dns"));
        assertThat(rule.getPorts())
                .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactly("UDP/53", "TCP/53");
        // no egress rule anywhere opens a port to every destination
        for (NetworkPolicy p : r.policies()) {
            for (NetworkPolicyEgressRule e : p.getSpec().getEgress() == null
                    ? List.<NetworkPolicyEgressRule>of()
                    : p.getSpec().getEgress()) {
                assertThat(e.getTo()).as(p.getMetadata().getName()).isNotEmpty();
            }
        }
    }

    @Test
    void theEngineAllowsEveryPermittedObservedConnectionAndNoForbiddenOne() {
        // Given
        Recommendation r = recommend("acme-corp");
        Topology applied = applied(r);
        // Then
        for (Flow f : RecordedConnections.PERMITTED) {
            assertThat(verdict(applied, f))
                    .as(f.source().pod() + " → " + f.destination())
                    .isEqualTo(PolicyVerdict.ALLOW);
        }
        for (Flow f : RecordedConnections.FORBIDDEN) {
            assertThat(verdict(applied, f))
                    .as(f.source().pod() + " → " + f.destination())
                    .isEqualTo(PolicyVerdict.DENY);
        }
        assertThat(r.allowed()).isEqualTo(RecordedConnections.PERMITTED.size());
        assertThat(r.verified())
                .isEqualTo(new Recommendation.Verified(
                        RecordedConnections.PERMITTED.size(), RecordedConnections.FORBIDDEN.size(), 0));
    }

    @Test
    void theForbiddenObservedConnectionsAreDroppedAndSaidSoAnotherTenantWithheld() {
        // Given / When
        Recommendation r = recommend("acme-corp");
        // Then
        assertThat(r.dropped()).hasSize(RecordedConnections.FORBIDDEN.size());
        assertThat(r.dropped()).allSatisfy(d -> assertThat(d.reason()).startsWith("forbidden by the isolation model"));
        assertThat(r.dropped())
                .extracting(Recommendation.Dropped::connection)
                .anySatisfy(c -> assertThat(c).contains("8.8.8.8:53/UDP"))
                .noneSatisfy(c -> assertThat(c).contains("globex"));
    }

    @Test
    void theAuditOfTheRecommendedPoliciesFindsNoOpenDoorWhereTheSeedHadTheDnsOne() {
        // Given
        Recommendation r = recommend("acme-corp");
        // When
        TenantIsolation before = IsolationAudit.audit(DEMO, CniProfile.CONFORMANCE, RecordedConnections.AT)
                .tenant("acme-corp");
        TenantIsolation after = IsolationAudit.audit(applied(r), CniProfile.CONFORMANCE, RecordedConnections.AT)
                .tenant("acme-corp");
        // Then
        assertThat(before.findings()).anyMatch(f -> f.kind() == FindingKind.PERMITS_FORBIDDEN);
        assertThat(after.findings()).noneMatch(f -> f.kind() == FindingKind.PERMITS_FORBIDDEN);
        assertThat(after.findings())
                .noneMatch(f ->
                        f.kind() == FindingKind.DENIES_PERMITTED && f.peer().peerClass() == PeerClass.DNS);
    }

    @Test
    void aTenantWithNoObservedConnectionStillGetsDefaultDenyAndTheClusterDns() {
        // Given / When
        Recommendation r = recommend("initech");
        // Then
        assertThat(r.policies())
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("flowwatch-default-deny", "flowwatch-allow-cluster-dns");
        assertThat(r.allowed()).isZero();
    }

    @Test
    void anUnknownTenantIsSaidSo() {
        // Given / When
        RecommendationOutcome outcome =
                LeastPrivilege.recommend(DEMO, "hooli", List.of(), CniProfile.CONFORMANCE, RecordedConnections.AT);
        // Then
        assertThat(outcome).isEqualTo(new RecommendationOutcome.UnknownTenant("hooli"));
    }

    @Test
    void replicasOfOneWorkloadShareOneSelectorWithoutTheirInstanceLabels() {
        // Given / When
        Recommendation r = recommend("acme-corp");
        // Then
        assertThat(r.policies())
                .flatExtracting(p -> p.getSpec().getPodSelector().getMatchLabels() == null
                        ? List.<String>of()
                        : List.copyOf(
                                p.getSpec().getPodSelector().getMatchLabels().keySet()))
                .doesNotContain("pod-template-hash", "statefulset.kubernetes.io/pod-name");
    }

    @Test
    void policiesThatWouldOpenADoorOrCloseAPermittedConnectionFailVerificationSayingWhy() {
        // Given: the recorded connections as judged on the demo, split as the recommendation splits them
        PolicyEngine engine = PolicyEngine.compile(DEMO, CniProfile.CONFORMANCE);
        List<Observation> all = RecordedConnections.remembered(DEMO).of("acme-corp").stream()
                .map(c -> Observation.judge(c, DEMO, engine, RecordedConnections.AT))
                .toList();
        List<Observation> permitted = all.stream()
                .filter(o -> ((IntentResult.Judged) o.intent()).intent() == Intent.PERMITTED)
                .toList();
        List<Observation> forbidden = all.stream()
                .filter(o -> ((IntentResult.Judged) o.intent()).intent() == Intent.FORBIDDEN)
                .toList();
        Recommendation safe = recommend("acme-corp");
        List<NetworkPolicy> withAllowAll = new ArrayList<>(safe.policies());
        withAllowAll.addAll(
                IsolationAuditTest.topology(ChangeImpactTest.ALLOW_ALL_INGRESS).networkPolicies());
        List<NetworkPolicy> denyOnly = safe.policies().subList(0, 1);
        // When
        LeastPrivilege.Verification passes = LeastPrivilege.verify(
                DEMO,
                engine,
                "acme-corp",
                Set.of(ACME),
                safe.policies(),
                permitted,
                forbidden,
                CniProfile.CONFORMANCE,
                RecordedConnections.AT);
        LeastPrivilege.Verification open = LeastPrivilege.verify(
                DEMO,
                engine,
                "acme-corp",
                Set.of(ACME),
                withAllowAll,
                permitted,
                forbidden,
                CniProfile.CONFORMANCE,
                RecordedConnections.AT);
        LeastPrivilege.Verification closed = LeastPrivilege.verify(
                DEMO,
                engine,
                "acme-corp",
                Set.of(ACME),
                denyOnly,
                permitted,
                forbidden,
                CniProfile.CONFORMANCE,
                RecordedConnections.AT);
        // Then
        assertThat(passes.why()).isEmpty();
        assertThat(open.why())
                .anySatisfy(w -> assertThat(w).startsWith("the engine would allow the forbidden connection"))
                .anySatisfy(w -> assertThat(w).startsWith("the isolation audit finds PERMITS_FORBIDDEN INGRESS"));
        assertThat(open.open()).isPositive();
        assertThat(closed.why())
                .anySatisfy(w -> assertThat(w).startsWith("the engine would deny the permitted connection"));
        assertThat(closed.allowed()).isLessThan(permitted.size());
    }
}
