package ai.matih.flowwatch.violation;

import static ai.matih.flowwatch.testing.TestTopologies.ACME;
import static ai.matih.flowwatch.testing.TestTopologies.GLOBEX;
import static ai.matih.flowwatch.testing.TestTopologies.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.classify.FlowClassifier;
import ai.matih.flowwatch.classify.Outcome;
import ai.matih.flowwatch.classify.ViolationFactory;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.testing.IntentDerivedPolicyAxis;
import ai.matih.flowwatch.testing.TestTopologies;
import ai.matih.flowwatch.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.Reference;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store and the replay memories of its violations stay within their byte budgets, and still never count twice. */
class ViolationStoreBoundsTest {

    private static final Topology TOPOLOGY = TestTopologies.seed();
    private static final long MIB = 1024 * 1024;
    private final FlowClassifier classifier = new FlowClassifier(new IntentDerivedPolicyAxis());
    private final ViolationFactory factory =
            new ViolationFactory(Duration.ofMinutes(15), Duration.ofMinutes(5), "matih.ai/tenant");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Map<Integer, Draft> templates = new HashMap<>();

    @Test
    void shouldKeepTheAttemptsOf50ViolationsWithinTheMemoryBudget() {
        // Given
        long budget = 4 * MIB;
        ViolationStore store = new ViolationStore(new ViolationStore.Limits(1000, 256 * MIB, 4096, budget), registry);
        long most = 0;

        // When: 50 violations x 2,000 distinct connection attempts (source ports)
        long position = 0;
        for (int port = 0; port < 2_000; port++) {
            for (int v = 0; v < 50; v++) {
                store.merge(draft(v, 10_000 + port, "u-" + v + "-" + port, "drop"), "flows:0", position++);
                most = Math.max(most, store.memoryBytes());
            }
        }

        // Then
        assertThat(store.size()).isEqualTo(50);
        assertThat(most).isLessThanOrEqualTo(budget + ReplayMemory.ATTEMPT_BYTES + ReplayMemory.FINGERPRINT_BYTES);
        assertThat(forgotten()).isGreaterThan(0);
        assertThat(gauge("attempts")).isEqualTo((double) store.memoryBytes());
        assertThat(store.query(ViolationFilter.ALL, 100, null).items())
                .allSatisfy(v -> assertThat(v.count()).isEqualTo(2_000));
        // and what the store holds is what the heap gives back when the store goes (measured that way, what other
        // threads of the test JVM allocate or free meanwhile does not count)
        long withStore = usedHeapAfterGc();
        Reference.reachabilityFence(store);
        store = null;
        long held = withStore - usedHeapAfterGc();
        assertThat(held).as("heap the store holds").isLessThan(2 * budget);
    }

    @Test
    void shouldTrimABoundedSliceOfViolationsPerMergeAndStillHoldTheBudget() {
        // Given: 2,000 violations, so that a trim of all of them spans several merges
        int violations = 2_000;
        long entry = ReplayMemory.ATTEMPT_BYTES + ReplayMemory.FINGERPRINT_BYTES;
        long budget = violations * 2 * entry; // two of the three attempts each
        ViolationStore store = new ViolationStore(new ViolationStore.Limits(10_000, 256 * MIB, 4096, budget), registry);
        long most = 0;
        int mergesThatTrimmed = 0;
        double mostForgottenByOneMerge = 0;

        // When: three distinct attempts of each
        long position = 0;
        for (int port = 0; port < 3; port++) {
            for (int v = 0; v < violations; v++) {
                double before = forgotten();
                store.merge(draft(v, 10_000 + port, "u-" + v + "-" + port, "drop"), "flows:0", position++);
                double forgottenNow = forgotten() - before;
                mergesThatTrimmed += forgottenNow > 0 ? 1 : 0;
                mostForgottenByOneMerge = Math.max(mostForgottenByOneMerge, forgottenNow);
                most = Math.max(most, store.memoryBytes());
            }
        }

        // Then: each merge trimmed at most a slice (two entries each at most here), the sweep took several merges,
        // and the memories overshot the budget by no more than what those merges added
        assertThat(mergesThatTrimmed).isGreaterThanOrEqualTo(violations / ViolationStore.TRIM_SLICE);
        assertThat(mostForgottenByOneMerge).isLessThanOrEqualTo(2.0 * 2 * ViolationStore.TRIM_SLICE);
        assertThat(most).isLessThanOrEqualTo(budget + (violations / ViolationStore.TRIM_SLICE + 2) * entry);
        assertThat(gauge("attempts")).isEqualTo((double) store.memoryBytes());
        assertThat(store.query(ViolationFilter.ALL, violations, null).items())
                .hasSize(violations)
                .allSatisfy(v -> assertThat(v.count()).isEqualTo(3));
    }

