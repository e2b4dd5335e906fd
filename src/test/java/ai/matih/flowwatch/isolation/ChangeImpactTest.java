package ai.matih.flowwatch.isolation;

import static ai.matih.flowwatch.isolation.RecordedConnections.ACME;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.Direction;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyChange;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The change impact over the demo topology and the recorded connections: what an allow-all ingress opens and which
 * observed connection it flips; what removing a tenant's DNS egress closes and opens; a tenant's own view.
 */
class ChangeImpactTest {

    static final Topology DEMO = LeastPrivilegeTest.DEMO;
    static final long MAX_WORK = 2_000_000;

    static final String ALLOW_ALL_INGRESS = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
            + "  name: allow-all\n  namespace: " + ACME + "\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n"
            + "  ingress:\n    - {}\n";

    /** acme-corp's allow-egress without its DNS rule. */
    static final String EGRESS_WITHOUT_DNS = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
            + "  name: allow-egress\n  namespace: " + ACME + "\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n"
            + "  egress:\n    - to: [{podSelector: {}}]\n"
            + "    - to: [{namespaceSelector: {matchLabels: {matih.ai/role: shared-infra}}}]\n";

    static List<TopologyChange> upserted(String yaml) {
        return IsolationAuditTest.topology(yaml).networkPolicies().stream()
                .map(p -> (TopologyChange) new TopologyChange.PolicyUpserted(p, RecordedConnections.AT))
                .toList();
    }

    static ImpactReport impact(List<TopologyChange> changes, String tenant) {
        ImpactOutcome outcome = ChangeImpact.impact(
                DEMO,
                changes,
                tenant,
                RecordedConnections.remembered(DEMO),
                CniProfile.CONFORMANCE,
                MAX_WORK,
                RecordedConnections.AT);
        assertThat(outcome).isInstanceOf(ImpactOutcome.Answered.class);
        return ((ImpactOutcome.Answered) outcome).report();
    }

    @Test
    void anAllowAllIngressOpensAnOpenDoorAndFlipsAnObservedDeniedConnection() {
        // Given / When
        ImpactReport r = impact(upserted(ALLOW_ALL_INGRESS), null);
        // Then
        assertThat(r.opened()).anySatisfy(f -> {
            assertThat(f.tenant()).isEqualTo("acme-corp");
            assertThat(f.kind()).isEqualTo(FindingKind.PERMITS_FORBIDDEN);
            assertThat(f.direction()).isEqualTo(Direction.INGRESS);
            assertThat(f.decidedBy()).contains(ACME + "/allow-all#ingress[0]");
        });
        assertThat(r.closed()).isEmpty();
        // every recorded connection, the one between two tenants once for each
        assertThat(r.checked())
                .isEqualTo(RecordedConnections.PERMITTED.size() + RecordedConnections.FORBIDDEN.size() + 1);
        assertThat(r.connections()).singleElement().satisfies(c -> {
            assertThat(c.source().namespace()).isEqualTo("matih-ingress");
            assertThat(c.source().tenant()).isEqualTo("globex");
            assertThat(c.destination().namespace()).isEqualTo(ACME);
            assertThat(c.port()).isEqualTo(8080);
            assertThat(c.intent()).isEqualTo("FORBIDDEN");
            assertThat(c.before().verdict()).isEqualTo(PolicyVerdict.DENY);
            assertThat(c.after().verdict()).isEqualTo(PolicyVerdict.ALLOW);
            assertThat(c.after().decidedBy()).contains(ACME + "/allow-all#ingress[0]");
        });
    }

