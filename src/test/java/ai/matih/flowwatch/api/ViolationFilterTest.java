package ai.matih.flowwatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.matih.flowwatch.testing.TestTopologies;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.Cause;
import ai.matih.flowwatch.violation.EndLabels;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationFilter;
import ai.matih.flowwatch.violation.ViolationScope;
import ai.matih.flowwatch.violation.ViolationStore;
import ai.matih.flowwatch.violation.ViolationSummary;
import ai.matih.flowwatch.violation.ViolationType;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The filters of a query of violations, from the query string to the violations matched: each parameter, its
 * negation and repetition, CIDRs, prefixes and durations; and a tenant's filters compared with what it is shown.
 */
class ViolationFilterTest {

    static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");
    static final String ACME = TestTopologies.ACME;
    static final String GLOBEX = TestTopologies.GLOBEX;
    static final EndpointView ACME_API =
            new EndpointView(ACME, "api", "api-7d9f8c6b5-x1a2b", "10.244.1.10", "acme-corp", "tenant", false, null);
    static final EndpointView GLOBEX_DB =
            new EndpointView(GLOBEX, "payments-db", "db-0", "10.244.2.12", "globex", "tenant", false, null);
    static final EndpointView CONTROL_PLANE = new EndpointView(
            "matih-control-plane",
            "tenant-manager",
            "tenant-manager-1",
            "10.244.0.10",
            null,
            "control-plane",
            false,
            null);
    static final EndpointView OUTSIDE = new EndpointView(null, null, null, "2001:db8::9", null, "external", true, null);
    static final EndpointView GLOBEX_OBJECT =
            new EndpointView(GLOBEX, null, null, null, "globex", "tenant", false, "networkpolicies/x");

    /** acme-corp's api reaching globex's database: cross-tenant, allowed though denied by policy. */
    static final Violation A1 = Violation.builder()
            .id("a1")
            .type(ViolationType.ISOLATION_BREACH)
            .severity(ViolationType.ISOLATION_BREACH.severity())
            .category(Category.CROSS_TENANT)
            .cause(Cause.NOT_ENFORCED)
            .tenant("acme-corp")
            .peerTenant("globex")
            .source(ACME_API)
            .destination(GLOBEX_DB)
            .protocol("TCP")
            .port(5432)
            .observed("ALLOWED")
            .decidedBy(List.of(GLOBEX + "/default-deny-all", ACME + "/allow-egress#egress[0]"))
            .firstSeen(NOW.minus(Duration.ofMinutes(10)))
            .lastSeen(NOW.minus(Duration.ofMinutes(5)))
            .count(3)
            .build();
    /** acme-corp's api trying the control plane, denied. */
    static final Violation A2 = Violation.builder()
            .id("a2")
            .type(ViolationType.BLOCKED_ATTEMPT)
            .severity(ViolationType.BLOCKED_ATTEMPT.severity())
            .category(Category.TENANT_TO_CONTROL_PLANE)
            .cause(Cause.POLICY_DENIES)
            .tenant("acme-corp")
            .source(ACME_API)
            .destination(CONTROL_PLANE)
            .protocol("TCP")
            .port(8080)
            .observed("DENIED")
            .decidedBy(List.of(ACME + "/default-deny-all"))
            .seen(NOW.minus(Duration.ofHours(2)))
            .count(1)
            .build();
    /** globex's database reaching the internet over IPv6. */
    static final Violation G1 = Violation.builder()
            .id("g1")
            .type(ViolationType.UNEXPECTED_EGRESS)
            .severity(ViolationType.UNEXPECTED_EGRESS.severity())
            .category(Category.EXTERNAL_EGRESS)
            .cause(Cause.POLICY_PERMITS)
            .tenant("globex")
            .source(GLOBEX_DB)
            .destination(OUTSIDE)
            .protocol("UDP")
            .port(53)
            .observed("ALLOWED")
            .decidedBy(List.of(GLOBEX + "/allow-egress#egress[0]"))
            .seen(NOW.minus(Duration.ofDays(1)))
            .count(1)
            .build();
    /** An audit detection in globex: no source, protocol, port, verdict, category or cause. */
    static final Violation X1 = Violation.builder()
            .id("x1")
            .type(ViolationType.POLICY_TAMPERING)
            .severity(ViolationType.POLICY_TAMPERING.severity())
            .tenant("globex")
            .destination(GLOBEX_OBJECT)
            .seen(NOW.minusSeconds(30))
            .count(1)
            .build();

