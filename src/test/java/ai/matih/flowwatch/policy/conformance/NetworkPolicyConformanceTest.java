package ai.matih.flowwatch.policy.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.PolicyVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NetworkPolicy conformance at scale: the upstream Kubernetes e2e specs and the cyclonus generated cases (data in
 * {@code src/test/resources/conformance/}), each step of each case judged on the full truth table (every source
 * pod, destination pod, protocol of TCP/UDP/SCTP and port of {@link World#PROBED_PORTS}). The production engine
 * must give, in every cell, the reference semantics' ALLOW or DENY ({@link ReferenceSemantics}); for e2e specs,
 * both must also give the upstream expected reachability on the spec's pods.
 */
class NetworkPolicyConformanceTest {

    private static final Map<String, Long> PASSED = new ConcurrentSkipListMap<>();
    private static final AtomicLong STEPS = new AtomicLong();
    private static final AtomicLong CELLS = new AtomicLong();
    private static final AtomicLong UPSTREAM_CELLS = new AtomicLong();
    private static final int SHOWN_MISMATCHES = 8;

    static Stream<ConformanceCase> cases() {
        return Stream.concat(UpstreamE2eCases.load().stream(), CyclonusCases.load().stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void engineGivesTheReferenceTruthTableAndTheUpstreamExpectations(ConformanceCase conformanceCase) {
        // Given the upstream model cluster
        World world = World.initial();
        int stepNumber = 0;
        for (ConformanceCase.Step step : conformanceCase.steps()) {
            stepNumber++;
            String where = conformanceCase + ", step " + stepNumber;

            // When the step's changes are made and every cell is judged
            step.actions().forEach(action -> action.apply(world));
            TruthTable table = TruthTable.of(world);

            // Then the policies are valid, the engine agrees with the reference everywhere, and both give what
            // upstream expects
            assertThat(table.problems()).as(where + ": policy problems").isEmpty();
            List<TruthTable.Mismatch> mismatches = table.mismatches();
            assertThat(mismatches)
                    .as(() -> where + "\n" + describe(table, mismatches))
                    .isEmpty();
            for (ConformanceCase.Probe probe : step.probes()) {
                assertUpstream(where, table, probe);
            }
            STEPS.incrementAndGet();
            CELLS.addAndGet(table.size());
        }
        PASSED.merge(conformanceCase.origin().label(), 1L, Long::sum);
    }

    @Test
    void suiteHoldsEveryUpstreamSpecAndEveryCyclonusFamily() {
        // Given the case files
        List<ConformanceCase> all = cases().toList();

        // When they are counted by origin and family
        Map<String, Long> byOrigin = all.stream()
                .collect(Collectors.groupingBy(c -> c.origin().label(), TreeMap::new, Collectors.counting()));
        Map<String, Long> cyclonus = all.stream()
                .filter(c -> c.origin() == ConformanceCase.Origin.CYCLONUS)
                .collect(Collectors.groupingBy(ConformanceCase::family, LinkedHashMap::new, Collectors.counting()));
        Set<String> names = new LinkedHashSet<>();
        all.forEach(c -> names.add(c.toString()));

        // Then the 48 e2e specs and the cyclonus families are all there, each case once
        System.out.println("NetworkPolicy conformance cases: " + byOrigin + "; cyclonus by family: " + cyclonus);
        assertThat(byOrigin)
                .containsEntry(ConformanceCase.Origin.UPSTREAM_E2E.label(), 48L)
                .containsEntry(ConformanceCase.Origin.CYCLONUS.label(), 230L);
        assertThat(cyclonus)
                .containsExactlyEntriesOf(orderedMap(
                        "targets", 6L,
                        "rules", 4L,
                        "peers", 112L,
                        "ports and protocols", 70L,
                        "example", 1L,
                        "actions", 6L,
                        "conflicts", 16L,
                        "namespaces", 2L,
                        "upstream e2e", 13L));
        assertThat(names).hasSize(all.size());
    }

    @AfterAll
    static void summary() {
        System.out.println("NetworkPolicy conformance: "
                + PASSED.values().stream().mapToLong(Long::longValue).sum() + " cases passed " + PASSED + ", "
                + STEPS.get()
                + " steps, " + CELLS.get() + " truth-table cells (engine = reference), " + UPSTREAM_CELLS.get()
                + " upstream e2e expectations met");
    }

    private static void assertUpstream(String where, TruthTable table, ConformanceCase.Probe probe) {
        Map<String, Boolean> expected = Reachability.expected(probe.pods(), probe.expect());
        List<String> wrong = new ArrayList<>();
        expected.forEach((pair, allowed) -> {
            String[] ends = pair.split(" > ");
            if (ends[0].equals(ends[1])) {
                return;
            }
            TruthTable.Cell cell = new TruthTable.Cell(ends[0], ends[1], probe.protocol(), probe.port());
            PolicyVerdict upstream = allowed ? PolicyVerdict.ALLOW : PolicyVerdict.DENY;
            if (table.reference(cell) != allowed || table.engine(cell) != upstream) {
                wrong.add(cell + ": upstream " + upstream + ", reference " + (table.reference(cell) ? "ALLOW" : "DENY")
                        + ", engine " + table.engine(cell));
            }
            UPSTREAM_CELLS.incrementAndGet();
        });
        assertThat(wrong).as(where + ": upstream expectation " + probe).isEmpty();
    }

    static String describe(TruthTable table, List<TruthTable.Mismatch> mismatches) {
        StringBuilder sb = new StringBuilder();
        mismatches.stream().limit(SHOWN_MISMATCHES).forEach(m -> sb.append(m).append('\n'));
        Set<String> shown = new LinkedHashSet<>();
        for (TruthTable.Mismatch m : mismatches) {
            Protocol protocol = m.cell().protocol();
            int port = m.cell().port();
            if (shown.add(protocol + "/" + port)) {
                sb.append(table.render(protocol, port));
            }
        }
        return sb.toString();
    }

    private static Map<String, Long> orderedMap(Object... keysAndValues) {
        Map<String, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (Long) keysAndValues[i + 1]);
        }
        return map;
    }
}
