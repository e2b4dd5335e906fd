package ai.matih.flowwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationSide;
import ai.matih.flowwatch.violation.ViolationType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 10,000 hostile tenant namespaces neither make 10,000 series of flowwatch_violations_total nor push a tenant of the
 * topology into {@code other}.
 */
class TenantCapTest {

    @Test
    void tenTousandTenantsLeaveAtMostTheCapOfTenantValues() {
        // Given
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int cap = 200;
        PipelineMetrics metrics = new PipelineMetrics(registry, () -> cap);
        // When
        for (int i = 0; i < 10_000; i++) {
            metrics.violation("ISOLATION_BREACH", "critical", "tenant-" + i, ViolationSide.SOURCE, 1);
        }
        // Then
        Set<String> tenants = tenantValues(registry);
        assertThat(tenants.stream().filter(t -> !t.equals(TenantTags.OTHER))).hasSize(cap);
        assertThat(tenants).contains(TenantTags.OTHER).hasSize(cap + 1);
        assertThat(total(registry)).isEqualTo(10_000.0);
        assertThat(registry.find(PipelineMetrics.VIOLATIONS)
                        .tag("tenant", TenantTags.OTHER)
                        .counter()
                        .count())
                .isEqualTo(10_000.0 - cap);
    }

    @Test
    void twoTenantViolationsCountForEachTenantAtItsSideWithinTheCap() {
        // Given
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int cap = 20;
        PipelineMetrics metrics = new PipelineMetrics(registry, () -> cap);
        // When: 1,000 breaches, each from another tenant into globex
        for (int i = 0; i < 1000; i++) {
            metrics.counted(
                    Violation.builder()
                            .id("v-" + i)
                            .type(ViolationType.ISOLATION_BREACH)
                            .severity(Severity.CRITICAL)
                            .tenant("tenant-" + i)
                            .peerTenant("globex")
                            .source(new EndpointView(
                                    "ns-" + i, "api", null, null, "tenant-" + i, "tenant", false, null))
                            .destination(new EndpointView(
                                    "matih-data-plane-globex", "db", null, null, "globex", "tenant", false, null))
                            .seen(Instant.parse("2026-11-26T08:00:00Z"))
                            .build(),
                    1);
        }
        // Then: globex counted at the destination for each; tenant values stay capped, side has two values
        assertThat(registry.find(PipelineMetrics.VIOLATIONS)
                        .tag("tenant", "globex")
                        .tag("side", "destination")
                        .counter()
                        .count())
                .isEqualTo(1000.0);
        assertThat(tenantValues(registry)).hasSize(cap + 1);
        assertThat(registry.find(PipelineMetrics.VIOLATIONS).counters())
                .extracting(c -> c.getId().getTag("side"))
                .containsOnly("source", "destination");
        assertThat(registry.find(PipelineMetrics.VIOLATIONS).counters()).hasSizeLessThanOrEqualTo(2 * (cap + 1));
        assertThat(total(registry)).isEqualTo(2000.0);
    }