    static final List<Violation> ALL = List.of(A1, A2, G1, X1);
    static final Topology TOPOLOGY = topology();
    static final ViolationQueryParameters PARAMETERS = new ViolationQueryParameters(256, 32, 128);
    static final Caller ADMIN = Caller.admin("admin");

    static Topology topology() {
        Topology seed = TestTopologies.seed();
        PodInfo api = new PodInfo(
                ACME, "api-7d9f8c6b5-x1a2b", Map.of("app", "api"), List.of("10.244.1.10"), "w1", false, List.of());
        Map<String, PodInfo> byIp = new HashMap<>(seed.podsByIp());
        byIp.put("10.244.1.10", api);
        Map<String, PodInfo> byName = new HashMap<>(seed.podsByName());
        byName.put(ACME + "/" + api.name(), api);
        return new Topology(
                seed.namespaces(),
                seed.networkPolicies(),
                byIp,
                byName,
                seed.egressExceptions(),
                seed.rules(),
                seed.internalCidrs(),
                seed.dnsNamespace(),
                seed.dnsSelector(),
                seed.loadedAt(),
                seed.origin());
    }

    static List<String> matched(Caller caller, String query) {
        ViolationFilter filter = TenantScope.filter(
                caller,
                PARAMETERS
                        .parse(query, ViolationQueryParameters.Endpoint.LIST, NOW)
                        .filter(),
                TOPOLOGY);
        return ALL.stream().filter(filter::matches).map(Violation::id).toList();
    }

