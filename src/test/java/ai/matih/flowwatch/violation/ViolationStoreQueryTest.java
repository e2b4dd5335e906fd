package ai.matih.flowwatch.violation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A query walks the tenant index and stops at the earliest lastSeen its filter can match: its pages, followed by
 * their cursors, and its summary are exactly what a walk over every stored violation finds.
 */
class ViolationStoreQueryTest {

    static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
    static final List<String> TENANTS = List.of("acme-corp", "globex", "initech");

    static List<Violation> violations() {
        Random random = new Random(19);
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String tenant = TENANTS.get(random.nextInt(TENANTS.size()));
            String peer = random.nextInt(3) == 0 ? TENANTS.get(random.nextInt(TENANTS.size())) : null;
            ViolationType type = ViolationType.values()[random.nextInt(4)];
            out.add(Violation.builder()
                    .id(String.format("%08x", i))
                    .type(type)
                    .severity(type.severity())
                    .tenant(tenant)
                    .peerTenant(peer)
                    .source(new EndpointView(
                            "ns-" + tenant, "w", "p", "10.0.0." + i % 250, tenant, "tenant", false, null))
                    .destination(new EndpointView(null, null, null, "203.0.113.1", null, "external", true, null))
                    .port(1 + random.nextInt(3))
                    .seen(T0.plusSeconds(random.nextInt(3600)))
                    .build());
        }
        return out;
    }

    static FilterValue.Text text(String s) {
        return new FilterValue.Text(s);
    }

    static FilterValue.Time at(int seconds) {
        return new FilterValue.Time(T0.plusSeconds(seconds));
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of("everything", ViolationFilter.ALL),
                Arguments.of("one tenant (its index)", ViolationFilter.tenant("globex")),
                Arguments.of(
                        "two tenants",
                        ViolationFilter.of(Criterion.anyOf(FilterField.TENANT, text("acme-corp"), text("initech")))),
                Arguments.of(
                        "one tenant but another",
                        ViolationFilter.of(new Criterion(
                                FilterField.TENANT, List.of(text("globex")), List.of(text("acme-corp"))))),
                Arguments.of("an unknown tenant", ViolationFilter.tenant("nobody")),
                Arguments.of("since (stops early)", ViolationFilter.of(Criterion.anyOf(FilterField.SINCE, at(1800)))),
                Arguments.of(
                        "either since", ViolationFilter.of(Criterion.anyOf(FilterField.SINCE, at(3000), at(1200)))),
                Arguments.of(
                        "since, not a later since",
                        ViolationFilter.of(new Criterion(FilterField.SINCE, List.of(at(600)), List.of(at(2400))))),
                Arguments.of(
                        "tenant, since and port",
                        ViolationFilter.of(
                                Criterion.anyOf(FilterField.TENANT, text("initech")),
                                Criterion.anyOf(FilterField.SINCE, at(900)),
                                Criterion.noneOf(FilterField.PORT, new FilterValue.Ports(2, 2)))),
                Arguments.of(
                        "scoped to a tenant",
                        ViolationFilter.of(Criterion.anyOf(
                                        FilterField.TYPE, new FilterValue.Constant(ViolationType.ISOLATION_BREACH)))
                                .scoped(new ViolationScope("acme-corp", null, EndLabels.NONE))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void pagesAndSummaryAreWhatAWalkOverEverythingFinds(String name, ViolationFilter filter) {
        // Given
        ViolationStore store = new ViolationStore(1000, 16);
        List<Violation> all = violations();
        all.forEach(store::put);
        List<String> expected = all.stream()
                .filter(filter::matches)
                .sorted((a, b) -> ViolationOrder.of(a).compareTo(ViolationOrder.of(b)))
                .map(Violation::id)
                .toList();
        // When: paged by 7
        List<String> paged = new ArrayList<>();
        ViolationOrder cursor = null;
        do {
            ViolationPage page = store.query(filter, 7, cursor);
            page.items().forEach(v -> paged.add(v.id()));
            cursor = page.nextCursor() == null ? null : ViolationOrder.parseCursor(page.nextCursor());
        } while (cursor != null);
        ViolationSummary summary = store.summarize(filter);
        // Then
        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(summary.total()).isEqualTo(expected.size());
        Map<String, Long> byType = new TreeMap<>();
        all.stream().filter(filter::matches).forEach(v -> byType.merge(v.type().name(), 1L, Long::sum));
        assertThat(summary.byType()).isEqualTo(byType);
    }
}