    @Test
    void shouldNotCountARememberedAttemptTwiceAfterTrimming() {
        // Given: memories trimmed well below the attempts reported
        ViolationStore store = new ViolationStore(new ViolationStore.Limits(1000, 256 * MIB, 4096, MIB), registry);
        long position = 0;
        for (int port = 0; port < 2_000; port++) {
            for (int v = 0; v < 50; v++) {
                store.merge(draft(v, 10_000 + port, "u-" + v + "-" + port, "drop"), "flows:0", position++);
            }
        }
        assertThat(forgotten()).isGreaterThan(0);
        Violation before = store.query(ViolationFilter.ALL, 1, null).items().get(0);
        int v = Integer.parseInt(before.destination().workload().substring(3));

        // When: the last record again (re-produced on another partition), another observation point of the same
        // attempt on another partition, and a redelivery of an early position
        Merge copy = store.merge(draft(v, 10_000 + 1_999, "u-" + v + "-1999", "drop"), "flows:1", 7);
        Merge otherPoint = store.merge(draft(v, 10_000 + 1_999, "w-" + v + "-1999", "policy-verdict"), "flows:2", 9);
        Merge redelivered = store.merge(draft(v, 10_000, "u-" + v + "-0", "drop"), "flows:0", 0);

        // Then
        assertThat(copy.replay()).isTrue();
        assertThat(otherPoint.countDelta()).isZero();
        assertThat(redelivered.replay()).isTrue();
        assertThat(store.get(before.id()).count()).isEqualTo(before.count()).isEqualTo(2_000);
    }

    @Test
    void shouldEvictTheOldestPastTheByteBound() {
        // Given: room for about 20 violations by bytes, 1,000 by count
        Violation sample =
                new ViolationStore(1000, 4096).merge(draft(0, 1, "s", "drop")).violation();
        long bound = 20 * ViolationSizes.bytes(sample);
        ViolationStore store = store(1000, bound);

        // When
        for (int v = 0; v < 100; v++) {
            store.merge(draft(v, 1, "u" + v, "drop", NOW.plusSeconds(v)));
        }

        // Then
        assertThat(store.violationBytes()).isLessThanOrEqualTo(bound);
        assertThat(store.size()).isBetween(15, 20);
        assertThat(store.query(ViolationFilter.ALL, 1, null)
                        .items()
                        .get(0)
                        .destination()
                        .workload())
                .isEqualTo("svc99");
        assertThat(evicted("max-stored-bytes")).isEqualTo(100 - store.size());
        assertThat(evicted("max-stored")).isZero();
        assertThat(gauge("violations")).isEqualTo((double) store.violationBytes());
    }

    @Test
    void shouldKeepAViolationsSizeForNewCountersAndGrowItForANewReporter() {
        // Given
        ViolationStore store = store(1000, 256 * MIB);
        Violation first = store.merge(draft(1, 1, "u1", "drop")).violation();
        long bytes = store.violationBytes();

        // When: another attempt from the same reporter, then one from a new reporter
        Violation counted = store.merge(draft(1, 2, "u2", "drop")).violation();
        long afterCounters = store.violationBytes();
        Violation reported = store.merge(draft(1, 3, "u3", "policy-verdict")).violation();

        // Then
        assertThat(counted.count()).isEqualTo(first.count() + 1);
        assertThat(afterCounters).isEqualTo(bytes).isEqualTo(ViolationSizes.bytes(counted));
        assertThat(reported.evidence().reporters())
                .hasSize(first.evidence().reporters().size() + 1);
        assertThat(store.violationBytes()).isGreaterThan(bytes).isEqualTo(ViolationSizes.bytes(reported));
    }

