package ai.matih.flowwatch.classify;

import static ai.matih.flowwatch.testing.TestTopologies.ACME;
import static ai.matih.flowwatch.testing.TestTopologies.CONTROL_PLANE;
import static ai.matih.flowwatch.testing.TestTopologies.GLOBEX;
import static ai.matih.flowwatch.testing.TestTopologies.INGRESS;
import static ai.matih.flowwatch.testing.TestTopologies.SHARED;
import static ai.matih.flowwatch.testing.TestTopologies.flow;
import static ai.matih.flowwatch.testing.TestTopologies.host;
import static ai.matih.flowwatch.testing.TestTopologies.ip;
import static ai.matih.flowwatch.testing.TestTopologies.pod;
import static ai.matih.flowwatch.testing.TestTopologies.world;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.ObservationSide;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.PolicyDecision;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.testing.IntentDerivedPolicyAxis;
import ai.matih.flowwatch.testing.TestTopologies;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.Cause;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.ViolationType;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FlowClassifierTest {

    private static final Topology TOPOLOGY = TestTopologies.seed();
    private static final Endpoint ACME_API = pod(ACME, "api");
    private static final Endpoint ACME_DB = pod(ACME, "db");
    private static final Endpoint GLOBEX_DB = pod(GLOBEX, "db");
    private static final Endpoint CP = pod(CONTROL_PLANE, "tenant-manager");
    private static final Endpoint ACME_INGRESS = pod(INGRESS, "ingress-nginx", Map.of("matih.ai/tenant", "acme-corp"));
    private static final Endpoint GLOBEX_INGRESS = pod(INGRESS, "ingress-nginx", Map.of("matih.ai/tenant", "globex"));
    private static final Endpoint UNLABELLED_INGRESS = pod(INGRESS, "ingress-nginx", Map.of("app", "nginx"));
    private static final Endpoint POSTGRES = pod(SHARED, "postgres");
    private static final Endpoint COREDNS = pod("kube-system", "coredns", Map.of("k8s-app", "kube-dns"));
    private static final Endpoint PROMETHEUS = pod("monitoring", "prometheus");

    private final FlowClassifier classifier = new FlowClassifier(new IntentDerivedPolicyAxis());

    /** Every row of the intent table, observed ALLOWED: permitted rows are normal, forbidden ones violations. */
    static Stream<Arguments> allowedConnections() {
        return Stream.of(
                arguments("same namespace", ACME_API, ACME_DB, Protocol.TCP, 5432, "NORMAL", null),
                arguments("control plane → tenant", CP, ACME_API, Protocol.TCP, 8080, "NORMAL", null),
                arguments("tenant's own ingress → tenant", ACME_INGRESS, ACME_API, Protocol.TCP, 8080, "NORMAL", null),
                arguments("tenant → shared infra", ACME_API, POSTGRES, Protocol.TCP, 5432, "NORMAL", null),
                arguments("tenant → cluster DNS over UDP", ACME_API, COREDNS, Protocol.UDP, 53, "NORMAL", null),
                arguments("tenant → cluster DNS over TCP", ACME_API, COREDNS, Protocol.TCP, 53, "NORMAL", null),
                arguments(
                        "tenant → egress exception", ACME_API, world("203.0.113.5"), Protocol.TCP, 443, "NORMAL", null),
                arguments("platform → platform", PROMETHEUS, CP, Protocol.TCP, 8080, "NORMAL", null),
                arguments("node → tenant (kubelet probe)", host(), ACME_API, Protocol.TCP, 8080, "NORMAL", null),
                arguments(
                        "another tenant's ingress → tenant",
                        GLOBEX_INGRESS,
                        ACME_API,
                        Protocol.TCP,
                        8080,
                        "ISOLATION_BREACH",
                        Category.CROSS_TENANT),
                arguments(
                        "unlabelled ingress → tenant",
                        UNLABELLED_INGRESS,
                        ACME_API,
                        Protocol.TCP,
                        8080,
                        "ISOLATION_BREACH",
                        Category.CROSS_TENANT),
                arguments(
                        "tenant A → tenant B",
                        ACME_API,
                        GLOBEX_DB,
                        Protocol.TCP,
                        5432,
                        "ISOLATION_BREACH",
                        Category.CROSS_TENANT),
                arguments(
                        "tenant → control plane",
                        ACME_API,
                        CP,
                        Protocol.TCP,
                        8080,
                        "ISOLATION_BREACH",
                        Category.TENANT_TO_CONTROL_PLANE),
                arguments(
                        "tenant → internet",
                        ACME_API,
                        world("93.184.216.34"),
                        Protocol.TCP,
                        443,
                        "UNEXPECTED_EGRESS",
                        Category.EXTERNAL_EGRESS),
                arguments(
                        "tenant → exception CIDR on another port",
                        ACME_API,
                        world("203.0.113.5"),
                        Protocol.TCP,
                        80,
                        "UNEXPECTED_EGRESS",
                        Category.EXTERNAL_EGRESS),
                arguments(
                        "tenant → expired exception",
                        pod(GLOBEX, "api"),
                        world("198.51.100.7"),
                        Protocol.TCP,
                        443,
                        "UNEXPECTED_EGRESS",
                        Category.EXTERNAL_EGRESS),
                arguments(
                        "tenant → outside DNS resolver",
                        ACME_API,
                        world("8.8.8.8"),
                        Protocol.UDP,
                        53,
                        "UNEXPECTED_EGRESS",
                        Category.EXTERNAL_EGRESS),
                arguments(
                        "tenant → external IP known only by address",
                        ACME_API,
                        ip("93.184.216.34"),
                        Protocol.TCP,
                        443,
                        "UNEXPECTED_EGRESS",
                        Category.EXTERNAL_EGRESS),
                arguments(
                        "outside → tenant",
                        world("34.0.113.100"),
                        ACME_API,
                        Protocol.TCP,
                        8080,
                        "ISOLATION_BREACH",
                        Category.EXTERNAL_INGRESS),
                arguments(
                        "outside → shared infra",
                        world("34.0.113.100"),
                        POSTGRES,
                        Protocol.TCP,
                        5432,
                        "ISOLATION_BREACH",
                        Category.EXTERNAL_INGRESS),
                arguments(
                        "tenant → other namespace",
                        ACME_API,
                        PROMETHEUS,
                        Protocol.TCP,
                        9090,
                        "ISOLATION_BREACH",
                        Category.OTHER),
                arguments(
                        "tenant → kube-system but not DNS",
                        ACME_API,
                        COREDNS,
                        Protocol.TCP,
                        9153,
                        "ISOLATION_BREACH",
                        Category.OTHER),
                arguments(
                        "shared infra → tenant",
                        POSTGRES,
                        ACME_API,
                        Protocol.TCP,
                        8080,
                        "ISOLATION_BREACH",
                        Category.OTHER),
                arguments(
                        "other namespace → tenant",
                        PROMETHEUS,
                        ACME_API,
                        Protocol.TCP,
                        8080,
                        "ISOLATION_BREACH",
                        Category.OTHER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowedConnections")
    void judgesAllowedConnectionsAgainstIntent(
            String name,
            Endpoint src,
            Endpoint dst,
            Protocol protocol,
            int port,
            String classification,
            Category category) {
        // Given
        Flow flow = flow(src, dst, protocol, port, Observed.ALLOWED);
        // When
        Outcome outcome = classifier.classify(flow, TOPOLOGY);
        // Then
        assertThat(outcome.classification()).isEqualTo(classification);
        if (outcome instanceof Outcome.Flagged f) {
            assertThat(f.category()).isEqualTo(category);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.cause()).isEqualTo(Cause.NOT_ENFORCED);
            assertThat(f.intent().intent()).isEqualTo(Intent.FORBIDDEN);
            assertThat(f.policy().verdict()).isEqualTo(PolicyVerdict.DENY);
        }
    }

    /** The observed × intent table (docs/judging.md). */
    static Stream<Arguments> observedByIntent() {
        return Stream.of(
                arguments(
                        Observed.DENIED,
                        ACME_API,
                        GLOBEX_DB,
                        5432,
                        ViolationType.BLOCKED_ATTEMPT,
                        Severity.INFO,
                        Category.CROSS_TENANT,
                        Cause.POLICY_DENIES),
                arguments(
                        Observed.DENIED,
                        ACME_API,
                        CP,
                        8080,
                        ViolationType.BLOCKED_ATTEMPT,
                        Severity.INFO,
                        Category.TENANT_TO_CONTROL_PLANE,
                        Cause.POLICY_DENIES),
                arguments(
                        Observed.DENIED,
                        ACME_API,
                        world("93.184.216.34"),
                        443,
                        ViolationType.BLOCKED_ATTEMPT,
                        Severity.INFO,
                        Category.EXTERNAL_EGRESS,
                        Cause.POLICY_DENIES),
                arguments(
                        Observed.DENIED,
                        world("34.0.113.100"),
                        ACME_API,
                        8080,
                        ViolationType.BLOCKED_ATTEMPT,
                        Severity.INFO,
                        Category.EXTERNAL_INGRESS,
                        Cause.POLICY_DENIES),
                arguments(
                        Observed.DENIED,
                        ACME_API,
                        PROMETHEUS,
                        9090,
                        ViolationType.BLOCKED_ATTEMPT,
                        Severity.INFO,
                        Category.OTHER,
                        Cause.POLICY_DENIES),
                arguments(
                        Observed.DENIED,
                        ACME_API,
                        COREDNS,
                        53,
                        ViolationType.UNEXPECTED_DENY,
                        Severity.WARNING,
                        null,
                        Cause.NOT_POLICY),
                arguments(
                        Observed.DENIED,
                        ACME_API,
                        POSTGRES,
                        5432,
                        ViolationType.UNEXPECTED_DENY,
                        Severity.WARNING,
                        null,
                        Cause.NOT_POLICY),
                arguments(
                        Observed.DENIED,
                        ACME_INGRESS,
                        ACME_API,
                        8080,
                        ViolationType.UNEXPECTED_DENY,
                        Severity.WARNING,
                        null,
                        Cause.NOT_POLICY),
                arguments(
                        Observed.AUDIT,
                        ACME_API,
                        GLOBEX_DB,
                        5432,
                        ViolationType.ISOLATION_BREACH,
                        Severity.CRITICAL,
                        Category.CROSS_TENANT,
                        Cause.NOT_ENFORCED),
                arguments(
                        Observed.AUDIT,
                        ACME_API,
                        POSTGRES,
                        5432,
                        ViolationType.UNEXPECTED_DENY,
                        Severity.WARNING,
                        null,
                        Cause.NOT_POLICY));
    }

    @ParameterizedTest(name = "{0} {1} → {2}: {4}")
    @MethodSource("observedByIntent")
    void classifiesEachObservedAndIntentCombination(
            Observed observed,
            Endpoint src,
            Endpoint dst,
            int port,
            ViolationType type,
            Severity severity,
            Category category,
            Cause cause) {
        // Given
        Protocol protocol = port == 53 ? Protocol.UDP : Protocol.TCP;
        Flow flow = flow(src, dst, protocol, port, observed);
        // When
        Outcome outcome = classifier.classify(flow, TOPOLOGY);
        // Then
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Flagged.class, f -> {
            assertThat(f.type()).isEqualTo(type);
            assertThat(f.severity()).isEqualTo(severity);
            assertThat(f.category()).isEqualTo(category);
            assertThat(f.cause()).isEqualTo(cause);
        });
    }

    /**
     * What the CNI reported (an AUDIT verdict is Cilium's policy-audit mode or a Calico staged deny: the connection
     * went through) × intent × the policies in force × where it was reported.
     */
    static Stream<Arguments> observedByIntentPolicyAndSide() {
        ObservationSide dst = ObservationSide.DESTINATION;
        ObservationSide src = ObservationSide.SOURCE;
        PolicyVerdict allow = PolicyVerdict.ALLOW;
        PolicyVerdict deny = PolicyVerdict.DENY;
        return Stream.of(
                // forbidden (acme-corp → globex), reported at the destination
                arguments(
                        Observed.ALLOWED,
                        GLOBEX_DB,
                        allow,
                        dst,
                        "ISOLATION_BREACH",
                        Severity.CRITICAL,
                        Cause.POLICY_PERMITS),
                arguments(
                        Observed.ALLOWED,
                        GLOBEX_DB,
                        deny,
                        dst,
                        "ISOLATION_BREACH",
                        Severity.CRITICAL,
                        Cause.NOT_ENFORCED),
                arguments(
                        Observed.AUDIT,
                        GLOBEX_DB,
                        allow,
                        dst,
                        "ISOLATION_BREACH",
                        Severity.CRITICAL,
                        Cause.POLICY_PERMITS),
                arguments(
                        Observed.AUDIT,
                        GLOBEX_DB,
                        deny,
                        dst,
                        "ISOLATION_BREACH",
                        Severity.CRITICAL,
                        Cause.NOT_ENFORCED),
                arguments(Observed.DENIED, GLOBEX_DB, allow, dst, "BLOCKED_ATTEMPT", Severity.INFO, Cause.NOT_POLICY),
                arguments(Observed.DENIED, GLOBEX_DB, deny, dst, "BLOCKED_ATTEMPT", Severity.INFO, Cause.POLICY_DENIES),
                // forbidden, reported only as it left the source: the destination's report decides
                arguments(Observed.ALLOWED, GLOBEX_DB, allow, src, "PARTIAL", null, null),
                arguments(Observed.AUDIT, GLOBEX_DB, deny, src, "PARTIAL", null, null),
                arguments(Observed.DENIED, GLOBEX_DB, deny, src, "BLOCKED_ATTEMPT", Severity.INFO, Cause.POLICY_DENIES),
                // forbidden egress to outside the cluster, wherever reported
                arguments(
                        Observed.ALLOWED,
                        world("93.184.216.34"),
                        deny,
                        src,
                        "UNEXPECTED_EGRESS",
                        Severity.CRITICAL,
                        Cause.NOT_ENFORCED),
                arguments(
                        Observed.AUDIT,
                        world("93.184.216.34"),
                        deny,
                        src,
                        "UNEXPECTED_EGRESS",
                        Severity.CRITICAL,
                        Cause.NOT_ENFORCED),
                arguments(
                        Observed.AUDIT,
                        world("93.184.216.34"),
                        allow,
                        dst,
                        "UNEXPECTED_EGRESS",
                        Severity.CRITICAL,
                        Cause.POLICY_PERMITS),
                arguments(
                        Observed.DENIED,
                        world("93.184.216.34"),
                        deny,
                        src,
                        "BLOCKED_ATTEMPT",
                        Severity.INFO,
                        Cause.POLICY_DENIES),
                // permitted (acme-corp → its own namespace)
                arguments(Observed.ALLOWED, ACME_DB, allow, dst, "NORMAL", null, null),
                arguments(
                        Observed.ALLOWED, ACME_DB, deny, dst, "ENFORCEMENT_GAP", Severity.WARNING, Cause.NOT_ENFORCED),
                arguments(Observed.AUDIT, ACME_DB, allow, dst, "UNEXPECTED_DENY", Severity.WARNING, Cause.NOT_POLICY),
                arguments(Observed.AUDIT, ACME_DB, deny, dst, "UNEXPECTED_DENY", Severity.WARNING, Cause.POLICY_DENIES),
                arguments(Observed.AUDIT, ACME_DB, deny, src, "UNEXPECTED_DENY", Severity.WARNING, Cause.POLICY_DENIES),
                arguments(Observed.DENIED, ACME_DB, allow, dst, "UNEXPECTED_DENY", Severity.WARNING, Cause.NOT_POLICY),
                arguments(
                        Observed.DENIED, ACME_DB, deny, dst, "UNEXPECTED_DENY", Severity.WARNING, Cause.POLICY_DENIES),
                arguments(Observed.ALLOWED, ACME_DB, allow, src, "PARTIAL", null, null));
    }

    @ParameterizedTest(name = "{0} to {1}, policy {2}, seen at the {3} → {4} {5} {6}")
    @MethodSource("observedByIntentPolicyAndSide")
    void judgesEachObservedVerdictByIntentPolicyAndSide(
            Observed observed,
            Endpoint dst,
            PolicyVerdict verdict,
            ObservationSide side,
            String classification,
            Severity severity,
            Cause cause) {
        // Given
        FlowClassifier withPolicy =
                new FlowClassifier((f, s, d, i, t) -> new PolicyDecision(verdict, List.of("ns/some-policy"), "test"));
        Flow flow = TestTopologies.flow(ACME_API, dst, Protocol.TCP, 5432, observed, side);
        // When
        Outcome outcome = withPolicy.classify(flow, TOPOLOGY);
        // Then
        assertThat(outcome.classification()).isEqualTo(classification);
        if (severity != null) {
            assertThat(outcome).isInstanceOfSatisfying(Outcome.Flagged.class, f -> {
                assertThat(f.severity()).isEqualTo(severity);
                assertThat(f.cause()).isEqualTo(cause);
            });
        }
    }

    @Test
    void namesTheAuditVerdictInTheReasonOfABreachThatWentThrough() {
        // Given
        Flow flow = TestTopologies.flow(
                ACME_API, GLOBEX_DB, Protocol.TCP, 5432, Observed.AUDIT, ObservationSide.DESTINATION);
        // When
        Outcome outcome = classifier.classify(flow, TOPOLOGY);
        // Then
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        Outcome.Flagged.class,
                        f -> assertThat(f.reason())
                                .contains("went through")
                                .contains("staged or audit-mode policy would block it only once enforced"));
    }

    static Stream<Arguments> causesFromThePolicyAxis() {
        return Stream.of(
                arguments(
                        Observed.ALLOWED,
                        GLOBEX_DB,
                        PolicyVerdict.ALLOW,
                        ViolationType.ISOLATION_BREACH,
                        Cause.POLICY_PERMITS),
                arguments(
                        Observed.ALLOWED,
                        GLOBEX_DB,
                        PolicyVerdict.INDETERMINATE,
                        ViolationType.ISOLATION_BREACH,
                        Cause.UNKNOWN),
                arguments(
                        Observed.ALLOWED,
                        ACME_DB,
                        PolicyVerdict.DENY,
                        ViolationType.ENFORCEMENT_GAP,
                        Cause.NOT_ENFORCED),
                arguments(
                        Observed.DENIED,
                        GLOBEX_DB,
                        PolicyVerdict.ALLOW,
                        ViolationType.BLOCKED_ATTEMPT,
                        Cause.NOT_POLICY),
                arguments(
                        Observed.DENIED,
                        ACME_DB,
                        PolicyVerdict.DENY,
                        ViolationType.UNEXPECTED_DENY,
                        Cause.POLICY_DENIES),
                arguments(
                        Observed.DENIED,
                        ACME_DB,
                        PolicyVerdict.INDETERMINATE,
                        ViolationType.UNEXPECTED_DENY,
                        Cause.UNKNOWN),
                arguments(
                        Observed.AUDIT,
                        GLOBEX_DB,
                        PolicyVerdict.INDETERMINATE,
                        ViolationType.ISOLATION_BREACH,
                        Cause.UNKNOWN),
                arguments(
                        Observed.AUDIT,
                        GLOBEX_DB,
                        PolicyVerdict.ALLOW,
                        ViolationType.ISOLATION_BREACH,
                        Cause.POLICY_PERMITS),
                arguments(
                        Observed.AUDIT,
                        GLOBEX_DB,
                        PolicyVerdict.DENY,
                        ViolationType.ISOLATION_BREACH,
                        Cause.NOT_ENFORCED),
                arguments(
                        Observed.AUDIT,
                        world("93.184.216.34"),
                        PolicyVerdict.ALLOW,
                        ViolationType.UNEXPECTED_EGRESS,
                        Cause.POLICY_PERMITS),
                arguments(
                        Observed.AUDIT,
                        ACME_DB,
                        PolicyVerdict.DENY,
                        ViolationType.UNEXPECTED_DENY,
                        Cause.POLICY_DENIES),
                arguments(
                        Observed.AUDIT, ACME_DB, PolicyVerdict.ALLOW, ViolationType.UNEXPECTED_DENY, Cause.NOT_POLICY));
    }

    @ParameterizedTest(name = "{0} to {1} with policy {2} → {3} caused by {4}")
    @MethodSource("causesFromThePolicyAxis")
    void takesTheCauseFromThePolicyAxis(
            Observed observed, Endpoint dst, PolicyVerdict verdict, ViolationType type, Cause cause) {
        // Given
        FlowClassifier withPolicy =
                new FlowClassifier((f, s, d, i, t) -> new PolicyDecision(verdict, List.of("ns/some-policy"), "test"));
        // When
        Outcome outcome = withPolicy.classify(flow(ACME_API, dst, Protocol.TCP, 5432, observed), TOPOLOGY);
        // Then
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Flagged.class, f -> {
            assertThat(f.type()).isEqualTo(type);
            assertThat(f.cause()).isEqualTo(cause);
            assertThat(f.policy().decidedBy()).containsExactly("ns/some-policy");
        });
    }

    @Test
    void neverJudgesAReplyAsANewConnection() {
        // Given: globex's db answering acme's api (a reply swaps source and destination)
        Flow base = flow(GLOBEX_DB, ACME_API, Protocol.TCP, 40000, Observed.ALLOWED);
        Flow reply = new Flow(
                base.format(),
                base.time(),
                base.intervalEnd(),
                base.source(),
                base.destination(),
                base.protocol(),
                base.port(),
                5432,
                base.observed(),
                Initiation.REPLY,
                "TO_ENDPOINT",
                "worker-1",
                List.of(),
                null,
                1,
                null);
        // When
        Outcome outcome = classifier.classify(reply, TOPOLOGY);
        // Then
        assertThat(outcome).isInstanceOf(Outcome.Reply.class);
        assertThat(outcome.classification()).isEqualTo("REPLY");
    }

    @Test
    void failsClosedWhenTheRecordCarriesNoVerdict() {
        // Given
        Flow flow = flow(ACME_API, GLOBEX_DB, Protocol.TCP, 5432, Observed.UNKNOWN);
        // When
        Outcome outcome = classifier.classify(flow, TOPOLOGY);
        // Then
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        Outcome.Unclassified.class,
                        u -> assertThat(u.tenantInvolved()).isTrue());
    }

    @Test
    void failsClosedWhenAnInClusterIpMatchesNoKnownPod() {
        // Given
        Flow flow = flow(ACME_API, ip("10.99.1.1"), Protocol.TCP, 443, Observed.ALLOWED);
        // When
        Outcome outcome = classifier.classify(flow, TOPOLOGY);
        // Then
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        Outcome.Unclassified.class, u -> assertThat(u.reason()).contains("10.99.1.1"));
    }

    @Test
    void failsClosedWhenEgressExceptionsCannotBeCheckedWithoutAnIp() {
        // Given: acme-corp has a live egress exception; the record (Goldmane) names only the public network
        Endpoint publicNetwork = new Endpoint(EndpointKind.WORLD, null, null, null, null, Map.of(), Map.of(), "pub");
        // When
        Outcome acme =
                classifier.classify(flow(ACME_API, publicNetwork, Protocol.TCP, 443, Observed.ALLOWED), TOPOLOGY);
        Outcome globex = classifier.classify(
                flow(pod(GLOBEX, "api"), publicNetwork, Protocol.TCP, 443, Observed.ALLOWED), TOPOLOGY);
        // Then: globex's only exception has expired, so its egress is forbidden whatever the IP
        assertThat(acme)
                .isInstanceOfSatisfying(
                        Outcome.Unclassified.class,
                        u -> assertThat(u.reason()).contains("egress exceptions cannot be checked"));
        assertThat(globex.classification()).isEqualTo("UNEXPECTED_EGRESS");
    }

    @Test
    void resolvesAnIpOnlyEndpointThroughTheTopologyPods() {
        // Given: the destination is known only by IP, which is globex's db-0
        Flow flow = flow(ACME_API, ip("10.244.2.12"), Protocol.TCP, 5432, Observed.ALLOWED);
        // When
        Outcome outcome = classifier.classify(flow, TOPOLOGY);
        // Then
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        Outcome.Flagged.class, f -> assertThat(f.category()).isEqualTo(Category.CROSS_TENANT));
    }

    @Test
    void leavesAnAllowSeenOnlyAtTheSourceToTheDestinationsReport() {
        // Given: acme → globex allowed by acme's egress, reported on the source side only
        Flow sourceSide = flow(ACME_API, GLOBEX_DB, Protocol.TCP, 5432, Observed.ALLOWED, ObservationSide.SOURCE);
        Flow destinationSide =
                flow(ACME_API, GLOBEX_DB, Protocol.TCP, 5432, Observed.ALLOWED, ObservationSide.DESTINATION);
        // When
        Outcome partial = classifier.classify(sourceSide, TOPOLOGY);
        Outcome decided = classifier.classify(destinationSide, TOPOLOGY);
        // Then
        assertThat(partial).isInstanceOf(Outcome.Partial.class);
        assertThat(decided.classification()).isEqualTo("ISOLATION_BREACH");
    }

    @Test
    void judgesASourceSideAllowToTheOutsideWorld() {
        // Given: nobody else reports egress to the internet
        Flow flow = flow(ACME_API, world("93.184.216.34"), Protocol.TCP, 443, Observed.ALLOWED, ObservationSide.SOURCE);
        // When
        Outcome outcome = classifier.classify(flow, TOPOLOGY);
        // Then
        assertThat(outcome.classification()).isEqualTo("UNEXPECTED_EGRESS");
    }

    @Test
    void usesNamespaceLabelsCarriedByTheRecordForUnknownNamespaces() {
        // Given: a namespace the topology does not know, labelled control-plane in the Cilium record
        Endpoint cp = new Endpoint(
                EndpointKind.POD,
                "platform-admin",
                "admin-0",
                "admin",
                null,
                Map.of(),
                Map.of("matih.ai/role", "control-plane"),
                null);
        // When
        Outcome outcome = classifier.classify(flow(ACME_API, cp, Protocol.TCP, 443, Observed.DENIED), TOPOLOGY);
        // Then
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        Outcome.Flagged.class,
                        f -> assertThat(f.category()).isEqualTo(Category.TENANT_TO_CONTROL_PLANE));
    }
}