    static Stream<Arguments> adminQueries() {
        return Stream.of(
                Arguments.of("", List.of("a1", "a2", "g1", "x1")),
                Arguments.of("tenant=acme-corp", List.of("a1", "a2")),
                Arguments.of("tenant=globex", List.of("a1", "g1", "x1")),
                Arguments.of("tenant=!globex", List.of("a2")),
                Arguments.of("tenant=acme-corp&tenant=globex", List.of("a1", "a2", "g1", "x1")),
                Arguments.of("tenant=acme-corp&tenant=!globex", List.of("a2")),
                Arguments.of("type=ISOLATION_BREACH", List.of("a1")),
                Arguments.of("type=isolation_breach&type=BLOCKED_ATTEMPT", List.of("a1", "a2")),
                Arguments.of("type=!ISOLATION_BREACH", List.of("a2", "g1", "x1")),
                Arguments.of("severity=critical", List.of("a1", "g1", "x1")),
                Arguments.of("severity=!critical", List.of("a2")),
                Arguments.of("category=cross-tenant", List.of("a1")),
                Arguments.of("category=EXTERNAL_EGRESS&category=tenant-to-control-plane", List.of("a2", "g1")),
                Arguments.of("category=!cross-tenant", List.of("a2", "g1", "x1")),
                Arguments.of("cause=policy-denies", List.of("a2")),
                Arguments.of("cause=!not-enforced", List.of("a2", "g1", "x1")),
                Arguments.of("observed=denied", List.of("a2")),
                Arguments.of("observed=!ALLOWED", List.of("a2", "x1")),
                Arguments.of("namespace=" + GLOBEX, List.of("a1", "g1", "x1")),
                Arguments.of("namespace=!" + GLOBEX, List.of("a2")),
                Arguments.of("source.namespace=" + ACME, List.of("a1", "a2")),
                Arguments.of("destination.namespace=matih-control-plane", List.of("a2")),
                Arguments.of("destination.namespace=!matih-control-plane", List.of("a1", "g1", "x1")),
                Arguments.of("source.pod=api-7d9f8c6b5-x1a2b", List.of("a1", "a2")),
                Arguments.of("source.pod=api-*", List.of("a1", "a2")),
                Arguments.of("source.pod=*", List.of("a1", "a2", "g1")),
                Arguments.of("source.pod=api-7d9f8c6b5-x1a2", List.of()),
                Arguments.of("destination.pod=tenant-*&destination.pod=db-*", List.of("a1", "a2")),
                Arguments.of("destination.pod=!db-0", List.of("a2", "g1", "x1")),
                Arguments.of("workload=payments-db", List.of("a1", "g1")),
                Arguments.of("workload=!api", List.of("g1", "x1")),
                Arguments.of("ip=10.244.2.12", List.of("a1", "g1")),
                Arguments.of("ip=10.244.0.0/16", List.of("a1", "a2", "g1")),
                Arguments.of("ip=10.244.1.99/24", List.of("a1", "a2")),
                Arguments.of("ip=2001:db8::/32", List.of("g1")),
                Arguments.of("ip=2001:0db8:0:0:0:0:0:9", List.of("g1")),
                Arguments.of("ip=!10.244.1.0/24", List.of("g1", "x1")),
                Arguments.of("ip=10.244.0.10&ip=10.244.2.12", List.of("a1", "a2", "g1")),
                Arguments.of("port=5432", List.of("a1")),
                Arguments.of("port=8000-8100", List.of("a2")),
                Arguments.of("port=!5432", List.of("a2", "g1", "x1")),
                Arguments.of("port=53&port=5432", List.of("a1", "g1")),
                Arguments.of("protocol=udp", List.of("g1")),
                Arguments.of("protocol=!TCP", List.of("g1", "x1")),
                Arguments.of("policy=default-deny-all", List.of("a1", "a2")),
                Arguments.of("policy=" + ACME + "/allow-egress", List.of("a1")),
                Arguments.of("policy=" + ACME + "/allow-egress%23egress[0]", List.of("a1")),
                Arguments.of("policy=" + ACME + "/allow-egress%23egress[1]", List.of()),
                Arguments.of("policy=allow-egress", List.of("a1", "g1")),
                Arguments.of("policy=allow", List.of()),
                Arguments.of("policy=!default-deny-all", List.of("g1", "x1")),
                Arguments.of("label=app=db", List.of("a1", "g1")),
                Arguments.of("label=app=api", List.of("a1", "a2")),
                Arguments.of("label=app=api&label=app=db", List.of("a1", "a2", "g1")),
                Arguments.of("label=!app=db", List.of("a2", "x1")),
                Arguments.of("since=1h", List.of("a1", "x1")),
                Arguments.of("since=PT1H", List.of("a1", "x1")),
                Arguments.of("since=2026-11-26T07:00:00Z", List.of("a1", "x1")),
                Arguments.of("since=2026-11-26T09:00:00%2B02:00", List.of("a1", "x1")),
                Arguments.of("since=2026-11-26T09:00:00+02:00", List.of("a1", "x1")),
                Arguments.of("since=2026-11-26T03:00:00-04:00", List.of("a1", "x1")),
                Arguments.of("since=!1h", List.of("a2", "g1")),
                Arguments.of("until=3h", List.of("g1")),
                Arguments.of("until=1h", List.of("a2", "g1")),
                Arguments.of("since=3h&until=1h", List.of("a2")),
                Arguments.of("since=3h&since=!1h", List.of("a2")),
                Arguments.of("tenant=acme-corp&severity=critical", List.of("a1")),
                Arguments.of("namespace=" + GLOBEX + "&type=!POLICY_TAMPERING&port=!53", List.of("a1")),
                Arguments.of("tenant=&type=", List.of("a1", "a2", "g1", "x1")));
    }