    @Test
    void tenThousandHostileNamespacesDoNotPushATopologyTenantIntoOther() {
        // Given: a topology of three tenants, a cap of 50
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int cap = 50;
        Topology topology = topology("acme-corp", "globex", "initech");
        PipelineMetrics metrics = new PipelineMetrics(registry, () -> cap, () -> topology);
        // When: 10,000 tenants unknown to the topology come first, then the topology's own
        for (int i = 0; i < 10_000; i++) {
            metrics.violation("ISOLATION_BREACH", "critical", "hostile-" + i, ViolationSide.SOURCE, 1);
        }
        metrics.violation("ISOLATION_BREACH", "critical", "acme-corp", ViolationSide.SOURCE, 1);
        metrics.violation("ISOLATION_BREACH", "critical", "initech", ViolationSide.SOURCE, 2);
        // Then
        Set<String> tenants = tenantValues(registry);
        assertThat(tenants).contains("acme-corp", "initech", TenantTags.OTHER);
        // globex's slot stays reserved although it has no violation
        assertThat(tenants.stream().filter(t -> t.startsWith("hostile-"))).hasSize(cap - 3);
        assertThat(registry.find(PipelineMetrics.VIOLATIONS)
                        .tag("tenant", "acme-corp")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.find(PipelineMetrics.VIOLATIONS)
                        .tag("tenant", "initech")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        assertThat(registry.find(PipelineMetrics.VIOLATIONS)
                        .tag("tenant", TenantTags.OTHER)
                        .counter()
                        .count())
                .isEqualTo(10_000.0 - (cap - 3));
        assertThat(total(registry)).isEqualTo(10_003.0);
    }

    @Test
    void aTenantJoiningTheTopologyAfterAFloodTakesTheSlotOfARecordOnlyTenant() {
        // Given: every slot taken by tenants known only from records
        AtomicReference<Topology> current = new AtomicReference<>(topology("acme-corp"));
        TenantTags tags = new TenantTags(3, current::get);
        List<String> flood = List.of("x-1", "x-2", "x-3", "x-4");
        List<String> before = flood.stream().map(tags::tag).toList();
        // When: the topology gains a tenant
        current.set(topology("acme-corp", "newco"));
        String newco = tags.tag("newco");
        List<String> after = flood.stream().map(tags::tag).toList();
        // Then
        assertThat(before).containsExactly("x-1", "x-2", TenantTags.OTHER, TenantTags.OTHER);
        assertThat(newco).isEqualTo("newco");
        assertThat(tags.tag("acme-corp")).isEqualTo("acme-corp");
        assertThat(after.stream().filter(t -> !t.equals(TenantTags.OTHER))).hasSize(1);
        assertThat(Stream.concat(Stream.of("acme-corp", "newco"), after.stream())
                        .filter(t -> !t.equals(TenantTags.OTHER))
                        .distinct())
                .hasSize(3);
    }

    @Test
    void aTenantLeavingTheTopologyKeepsItsValueUntilATopologyTenantNeedsTheSlot() {
        // Given
        AtomicReference<Topology> current = new AtomicReference<>(topology("acme-corp"));
        TenantTags tags = new TenantTags(1, current::get);
        assertThat(tags.tag("acme-corp")).isEqualTo("acme-corp");
        // When: it leaves the topology
        current.set(topology());
        // Then: its series goes on; the cap still holds for everyone else
        assertThat(tags.tag("acme-corp")).isEqualTo("acme-corp");
        assertThat(tags.tag("x-1")).isEqualTo(TenantTags.OTHER);
        // When: a tenant joins the topology
        current.set(topology("newco"));
        // Then: the slot is given back to it
        assertThat(tags.tag("newco")).isEqualTo("newco");
        assertThat(tags.tag("acme-corp")).isEqualTo(TenantTags.OTHER);
    }

    @Test
    void aFloodOfAuditLearntTenantsGivesWayToTheTenantsOfTheManifests() {
        // Given: manifests of one tenant; the audit stream made up 10 more, named to come first
        AtomicReference<Topology> manifests = new AtomicReference<>(topology("acme-corp"));
        List<String> flood = new ArrayList<>(List.of("acme-corp"));
        for (int i = 0; i < 10; i++) {
            flood.add("aaa-fake-" + i);
        }
        AtomicReference<Topology> current = new AtomicReference<>(topology(flood.toArray(String[]::new)));
        TenantTags tags = new TenantTags(5, current::get, manifests::get);
        // When
        String acme = tags.tag("acme-corp");
        List<String> learnt =
                flood.subList(1, flood.size()).stream().map(tags::tag).toList();
        // Then: the manifest tenant has its value; the learnt ones share what is left
        assertThat(acme).isEqualTo("acme-corp");
        assertThat(learnt.stream().filter(t -> !t.equals(TenantTags.OTHER))).hasSize(4);

        // When: the manifests gain a tenant, the flood still in the topology
        manifests.set(topology("acme-corp", "zeta"));
        flood.add("zeta");
        current.set(topology(flood.toArray(String[]::new)));
        // Then: it takes the slot of a learnt tenant
        assertThat(tags.tag("zeta")).isEqualTo("zeta");
        assertThat(tags.tag("acme-corp")).isEqualTo("acme-corp");
        assertThat(flood.subList(1, 11).stream().map(tags::tag).filter(t -> !t.equals(TenantTags.OTHER)))
                .hasSize(3);
    }

    @Test
    void learntTenantsComingAndGoingMakeAtMostTwiceTheCapOfValues() {
        // Given
        AtomicReference<Topology> manifests = new AtomicReference<>(topology());
        AtomicReference<Topology> current = new AtomicReference<>(topology());
        TenantTags tags = new TenantTags(2, current::get, manifests::get);
        Set<String> values = new HashSet<>();
        // When: 50 tenants, one after the other, each learnt from the audit stream then gone
        for (int i = 0; i < 50; i++) {
            current.set(topology("learnt-" + i));
            values.add(tags.tag("learnt-" + i));
        }
        // Then: the first ones got their slot back from those that left; then the budget of series is spent
        assertThat(values)
                .contains("learnt-0", "learnt-1", "learnt-2", "learnt-3", TenantTags.OTHER)
                .hasSize(5);
        // a manifest tenant still gets its value
        manifests.set(topology("acme-corp"));
        current.set(topology("acme-corp"));
        assertThat(tags.tag("acme-corp")).isEqualTo("acme-corp");
    }

    static Stream<Arguments> slots() {
        return Stream.of(
                arguments(
                        "topology tenants come before record-only ones",
                        2,
                        List.of("a", "b"),
                        List.of("x", "a", "b"),
                        List.of("other", "a", "b")),
                arguments(
                        "record-only tenants share what is left",
                        3,
                        List.of("a"),
                        List.of("x", "y", "z", "a"),
                        List.of("x", "y", "other", "a")),
                arguments(
                        "more topology tenants than slots: name order",
                        1,
                        List.of("b", "a"),
                        List.of("b", "a"),
                        List.of("other", "a")),
                arguments(
                        "a cap of zero counts everyone as other",
                        0,
                        List.of("a"),
                        List.of("a", "x"),
                        List.of("other", "other")),
                arguments(
                        "no topology: first come, first served",
                        2,
                        List.of(),
                        List.of("x", "y", "z", "x"),
                        List.of("x", "y", "other", "x")),
                arguments("no tenant at all", 2, List.of("a"), nullList(), List.of("none")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("slots")
    void givesEachTenantItsSlotOrOther(
            String scenario, int cap, List<String> topologyTenants, List<String> recordTenants, List<String> expected) {
        // Given
        Topology topology = topology(topologyTenants.toArray(String[]::new));
        TenantTags tags = new TenantTags(cap, () -> topology);
        // When
        List<String> got = recordTenants.stream().map(tags::tag).toList();
        // Then
        assertThat(got).containsExactlyElementsOf(expected);
    }

    @Test
    void concurrentCallersNeverExceedTheCap() throws Exception {
        // Given
        int cap = 20;
        Topology topology = topology("acme-corp", "globex");
        TenantTags tags = new TenantTags(cap, () -> topology);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            // When
            List<Future<Set<String>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    Set<String> values = new HashSet<>();
                    for (int i = 0; i < 5_000; i++) {
                        values.add(tags.tag("hostile-" + (i * 4 + offset) % 3_000));
                    }
                    values.add(tags.tag("globex"));
                    return values;
                }));
            }
            Set<String> all = new HashSet<>();
            for (Future<Set<String>> f : results) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            // Then
            assertThat(all).contains("globex", TenantTags.OTHER);
            assertThat(all.stream().filter(t -> !t.equals(TenantTags.OTHER))).hasSizeLessThanOrEqualTo(cap);
            assertThat(tags.tag("acme-corp")).isEqualTo("acme-corp");
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> nullList() {
        List<String> list = new ArrayList<>();
        list.add(null);
        return list;
    }

    private static Set<String> tenantValues(SimpleMeterRegistry registry) {
        return registry.find(PipelineMetrics.VIOLATIONS).counters().stream()
                .map(c -> c.getId().getTag("tenant"))
                .collect(Collectors.toSet());
    }

    private static double total(SimpleMeterRegistry registry) {
        return registry.find(PipelineMetrics.VIOLATIONS).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** A topology whose only namespaces are one tenant namespace per given tenant. */
    static Topology topology(String... tenants) {
        TenancyRules rules = TenancyRules.defaults();
        Map<String, NamespaceInfo> namespaces = new HashMap<>();
        for (String tenant : tenants) {
            String name = "matih-data-plane-" + tenant;
            namespaces.put(name, rules.describe(name, Map.of("matih.ai/tenant", tenant), true));
        }
        return new Topology(
                namespaces,
                List.of(),
                Map.of(),
                Map.of(),
                List.of(),
                rules,
                List.of(),
                "kube-system",
                Map.of("k8s-app", "kube-dns"),
                Instant.parse("2026-11-26T08:00:00Z"),
                "test");
    }
}
