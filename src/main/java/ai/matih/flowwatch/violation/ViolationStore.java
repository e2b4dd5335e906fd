package ai.matih.flowwatch.violation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * The bounded in-memory store of violations, newest first, indexed by time and tenant. Reports are merged
 * per violation id atomically; a replayed record changes nothing; the oldest violations (by lastSeen) are evicted
 * past {@code flowwatch.violations.max-stored} violations or {@code flowwatch.violations.max-stored-bytes} estimated
 * bytes, and the replay memories of all violations share {@code flowwatch.violations.memory-bytes} (see
 * {@link ViolationConfig#memoryBytes()}).
 *
 * <p>Sizes are estimates from the lengths of the texts and the counts of remembered entries (see
 * {@link ViolationSizes} and {@link ReplayMemory#bytes()}), kept as running totals: no walk over the store on the hot
 * path. Past the memory budget, one thread at a time trims every violation's memory to an equal share of three
 * quarters of the budget, so the next trim is a quarter of the budget away.
 */
@ApplicationScoped
public class ViolationStore {

    /** Kafka header of a violations-topic record that carries the violation's replay memory. */
    public static final String REPLAY_HEADER = "flowwatch-replay";

    private static final Logger LOGGER = Logger.getLogger(ViolationStore.class);
    private static final int MAX_REPORTERS = 8;
    /** Violations evicted past {@code flowwatch.violations.max-stored} or its byte bound. */
    public static final String EVICTED = "flowwatch.violations.evicted";
    /** Gauge of estimated heap bytes, tagged {@link #PART_TAG}. Exported as {@code flowwatch_violation_store_bytes}. */
    public static final String BYTES_METER = "flowwatch.violation.store.bytes";
    /** Counter of what the bounds removed, tagged {@link #REASON_TAG}. Exported with {@code _total}. */
    public static final String EVICTIONS_METER = "flowwatch.violation.store.evictions";
    /** {@code violations} (the violations and their indexes) or {@code attempts} (their replay memories). */
    public static final String PART_TAG = "part";
    /** {@code max-stored}, {@code max-stored-bytes} (violations) or {@code memory-bytes} (remembered entries). */
    public static final String REASON_TAG = "reason";

    /**
     * The store's bounds.
     *
     * @param maxStored      most violations
     * @param maxStoredBytes most estimated bytes of violations
     * @param maxRemembered  most attempts (and fingerprints) one violation remembers
     * @param memoryBytes    most estimated bytes of all violations' replay memories together
     */
    public record Limits(int maxStored, long maxStoredBytes, int maxRemembered, long memoryBytes) {

        /** Entry bounds with the default byte bounds. */
        public static Limits of(int maxStored, int maxRemembered) {
            return new Limits(maxStored, 256L * 1024 * 1024, maxRemembered, 64L * 1024 * 1024);
        }

        static Limits of(ViolationConfig config) {
            return new Limits(config.maxStored(), config.maxStoredBytes(), config.maxRemembered(),
                    config.memoryBytes());
        }
    }

    private final Limits limits;
    private final Counter evicted;
    private final Counter evictedByCount;
    private final Counter evictedByBytes;
    private final Counter forgotten;
    private final AtomicLong violationBytes = new AtomicLong();
    private final AtomicLong memoryBytes = new AtomicLong();
    private final AtomicBoolean trimming = new AtomicBoolean();
    private volatile long nextTrimAt;
    private final ConcurrentHashMap<String, Aggregate> byId = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<ViolationOrder, Violation> byTime = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<String, ConcurrentSkipListMap<ViolationOrder, Violation>> byTenant =
            new ConcurrentHashMap<>();

    @Inject
    public ViolationStore(ViolationConfig config, MeterRegistry registry) {
        this(Limits.of(config), registry);
    }

    /** A store with the default byte bounds and meters of its own (tools, tests). */
    public ViolationStore(int maxStored, int maxRemembered) {
        this(Limits.of(maxStored, maxRemembered), new SimpleMeterRegistry());
    }

    public ViolationStore(Limits limits, MeterRegistry registry) {
        if (limits.maxStored() < 1 || limits.maxStoredBytes() < 1 || limits.maxRemembered() < 1
                || limits.memoryBytes() < 1) {
            throw new IllegalArgumentException("violation store bounds must be positive: " + limits);
        }
        this.limits = limits;
        this.evicted = Counter.builder(EVICTED)
                .description("Violations evicted from the in-memory store past flowwatch.violations.max-stored "
                        + "or flowwatch.violations.max-stored-bytes")
                .register(registry);
        this.evictedByCount = evictions(registry, "max-stored");
        this.evictedByBytes = evictions(registry, "max-stored-bytes");
        this.forgotten = evictions(registry, "memory-bytes");
        this.nextTrimAt = limits.memoryBytes();
        Gauge.builder(BYTES_METER, violationBytes, AtomicLong::get).tag(PART_TAG, "violations").baseUnit("bytes")
                .description("Estimated heap bytes of the stored violations and their indexes")
                .register(registry);
        Gauge.builder(BYTES_METER, memoryBytes, AtomicLong::get).tag(PART_TAG, "attempts").baseUnit("bytes")
                .description("Estimated heap bytes of the violations' remembered attempts and record fingerprints")
                .register(registry);
    }

    private static Counter evictions(MeterRegistry registry, String reason) {
        return Counter.builder(EVICTIONS_METER).tag(REASON_TAG, reason)
                .description("Violations (max-stored, max-stored-bytes) or remembered attempts and fingerprints "
                        + "(memory-bytes) removed to keep the store within its bounds")
                .register(registry);
    }

    /** Merges one report that came from no Kafka record (tools, tests); see {@link Merge}. */
    public Merge merge(Draft draft) {
        return merge(draft, null, 0);
    }

    /**
     * Merges one report; see {@link Merge}. A report from an input partition at or before the last position merged
     * from that partition is a redelivery (after a restart or a rebalance) and changes nothing, as does a raw record
     * merged before (same fingerprint).
     *
     * @param partition the input topic-partition of the record ({@code topic:partition}), or null
     * @param position  the record's offset × 2^16 + the ordinal of this document in the record
     */
    public Merge merge(Draft draft, String partition, long position) {
        Merge[] result = new Merge[1];
        byId.compute(draft.template().id(), (id, agg) -> {
            if (agg == null) {
                agg = new Aggregate(limits.maxRemembered());
                agg.memory.remember(draft.fingerprint());
                agg.memory.attemptDelta(draft.attemptKey(), draft.connections(), partition);
                agg.memory.contributed(partition, position, draft.connections(), 1);
                Violation v = draft.template().withCounters(draft.time(), draft.time(), draft.connections(), 1,
                        draft.template().evidence());
                agg.violation = v;
                index(agg, null, v);
                remembered(agg);
                result[0] = new Merge(v, true, draft.connections(), false);
                return agg;
            }
            Violation old = agg.violation;
            if (agg.memory.applied(partition, position) || agg.memory.seen(draft.fingerprint())) {
                result[0] = new Merge(old, false, 0, true);
                return agg;
            }
            agg.memory.remember(draft.fingerprint());
            long delta = agg.memory.attemptDelta(draft.attemptKey(), draft.connections(), partition);
            agg.memory.contributed(partition, position, delta, 1);
            Instant first = draft.time().isBefore(old.firstSeen()) ? draft.time() : old.firstSeen();
            Instant last = draft.time().isAfter(old.lastSeen()) ? draft.time() : old.lastSeen();
            Violation v = old.withCounters(first, last, old.count() + delta, old.observations() + 1,
                    withReporter(old.evidence(), draft.reporter()));
            agg.violation = v;
            index(agg, old, v);
            remembered(agg);
            result[0] = new Merge(v, false, delta, false);
            return agg;
        });
        enforceBounds();
        return result[0];
    }

    /**
     * Runs {@code action} with the violation and its encoded replay memory (the most recent
     * {@code persistLimit} attempts and fingerprints) while no report can change it, so that what is written to
     * the violations topic is in the order of the changes. Returns null when the violation is not stored.
     */
    public <T> T withDurableForm(String id, int persistLimit, BiFunction<Violation, byte[], T> action) {
        Object[] out = new Object[1];
        byId.computeIfPresent(id, (k, agg) -> {
            out[0] = action.apply(agg.violation, agg.memory.encode(persistLimit));
            return agg;
        });
        @SuppressWarnings("unchecked")
        T t = (T) out[0];
        return t;
    }

    /**
     * Takes in a violation read from the violations topic (a rebuild on start, or another instance's write):
     * per input partition, the more advanced contribution wins, and an attempt two instances both counted (its
     * reports on partitions each of them owns) counts once, so writes of several instances, read in any order, add up
     * to the same counts. Without replay memory (audit detections) the record replaces the stored one.
     *
     * @return true when the store changed
     */
    public boolean restore(Violation remote, byte[] replayMemory) {
        boolean[] changed = new boolean[1];
        int[] settled = new int[1];
        ReplayMemory memory = replayMemory == null ? null : ReplayMemory.decode(replayMemory, limits.maxRemembered());
        byId.compute(remote.id(), (id, agg) -> {
            if (agg == null) {
                agg = new Aggregate(limits.maxRemembered());
                if (memory != null) {
                    agg.memory.absorb(memory);
                }
                agg.violation = remote;
                index(agg, null, remote);
                remembered(agg);
                changed[0] = true;
                return agg;
            }
            Violation old = agg.violation;
            if (memory == null) {
                if (!old.equals(remote)) {
                    agg.violation = remote;
                    index(agg, old, remote);
                    changed[0] = true;
                }
                return agg;
            }
            ReplayMemory.Absorbed absorbed = agg.memory.absorb(memory);
            remembered(agg);
            settled[0] = absorbed.settled();
            if (!absorbed.changed()) {
                return agg;
            }
            Violation base = old.evidence() != null && old.evidence().audit() == null && remote.evidence() != null
                    && remote.evidence().audit() != null ? remote : old;
            Instant first = remote.firstSeen().isBefore(old.firstSeen()) ? remote.firstSeen() : old.firstSeen();
            Instant last = remote.lastSeen().isAfter(old.lastSeen()) ? remote.lastSeen() : old.lastSeen();
            Violation.Evidence evidence = base.evidence();
            if (remote.evidence() != null && evidence != null) {
                for (String reporter : remote.evidence().reporters()) {
                    evidence = withReporter(evidence, reporter);
                }
            }
            Violation v = base.withCounters(first, last, old.count() + absorbed.count() - absorbed.retracted(),
                    old.observations() + absorbed.observations(), evidence);
            agg.violation = v;
            index(agg, old, v);
            changed[0] = true;
            return agg;
        });
        if (settled[0] > 0) {
            // rare (two instances merged one attempt's reports at once); shows the race is seen and settled
            LOGGER.infof("violation %s: %d connection attempt(s) counted by two instances now count once", remote.id(),
                    settled[0]);
        }
        enforceBounds();
        return changed[0];
    }

    /** Removes a violation (a tombstone on the violations topic). */
    public void remove(String id) {
        byId.computeIfPresent(id, (k, agg) -> {
            dropped(agg);
            return null;
        });
    }

    /** Stores a finished violation as it is (audit detections, rebuilds), replacing one with the same id. */
    public void put(Violation v) {
        byId.compute(v.id(), (id, agg) -> {
            Aggregate a = agg == null ? new Aggregate(limits.maxRemembered()) : agg;
            Violation old = a.violation;
            a.violation = v;
            index(a, old, v);
            return a;
        });
        enforceBounds();
    }

    /** Atomically rewrites a stored violation (e.g. to add evidence); returns the result, or null when absent. */
    public Violation update(String id, java.util.function.UnaryOperator<Violation> change) {
        Aggregate a = byId.computeIfPresent(id, (k, agg) -> {
            Violation old = agg.violation;
            agg.violation = change.apply(old);
            index(agg, old, agg.violation);
            return agg;
        });
        return a == null ? null : a.violation;
    }

    /** The violation with this id, or null. */
    public Violation get(String id) {
        Aggregate a = byId.get(id);
        return a == null ? null : a.violation;
    }

    /** How many violations are stored. */
    public int size() {
        return byId.size();
    }

    /** A page of violations matching the filter, newest first, after the cursor position (exclusive). */
    public ViolationPage query(ViolationFilter filter, int limit, ViolationOrder after) {
        NavigableMap<ViolationOrder, Violation> source = byTime;
        if (filter.tenant() != null) {
            source = byTenant.get(filter.tenant());
            if (source == null) {
                return new ViolationPage(List.of(), null);
            }
        }
        if (after != null) {
            source = source.tailMap(after, false);
        }
        List<Violation> items = new ArrayList<>(Math.min(limit, 128));
        String next = null;
        for (Violation v : source.values()) {
            if (!filter.matches(v)) {
                continue;
            }
            if (items.size() == limit) {
                next = ViolationOrder.of(items.get(items.size() - 1)).toCursor();
                break;
            }
            items.add(v);
        }
        return new ViolationPage(items, next);
    }

    private static Violation.Evidence withReporter(Violation.Evidence e, String reporter) {
        if (e == null || reporter == null || e.reporters().contains(reporter) || e.reporters().size() >= MAX_REPORTERS) {
            return e;
        }
        List<String> reporters = new ArrayList<>(e.reporters());
        reporters.add(reporter);
        return new Violation.Evidence(e.verdictDetail(), e.cniPolicies(), reporters, e.policyReason(), e.audit());
    }

    /** Indexes {@code v} in place of {@code old} (null: none) and accounts for its size. Inside its compute. */
    private void index(Aggregate agg, Violation old, Violation v) {
        if (old != null) {
            unindex(old);
        }
        ViolationOrder n = ViolationOrder.of(v);
        byTime.put(n, v);
        for (String t : tenantsOf(v)) {
            byTenant.compute(t, (k, m) -> {
                ConcurrentSkipListMap<ViolationOrder, Violation> tenant = m == null ? new ConcurrentSkipListMap<>() : m;
                tenant.put(n, v);
                return tenant;
            });
        }
        long bytes = ViolationSizes.bytes(v);
        violationBytes.addAndGet(bytes - agg.violationBytes);
        agg.violationBytes = bytes;
    }

    /** Accounts for a change of the aggregate's replay memory. Inside its compute. */
    private void remembered(Aggregate agg) {
        long bytes = agg.memory.bytes();
        memoryBytes.addAndGet(bytes - agg.memoryBytes);
        agg.memoryBytes = bytes;
    }

    /** Unindexes a violation leaving the store and takes its sizes off the totals. Inside its compute. */
    private void dropped(Aggregate agg) {
        unindex(agg.violation);
        violationBytes.addAndGet(-agg.violationBytes);
        memoryBytes.addAndGet(-agg.memoryBytes);
    }

    private void unindex(Violation v) {
        ViolationOrder o = ViolationOrder.of(v);
        byTime.remove(o);
        for (String t : tenantsOf(v)) {
            // a tenant's index goes when it empties: tenants named by records cannot pile up empty maps
            byTenant.computeIfPresent(t, (k, m) -> {
                m.remove(o);
                return m.isEmpty() ? null : m;
            });
        }
    }

    private static Set<String> tenantsOf(Violation v) {
        Set<String> tenants = new HashSet<>(4);
        addIfSet(tenants, v.tenant());
        addIfSet(tenants, v.peerTenant());
        addIfSet(tenants, v.source().tenant());
        addIfSet(tenants, v.destination().tenant());
        return tenants;
    }

    private static void addIfSet(Set<String> set, String value) {
        if (value != null) {
            set.add(value);
        }
    }

    private void enforceBounds() {
        evictOverflow();
        trimMemory();
    }

    private void evictOverflow() {
        while (byId.size() > limits.maxStored() || violationBytes.get() > limits.maxStoredBytes()) {
            Map.Entry<ViolationOrder, Violation> oldest = byTime.lastEntry();
            if (oldest == null) {
                return;
            }
            Counter reason = byId.size() > limits.maxStored() ? evictedByCount : evictedByBytes;
            byId.computeIfPresent(oldest.getKey().id(), (id, agg) -> {
                if (agg.violation.lastSeen().equals(oldest.getKey().lastSeen())) {
                    dropped(agg);
                    evicted.increment();
                    reason.increment();
                    return null;
                }
                return agg;
            });
            // a stale index entry (its violation was updated or removed meanwhile) goes too
            byTime.remove(oldest.getKey(), oldest.getValue());
        }
    }

    /**
     * Past the memory budget (and a quarter of it past the last trim), trims every violation's replay memory to an
     * equal share of three quarters of the budget; one thread at a time, the others go on.
     */
    private void trimMemory() {
        long held = memoryBytes.get();
        if (held <= Math.max(limits.memoryBytes(), nextTrimAt) || !trimming.compareAndSet(false, true)) {
            return;
        }
        try {
            long share = limits.memoryBytes() / 4 * 3 / Math.max(1, byId.size());
            int entries = (int) Math.min(limits.maxRemembered(),
                    Math.max(1, share / (ReplayMemory.ATTEMPT_BYTES + ReplayMemory.FINGERPRINT_BYTES)));
            long[] removed = new long[1];
            for (String id : byId.keySet()) {
                byId.computeIfPresent(id, (k, agg) -> {
                    int n = agg.memory.trimTo(entries);
                    if (n > 0) {
                        removed[0] += n;
                        remembered(agg);
                    }
                    return agg;
                });
            }
            forgotten.increment(removed[0]);
            nextTrimAt = memoryBytes.get() + limits.memoryBytes() / 4;
            LOGGER.debugf("Replay memories trimmed to %d entries each: %d forgotten, %d bytes left", entries,
                    removed[0], memoryBytes.get());
        } finally {
            trimming.set(false);
        }
    }

    /** Estimated heap bytes of the stored violations (and their indexes). */
    public long violationBytes() {
        return violationBytes.get();
    }

    /** Estimated heap bytes of the violations' replay memories. */
    public long memoryBytes() {
        return memoryBytes.get();
    }

    /** Per-violation merge state; mutated only inside {@code byId.compute} for its id. */
    private static final class Aggregate {
        private Violation violation;
        private final ReplayMemory memory;
        private long violationBytes;
        private long memoryBytes;

        private Aggregate(int capacity) {
            this.memory = new ReplayMemory(capacity);
        }
    }
}
