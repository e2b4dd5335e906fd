package ai.matih.flowwatch.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ai.matih.flowwatch.classify.ConnectionExplainer.End;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.topology.DnsSelector;
import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.ManifestLoader;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.ViolationType;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A connection is placed on the live snapshot, then judged on every axis on that same snapshot. */
class ConnectionExplainerTest {

    private static final ManifestLoader LOADER = new ManifestLoader(
            TenancyRules.defaults(),
            List.of(EgressException.parseCidr("10.0.0.0/8")),
            DnsSelector.parse("kube-system/k8s-app=kube-dns"));
    private static final Topology DEMO =
            LOADER.load("classpath:demo/topology.yaml").topology();
    private static final String ACME = "matih-data-plane-acme-corp";
    private static final End ACME_API = new End.Address("10.244.1.10");

    private final AtomicReference<Topology> live = new AtomicReference<>(DEMO);
    private final ConnectionExplainer explainer =
            new ConnectionExplainer(live::get, new EnginePolicyAxis(CniProfile.CONFORMANCE));

    static Stream<Arguments> ends() {
        return Stream.of(
                arguments("a tenant's pod by IP", new End.Address("10.244.2.12"), Party.Kind.TENANT, "globex"),
                arguments(
                        "a tenant's pod by name",
                        new End.Pod("matih-data-plane-globex", "db-0"),
                        Party.Kind.TENANT,
                        "globex"),
                arguments(
                        "a pod not yet deployed",
                        new End.Pod(ACME, "not-yet-deployed"),
                        Party.Kind.TENANT,
                        "acme-corp"),
                arguments("a control-plane pod", new End.Address("10.244.0.10"), Party.Kind.CONTROL_PLANE, null),
                arguments("an ingress pod", new End.Address("10.244.9.1"), Party.Kind.INGRESS, null),
                arguments(
                        "a pod of a namespace without a role",
                        new End.Pod("monitoring", "prometheus-0"),
                        Party.Kind.OTHER_NAMESPACE,
                        null),
                arguments("an in-cluster address no pod has", new End.Address("10.244.7.7"), Party.Kind.UNKNOWN, null),
                arguments("an address outside the cluster", new End.Address("203.0.113.9"), Party.Kind.EXTERNAL, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ends")
    void shouldPlaceEachEndInTheTenancyModel(String what, End end, Party.Kind kind, String tenant) {
        // Given the demo topology

        // When
        ConnectionExplainer.Placed placed = explainer.place(ACME_API, end, Protocol.TCP, 443);

        // Then
        assertThat(placed.destination().kind()).as(what).isEqualTo(kind);
        assertThat(placed.destination().tenant()).as(what).isEqualTo(tenant);
        assertThat(placed.source().kind()).isEqualTo(Party.Kind.TENANT);
        assertThat(placed.topology()).isSameAs(DEMO);
    }

    @Test
    void shouldTakeAKnownPodsLabelsAndAddressFromTheTopology() {
        // Given
        End db = new End.Pod(ACME, "db-0");

        // When
        Party placed = explainer.place(ACME_API, db, Protocol.TCP, 5432).destination();

        // Then
        assertThat(placed.endpoint().ip()).isEqualTo("10.244.1.12");
        assertThat(placed.labels()).containsEntry("statefulset.kubernetes.io/pod-name", "db-0");
        assertThat(placed.namespaceName()).isEqualTo(ACME);
    }

    @Test
    void shouldExplainCrossTenantTrafficOnEveryAxis() {
        // Given
        ConnectionExplainer.Placed placed = explainer.place(
                new End.Pod("matih-data-plane-globex", "api-7d9f8c6b5-x2a2b"),
                new End.Pod("matih-data-plane-initech", "db-0"),
                Protocol.TCP,
                5432);

        // When
        ConnectionExplainer.Explanation explanation = explainer.explain(placed);

        // Then
        assertThat(explanation.connection()).isSameAs(placed);
        assertThat(explanation.intent()).isInstanceOfSatisfying(IntentResult.Judged.class, judged -> {
            assertThat(judged.intent()).isEqualTo(Intent.FORBIDDEN);
            assertThat(judged.category()).isEqualTo(Category.CROSS_TENANT);
        });
        assertThat(explanation.policy().verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(explanation.outcomes().keySet()).containsExactly(Observed.ALLOWED, Observed.DENIED, Observed.AUDIT);
        assertThat(explanation.outcomes().values())
                .extracting(ConnectionExplainerTest::type)
                .containsExactly(
                        ViolationType.ISOLATION_BREACH, ViolationType.BLOCKED_ATTEMPT, ViolationType.ISOLATION_BREACH);
    }

    @Test
    void shouldExplainPermittedDnsAsNormalWhenAllowedAndUnexpectedWhenDenied() {
        // Given
        ConnectionExplainer.Placed placed =
                explainer.place(new End.Address("10.244.2.10"), new End.Address("10.244.0.53"), Protocol.UDP, 53);

        // When
        ConnectionExplainer.Explanation explanation = explainer.explain(placed);

        // Then
        assertThat(explanation.intent())
                .isInstanceOfSatisfying(
                        IntentResult.Judged.class,
                        judged -> assertThat(judged.intent()).isEqualTo(Intent.PERMITTED));
        assertThat(explanation.policy().verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(explanation.outcomes().get(Observed.ALLOWED)).isInstanceOf(Outcome.Normal.class);
        assertThat(type(explanation.outcomes().get(Observed.DENIED))).isEqualTo(ViolationType.UNEXPECTED_DENY);
    }

    @Test
    void shouldNotJudgePlatformTraffic() {
        // Given
        ConnectionExplainer.Placed placed =
                explainer.place(new End.Address("10.244.0.30"), new End.Address("10.244.0.53"), Protocol.UDP, 53);

        // When
        ConnectionExplainer.Explanation explanation = explainer.explain(placed);

        // Then
        assertThat(explanation.intent()).isInstanceOf(IntentResult.NotJudged.class);
        assertThat(explanation.outcomes().values()).allMatch(Outcome.Normal.class::isInstance);
    }

    @Test
    void shouldJudgeOnTheSnapshotTheEndsWerePlacedOn() {
        // Given ends placed on the demo topology, which is then replaced by an empty one
        ConnectionExplainer.Placed placed =
                explainer.place(ACME_API, new End.Address("10.244.2.12"), Protocol.TCP, 5432);
        Topology empty = Topology.empty(
                TenancyRules.defaults(),
                List.of(EgressException.parseCidr("10.0.0.0/8")),
                DnsSelector.parse("kube-system/k8s-app=kube-dns"),
                Instant.now(),
                Topology.EMPTY_ORIGIN);
        live.set(empty);

        // When
        ConnectionExplainer.Explanation explanation = explainer.explain(placed);

        // Then: still the cross-tenant connection of the demo, not two unknown addresses
        assertThat(explanation.intent())
                .isInstanceOfSatisfying(
                        IntentResult.Judged.class,
                        judged -> assertThat(judged.category()).isEqualTo(Category.CROSS_TENANT));
        assertThat(explainer
                        .place(ACME_API, new End.Address("10.244.2.12"), Protocol.TCP, 5432)
                        .destination()
                        .kind())
                .isEqualTo(Party.Kind.UNKNOWN);
    }

    private static ViolationType type(Outcome outcome) {
        return outcome instanceof Outcome.Flagged flagged ? flagged.type() : null;
    }
}
