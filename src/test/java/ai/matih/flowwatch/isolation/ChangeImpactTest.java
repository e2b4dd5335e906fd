package ai.matih.flowwatch.isolation;

import static ai.matih.flowwatch.isolation.RecordedConnections.ACME;
import static ai.matih.flowwatch.isolation.RecordedConnections.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.Direction;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyChange;
import ai.matih.flowwatch.topology.TopologyOverlay;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The change impact over the demo topology and the recorded connections: what an allow-all ingress opens and which
 * observed connection it flips; what removing a tenant's DNS egress closes and opens; a tenant's own view, judged by
 * its own half: what its change opens even when no rule decides it, and nothing of another tenant's policies.
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

    /** An allow-all of both directions for globex. */
    static final String GLOBEX_ALLOW_ALL = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
            + "  name: allow-all\n  namespace: " + GLOBEX + "\nspec:\n  podSelector: {}\n"
            + "  policyTypes: [Ingress, Egress]\n  ingress:\n    - {}\n  egress:\n    - {}\n";

    /** The demo topology without acme-corp's allow-ingress: its default deny is all that holds its ingress. */
    static final Topology ONLY_DEFAULT_DENY_INGRESS = applied(DEMO, List.of(deleted(ACME, "allow-ingress")));

    static TopologyChange deleted(String namespace, String name) {
        return new TopologyChange.PolicyDeleted(namespace, name, RecordedConnections.AT);
    }

    static Topology applied(Topology base, List<TopologyChange> changes) {
        TopologyOverlay overlay = new TopologyOverlay(Integer.MAX_VALUE, Long.MAX_VALUE);
        for (TopologyChange change : changes) {
            overlay = overlay.with(change);
        }
        return overlay.applyTo(base);
    }

    /** The snapshot with globex's seeded policies deleted and these put in their place. */
    static Topology globexReplaced(Topology base, List<TopologyChange> instead) {
        List<TopologyChange> changes = new ArrayList<>(List.of(
                deleted(GLOBEX, "default-deny-all"),
                deleted(GLOBEX, "allow-ingress"),
                deleted(GLOBEX, "allow-egress")));
        changes.addAll(instead);
        return applied(base, changes);
    }

    static List<TopologyChange> upserted(String yaml) {
        return IsolationAuditTest.topology(yaml).networkPolicies().stream()
                .map(p -> (TopologyChange) new TopologyChange.PolicyUpserted(p, RecordedConnections.AT))
                .toList();
    }

    static ImpactReport impact(List<TopologyChange> changes, String tenant) {
        return impact(DEMO, changes, tenant);
    }

    static ImpactReport impact(Topology before, List<TopologyChange> changes, String tenant) {
        ImpactOutcome outcome = ChangeImpact.impact(
                before,
                changes,
                tenant,
                RecordedConnections.remembered(before),
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
            assertThat(f.decidedBy()).allSatisfy(rule -> assertThat(rule).startsWith(ACME + "/"));
        });
        assertThat(own.connections()).hasSize(1);
        assertThat(other.opened()).isEmpty();
        assertThat(other.connections()).isEmpty();
        assertThat(other.checked())
                .as("globex's memory holds the connection from acme-corp to its db")
                .isEqualTo(1);
    }

    /**
     * A change of acme-corp's own policies on a snapshot, and a door acme-corp must be shown it opens.
     *
     * @param change    what the change is, for the test's name
     * @param before    the snapshot it is made on
     * @param changes   the change
     * @param kind      the finding's kind
     * @param direction its direction
     * @param peer      its peer class
     * @param decidedBy its deciding rules (any order)
     */
    record Opens(
            String change,
            Topology before,
            List<TopologyChange> changes,
            FindingKind kind,
            Direction direction,
            PeerClass peer,
            List<String> decidedBy) {

        @Override
        public String toString() {
            return change;
        }
    }

    static Stream<Opens> tenantChanges() {
        return Stream.of(
                new Opens(
                        "replacing its egress policy by one without its only DNS rule",
                        DEMO,
                        upserted(EGRESS_WITHOUT_DNS),
                        FindingKind.DENIES_PERMITTED,
                        Direction.EGRESS,
                        PeerClass.DNS,
                        List.of(ACME + "/default-deny-all", ACME + "/allow-egress", ACME + "/allow-payments-egress")),
                new Opens(
                        "deleting the policy that holds its only DNS rule",
                        DEMO,
                        List.of(deleted(ACME, "allow-egress")),
                        FindingKind.DENIES_PERMITTED,
                        Direction.EGRESS,
                        PeerClass.DNS,
                        List.of(ACME + "/default-deny-all", ACME + "/allow-payments-egress")),
                new Opens(
                        "deleting its default deny, all that held its ingress: a door no rule decides",
                        ONLY_DEFAULT_DENY_INGRESS,
                        List.of(deleted(ACME, "default-deny-all")),
                        FindingKind.PERMITS_FORBIDDEN,
                        Direction.INGRESS,
                        PeerClass.TENANT,
                        List.of()),
                new Opens(
                        "adding an allow-all ingress",
                        DEMO,
                        upserted(ALLOW_ALL_INGRESS),
                        FindingKind.PERMITS_FORBIDDEN,
                        Direction.INGRESS,
                        PeerClass.TENANT,
                        List.of(ACME + "/allow-all#ingress[0]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tenantChanges")
    void aTenantIsShownTheDoorItsOwnChangeOpensJudgedByItsOwnHalf(Opens c) {
        // Given / When
        ImpactReport r = impact(c.before(), c.changes(), "acme-corp");
        // Then
        assertThat(r.opened()).anySatisfy(f -> {
            assertThat(f.tenant()).isEqualTo("acme-corp");
            assertThat(f.kind()).isEqualTo(c.kind());
            assertThat(f.direction()).isEqualTo(c.direction());
            assertThat(f.peer().peerClass()).isEqualTo(c.peer());
            assertThat(f.decidedBy()).containsExactlyInAnyOrderElementsOf(c.decidedBy());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tenantChanges")
    void aTenantsChangeShowsItNothingOfAnotherTenantsPolicies(Opens c) {
        // Given: the same change with globex's policies as seeded, allowing everything both ways, or gone
        Map<String, Topology> globex = Map.of(
                "open", globexReplaced(c.before(), upserted(GLOBEX_ALLOW_ALL)),
                "gone", globexReplaced(c.before(), List.of()));
        // When
        ImpactReport seeded = impact(c.before(), c.changes(), "acme-corp");
        // Then: what opens and closes is the same whatever globex's policies say
        globex.forEach((how, before) -> {
            ImpactReport r = impact(before, c.changes(), "acme-corp");
            assertThat(r.opened()).as("globex's policies " + how).isEqualTo(seeded.opened());
            assertThat(r.closed()).as("globex's policies " + how).isEqualTo(seeded.closed());
        });
        assertThat(Stream.concat(seeded.opened().stream(), seeded.closed().stream()))
                .isNotEmpty()
                .allSatisfy(f -> {
                    assertThat(f.tenant()).isEqualTo("acme-corp");
                    assertThat(f.decidedBy())
                            .allSatisfy(rule -> assertThat(rule).startsWith(ACME + "/"));
                    assertThat(f.peer().tenant()).isIn(null, "acme-corp");
                    if (f.peer().peerClass() == PeerClass.TENANT && f.peer().tenant() == null) {
                        assertThat(f.peer().namespace()).isNull();
                    }
                    assertThat(f.reason()).doesNotContain("globex").doesNotContain("initech");
                });
        assertThat(seeded.connections()).allSatisfy(v -> {
            assertThat(v.tenant()).isEqualTo("acme-corp");
            assertThat(Stream.concat(v.before().decidedBy().stream(), v.after().decidedBy().stream()))
                    .allSatisfy(rule -> assertThat(rule).startsWith(ACME + "/"));
        });
    }

    @Test
    void aTenantDeletingThePolicyThatHoldsItsDnsRuleIsShownItsDnsConnectionDeniedByItsOwnPolicies() {
        // Given / When
        ImpactReport r = impact(List.of(deleted(ACME, "allow-egress")), "acme-corp");
        // Then
        assertThat(r.connections())
                .anySatisfy(v -> {
                    assertThat(v.destination().namespace()).isEqualTo("kube-system");
                    assertThat(v.port()).isEqualTo(53);
                    assertThat(v.before().verdict()).isEqualTo(PolicyVerdict.ALLOW);
                    assertThat(v.before().decidedBy()).contains(ACME + "/allow-egress#egress[2]");
                    assertThat(v.after().verdict()).isEqualTo(PolicyVerdict.DENY);
                    assertThat(v.after().decidedBy()).contains(ACME + "/default-deny-all");
                })
                .allSatisfy(
                        v -> assertThat(Stream.concat(v.before().decidedBy().stream(), v.after().decidedBy().stream()))
                                .allSatisfy(rule -> assertThat(rule).startsWith(ACME + "/")));
    }

    @Test
    void aTenantOpeningItsIngressIsShownTheDoorButNotWhatTheOtherEndsPoliciesSayOfItsConnections() {
        // Given: globex deletes what held its ingress; acme-corp's egress still denies its recorded attempt
        List<TopologyChange> changes = List.of(deleted(GLOBEX, "default-deny-all"), deleted(GLOBEX, "allow-ingress"));
        // When
        ImpactReport r = impact(changes, "globex");
        // Then
        assertThat(r.opened()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.PERMITS_FORBIDDEN);
            assertThat(f.direction()).isEqualTo(Direction.INGRESS);
            assertThat(f.peer()).isEqualTo(new Peer(PeerClass.TENANT, null, null));
            assertThat(f.decidedBy()).isEmpty();
        });
        assertThat(r.checked()).isEqualTo(1);
        assertThat(r.connections())
                .as("the verdict stays DENY: acme-corp's egress decides it")
                .isEmpty();
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

    @Test
    void moreWorkThanATenantsRequestMayCostIsRefusedWithoutTheClustersNumberOfPolicies() {
        // Given / When
        ImpactOutcome outcome = ChangeImpact.impact(
                DEMO,
                upserted(ALLOW_ALL_INGRESS),
                "acme-corp",
                RecordedConnections.remembered(DEMO),
                CniProfile.CONFORMANCE,
                5,
                RecordedConnections.AT);
        // Then
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        ImpactOutcome.TooMuchWork.class,
                        t -> assertThat(t.detail())
                                .contains("of the tenant")
                                .doesNotContainPattern("\\d+ NetworkPolicies"));
    }
}