    @ParameterizedTest(name = "admin: {0}")
    @MethodSource("adminQueries")
    void anAdminsFilterMatchesTheStoredViolations(String query, List<String> expected) {
        // Given the four violations, When filtered by the query, Then exactly these match
        assertThat(matched(ADMIN, query)).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> tenantQueries() {
        return Stream.of(
                Arguments.of("acme-corp", "", List.of("a1", "a2")),
                Arguments.of("acme-corp", "tenant=acme-corp", List.of("a1", "a2")),
                Arguments.of("acme-corp", "tenant=globex", List.of()),
                Arguments.of("acme-corp", "tenant=!globex", List.of("a1", "a2")),
                Arguments.of("acme-corp", "namespace=" + GLOBEX, List.of()),
                Arguments.of("acme-corp", "namespace=!" + GLOBEX, List.of("a1", "a2")),
                Arguments.of("acme-corp", "ip=10.244.2.12", List.of()),
                Arguments.of("acme-corp", "ip=10.244.0.0/16", List.of("a1", "a2")),
                Arguments.of("acme-corp", "destination.pod=db-*", List.of()),
                Arguments.of("acme-corp", "destination.pod=tenant-manager-*", List.of("a2")),
                Arguments.of("acme-corp", "workload=payments-db", List.of()),
                Arguments.of("acme-corp", "label=app=db", List.of()),
                Arguments.of("acme-corp", "label=app=api", List.of("a1", "a2")),
                Arguments.of("acme-corp", "policy=" + GLOBEX + "/default-deny-all", List.of()),
                Arguments.of("acme-corp", "policy=default-deny-all", List.of("a2")),
                Arguments.of("acme-corp", "destination.namespace=matih-control-plane", List.of("a2")),
                Arguments.of("globex", "", List.of("a1", "g1", "x1")),
                Arguments.of("globex", "tenant=acme-corp", List.of()),
                Arguments.of("globex", "label=app=api", List.of()),
                Arguments.of("globex", "label=app=db", List.of("a1", "g1")),
                Arguments.of("globex", "source.namespace=" + ACME, List.of()),
                Arguments.of("initech", "", List.of()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("tenantQueries")
    void aTenantsFilterMatchesOnlyWhatTheTenantIsShown(String tenant, String query, List<String> expected) {
        // Given a tenant-scoped caller, When filtered by the query, Then only what its view shows can match
        assertThat(matched(Caller.tenant("ci", tenant), query)).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> badQueries() {
        return Stream.of(
                Arguments.of("colour=blue", "colour"),
                Arguments.of("tenant=acme-corp&Tenant=globex", "Tenant"),
                Arguments.of("lastEventId=5", "lastEventId"),
                Arguments.of("tenant=!", "tenant"),
                Arguments.of("tenant=../etc", "tenant"),
                Arguments.of("type=NOT_A_TYPE", "type"),
                Arguments.of("severity=!catastrophic", "severity"),
                Arguments.of("category=sideways", "category"),
                Arguments.of("cause=gremlins", "cause"),
                Arguments.of("observed=maybe", "observed"),
                Arguments.of("namespace=UPPER", "namespace"),
                Arguments.of("source.namespace=a_b", "source.namespace"),
                Arguments.of("destination.pod=a*b", "destination.pod"),
                Arguments.of("source.pod=-*", "source.pod"),
                Arguments.of("workload=Api", "workload"),
                Arguments.of("ip=10.0.0.*", "ip"),
                Arguments.of("ip=10.0.0.1-9", "ip"),
                Arguments.of("ip=10.0.0.0/33", "ip"),
                Arguments.of("ip=localhost", "ip"),
                Arguments.of("port=0", "port"),
                Arguments.of("port=65536", "port"),
                Arguments.of("port=90-80", "port"),
                Arguments.of("port=http", "port"),
                Arguments.of("protocol=XYZ", "protocol"),
                Arguments.of("protocol=256", "protocol"),
                Arguments.of("policy=a/b/c", "policy"),
                Arguments.of("policy=ns/p%23rule", "policy"),
                Arguments.of("label=app", "label"),
                Arguments.of("label==web", "label"),
                Arguments.of("label=app=we%20b", "label"),
                Arguments.of("since=yesterday", "since"),
                Arguments.of("until=!yesterday", "until"),
                Arguments.of("since=1h&until=2h", "since"),
                Arguments.of("limit=5&limit=6", "limit"),
                Arguments.of("cursor=%zz", "cursor"),
                Arguments.of("type=NOT_A_TYPE&namespace=UPPER", "type"));
    }

    @ParameterizedTest(name = "{0} names {1}")
    @MethodSource("badQueries")
    void aBadQueryIsABadRequestNamingTheParameter(String query, String parameter) {
        // When / Then
        assertThatThrownBy(() -> PARAMETERS.parse(query, ViolationQueryParameters.Endpoint.LIST, NOW))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.toProblem().status()).isEqualTo(400);
                    assertThat(e.toProblem().parameter()).isEqualTo(parameter);
                });
    }

    @Test
    void eachEndpointKnowsItsOwnParameters() {
        // Given / When / Then: the stream resumes with lastEventId; the summary has no pages
        assertThat(PARAMETERS
                        .parse("lastEventId=42&tenant=globex", ViolationQueryParameters.Endpoint.STREAM, NOW)
                        .filter()
                        .criteria())
                .hasSize(1);
        assertThatThrownBy(() -> PARAMETERS.parse("limit=5", ViolationQueryParameters.Endpoint.SUMMARY, NOW))
                .isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> PARAMETERS.parse("cursor=x", ViolationQueryParameters.Endpoint.STREAM, NOW))
                .isInstanceOf(ProblemException.class);
    }

    @Test
    void theValuesOfOneParameterAndOfARequestAreBounded() {
        // Given
        ViolationQueryParameters small = new ViolationQueryParameters(256, 3, 5);
        // When / Then
        assertThat(small.parse("port=1&port=2&port=3", ViolationQueryParameters.Endpoint.LIST, NOW)
                        .filter()
                        .criteria())
                .hasSize(1);
        assertThatThrownBy(
                        () -> small.parse("port=1&port=2&port=3&port=4", ViolationQueryParameters.Endpoint.LIST, NOW))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.toProblem().parameter()).isEqualTo("port"));
        assertThatThrownBy(() -> small.parse(
                        "port=1&port=2&type=BLOCKED_ATTEMPT&tenant=a&tenant=b&severity=info",
                        ViolationQueryParameters.Endpoint.LIST,
                        NOW))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.toProblem().parameter()).isEqualTo("severity"));
        assertThatThrownBy(() -> small.parse("tenant=" + "a".repeat(257), ViolationQueryParameters.Endpoint.LIST, NOW))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.toProblem().parameter()).isEqualTo("tenant"));
    }

    @Test
    void aTenantsViewIsBuiltOnlyForTheCriteriaThatReadIt() {
        // Given a tenant's scope that counts the views it builds
        AtomicInteger built = new AtomicInteger();
        ViolationScope scope = new ViolationScope(
                "acme-corp",
                v -> {
                    built.incrementAndGet();
                    return TenantScope.tenantView("acme-corp", v);
                },
                EndLabels.NONE);
        ViolationFilter unredacted = PARAMETERS
                .parse(
                        "type=BLOCKED_ATTEMPT&type=ISOLATION_BREACH&port=!5432",
                        ViolationQueryParameters.Endpoint.LIST,
                        NOW)
                .filter()
                .scoped(scope);
        ViolationFilter redacted = PARAMETERS
                .parse("type=BLOCKED_ATTEMPT&namespace=" + ACME, ViolationQueryParameters.Endpoint.LIST, NOW)
                .filter()
                .scoped(scope);
        // When
        List<String> first =
                ALL.stream().filter(unredacted::matches).map(Violation::id).toList();
        int afterFirst = built.get();
        List<String> second =
                ALL.stream().filter(redacted::matches).map(Violation::id).toList();
        // Then: none for criteria a view leaves unchanged, one for the one violation that passed those first
        assertThat(first).containsExactly("a2");
        assertThat(afterFirst).isZero();
        assertThat(second).containsExactly("a2");
        assertThat(built).hasValue(1);
    }

    @Test
    void aTenantsSummaryCountsOnlyWhatItsListShows() {
        // Given
        ViolationStore store = new ViolationStore(100, 16);
        ALL.forEach(store::put);
        ViolationFilter unscoped = PARAMETERS
                .parse("", ViolationQueryParameters.Endpoint.SUMMARY, NOW)
                .filter();
        // When
        ViolationSummary all = store.summarize(TenantScope.filter(ADMIN, unscoped, TOPOLOGY));
        ViolationSummary acme =
                store.summarize(TenantScope.filter(Caller.tenant("ci", "acme-corp"), unscoped, TOPOLOGY));
        ViolationSummary asksForGlobex = store.summarize(TenantScope.filter(
                Caller.tenant("ci", "acme-corp"),
                PARAMETERS
                        .parse("tenant=globex", ViolationQueryParameters.Endpoint.SUMMARY, NOW)
                        .filter(),
                TOPOLOGY));
        // Then
        assertThat(all.total()).isEqualTo(4);
        assertThat(all.byTenant()).containsExactly(Map.entry("acme-corp", 2L), Map.entry("globex", 2L));
        assertThat(all.bySeverity()).containsEntry("critical", 3L).containsEntry("info", 1L);
        assertThat(all.byCategory().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(3);
        assertThat(acme.total()).isEqualTo(2);
        assertThat(acme.byTenant()).containsExactly(Map.entry("acme-corp", 2L));
        assertThat(acme.byType()).containsOnlyKeys("ISOLATION_BREACH", "BLOCKED_ATTEMPT");
        assertThat(asksForGlobex.total()).isZero();
        assertThat(asksForGlobex.byTenant()).isEmpty();
    }
}