    @Test
    void removingATenantsDnsEgressClosesTheOutsideResolverDoorAndDeniesClusterDns() {
        // Given / When
        ImpactReport r = impact(upserted(EGRESS_WITHOUT_DNS), null);
        // Then
        assertThat(r.closed())
                .anySatisfy(f -> {
                    assertThat(f.kind()).isEqualTo(FindingKind.PERMITS_FORBIDDEN);
                    assertThat(f.peer().peerClass()).isEqualTo(PeerClass.EXTERNAL);
                    assertThat(f.decidedBy()).containsExactly(ACME + "/allow-egress#egress[2]");
                })
                .allSatisfy(f -> assertThat(f.tenant()).isEqualTo("acme-corp"));
        assertThat(r.opened())
                .anySatisfy(f -> {
                    assertThat(f.kind()).isEqualTo(FindingKind.DENIES_PERMITTED);
                    assertThat(f.direction()).isEqualTo(Direction.EGRESS);
                    assertThat(f.peer().peerClass()).isEqualTo(PeerClass.DNS);
                })
                .noneSatisfy(f -> assertThat(f.kind()).isEqualTo(FindingKind.PERMITS_FORBIDDEN));
        assertThat(r.connections())
                .extracting(c -> c.destination().ip() + ":" + c.port() + " "
                        + c.before().verdict() + "→" + c.after().verdict())
                .containsExactlyInAnyOrder("10.244.0.53:53 ALLOW→DENY", "8.8.8.8:53 ALLOW→DENY");
    }

    @Test
    void deletingThePolicyThatHoldsTheDnsRuleIsJudgedLikeChangingIt() {
        // Given
        List<TopologyChange> deleted =
                List.of(new TopologyChange.PolicyDeleted(ACME, "allow-egress", RecordedConnections.AT));
        // When
        ImpactReport r = impact(deleted, null);
        // Then
        assertThat(r.closed())
                .anySatisfy(f -> assertThat(f.decidedBy()).containsExactly(ACME + "/allow-egress#egress[2]"));
        assertThat(r.opened())
                .anySatisfy(f -> assertThat(f.peer().peerClass()).isEqualTo(PeerClass.DNS))
                .anySatisfy(f -> assertThat(f.peer().peerClass()).isEqualTo(PeerClass.SHARED_INFRA));
    }

    @Test
    void aTenantSeesOnlyItsOwnFindingsDecidedByItsOwnPoliciesAndItsOwnConnections() {
        // Given
        List<TopologyChange> changes = upserted(ALLOW_ALL_INGRESS);
        // When
        ImpactReport all = impact(changes, null);
        ImpactReport own = impact(changes, "acme-corp");
        ImpactReport other = impact(changes, "globex");
        // Then: another tenant's rules take part in some of what opens (its DNS rule lets its pods out on UDP 53)
        assertThat(all.opened())
                .anySatisfy(f -> assertThat(f.decidedBy())
                        .anySatisfy(rule -> assertThat(rule).doesNotStartWith(ACME + "/")));
        assertThat(own.opened()).isNotEmpty().allSatisfy(f -> {
            assertThat(f.tenant()).isEqualTo("acme-corp");
            assertThat(f.decidedBy())
                    .isNotEmpty()
                    .allSatisfy(rule -> assertThat(rule).startsWith(ACME + "/"));
        });
        assertThat(own.connections()).hasSize(1);
        assertThat(other.opened()).isEmpty();
        assertThat(other.connections()).isEmpty();
        assertThat(other.checked())
                .as("globex's memory holds the connection from acme-corp to its db")
                .isEqualTo(1);
    }

    @Test
    void anInvalidPolicyIsSaidSoAndNothingIsJudged() {
        // Given
        NetworkPolicy bad =
                IsolationAuditTest.topology(ALLOW_ALL_INGRESS).networkPolicies().get(0);
        bad.getSpec().setPolicyTypes(List.of("Sideways"));
        // When
        ImpactOutcome outcome = ChangeImpact.impact(
                DEMO,
                List.of(new TopologyChange.PolicyUpserted(bad, RecordedConnections.AT)),
                null,
                RecordedConnections.remembered(DEMO),
                CniProfile.CONFORMANCE,
                MAX_WORK,
                RecordedConnections.AT);
        // Then
        assertThat(outcome).isInstanceOfSatisfying(ImpactOutcome.Invalid.class, i -> {
            assertThat(i.field()).isEqualTo("manifests");
            assertThat(i.detail()).contains("allow-all");
        });
    }

    @Test
    void moreWorkThanARequestMayCostIsRefused() {
        // Given / When
        ImpactOutcome outcome = ChangeImpact.impact(
                DEMO,
                upserted(ALLOW_ALL_INGRESS),
                null,
                RecordedConnections.remembered(DEMO),
                CniProfile.CONFORMANCE,
                10,
                RecordedConnections.AT);
        // Then
        assertThat(outcome).isInstanceOf(ImpactOutcome.TooMuchWork.class);
    }
}