    @Test
    void shouldCountEvictionsPastTheEntryBound() {
        // Given
        ViolationStore store = store(10, 256 * MIB);

        // When
        for (int v = 0; v < 25; v++) {
            store.merge(draft(v, 1, "u" + v, "drop", NOW.plusSeconds(v)));
        }

        // Then
        assertThat(store.size()).isEqualTo(10);
        assertThat(evicted("max-stored")).isEqualTo(15);
        assertThat(registry.get(ViolationStore.EVICTED).counter().count()).isEqualTo(15);
    }

    @Test
    void shouldGiveBackTheBytesOfRemovedViolations() {
        // Given
        ViolationStore store = store(1000, 256 * MIB);
        Merge merged = store.merge(draft(1, 1, "u1", "drop"));
        assertThat(store.violationBytes()).isPositive();
        assertThat(store.memoryBytes()).isPositive();

        // When
        store.remove(merged.violation().id());

        // Then
        assertThat(store.violationBytes()).isZero();
        assertThat(store.memoryBytes()).isZero();
    }

    @Test
    void shouldEstimateNoLessThanTheHeapItHolds() {
        // Given
        draft(0, 1, "warm-up", "drop", NOW);
        ViolationStore store = store(100_000, 1024 * MIB);

        // When: 10,000 violations, one attempt each
        for (int v = 0; v < 10_000; v++) {
            store.merge(draft(v, 40_000, "u" + v, "drop", NOW), "flows:0", v);
        }

        // Then: what the store holds is what the heap gives back when the store goes (measured that way, what other
        // threads allocate or free meanwhile does not count)
        long withStore = usedHeapAfterGc();
        int size = store.size();
        long estimate = store.violationBytes() + store.memoryBytes();
        Reference.reachabilityFence(store);
        store = null;
        long measured = withStore - usedHeapAfterGc();
        assertThat(size).isEqualTo(10_000);
        assertThat(estimate)
                .as("estimate against %d measured", measured)
                .isGreaterThanOrEqualTo(measured * 4 / 5)
                .isLessThanOrEqualTo(measured * 3);
    }

    private ViolationStore store(int maxStored, long maxStoredBytes) {
        return new ViolationStore(new ViolationStore.Limits(maxStored, maxStoredBytes, 4096, 64 * MIB), registry);
    }

    /**
     * A report of violation {@code violation}'s attempt from {@code sourcePort}: the factory's draft of the first
     * report, then the same with this attempt's key and this record's fingerprint (the factory hashes both the same
     * way: only the values matter here).
     */
    private Draft draft(int violation, int sourcePort, String uuid, String observationPoint) {
        Draft first = templates.computeIfAbsent(violation, v -> draft(v, 1, "t", "drop", NOW));
        return new Draft(
                first.template(),
                first.time(),
                31L * violation + sourcePort,
                1,
                uuid.hashCode() * 31L + violation,
                observationPoint);
    }

    private Draft draft(int violation, int sourcePort, String uuid, String observationPoint, Instant at) {
        Endpoint src = new Endpoint(
                EndpointKind.POD,
                ACME,
                "api-7d9f8c6b5-x1a2b",
                "api",
                "10.244.1.10",
                Map.of("app", "api"),
                Map.of(),
                null);
        Endpoint dst = new Endpoint(
                EndpointKind.POD,
                GLOBEX,
                "svc" + violation + "-0",
                "svc" + violation,
                "10.244.2." + (violation % 250),
                Map.of("app", "db"),
                Map.of(),
                null);
        Flow flow = new Flow(
                SourceFormat.HUBBLE,
                at,
                at,
                src,
                dst,
                Protocol.TCP,
                5432,
                sourcePort,
                Observed.DENIED,
                Initiation.INITIATING,
                observationPoint,
                "worker-2",
                List.of(),
                "POLICY_DENIED",
                1,
                uuid);
        return factory.flagged(flow, (Outcome.Flagged) classifier.classify(flow, TOPOLOGY));
    }

    private double forgotten() {
        return evicted("memory-bytes");
    }

    private double evicted(String reason) {
        return registry.get(ViolationStore.EVICTIONS_METER)
                .tag(ViolationStore.REASON_TAG, reason)
                .counter()
                .count();
    }

    private double gauge(String part) {
        return registry.get(ViolationStore.BYTES_METER)
                .tag(ViolationStore.PART_TAG, part)
                .gauge()
                .value();
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
