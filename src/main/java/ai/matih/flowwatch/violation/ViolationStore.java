package ai.matih.flowwatch.violation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
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
 * path; a violation's estimate is walked again only when its texts change, not for new counters. Past the memory
 * budget, every violation's memory is trimmed to an equal share of three quarters of the budget, a bounded slice of
 * violations per merge (one thread at a time), so the next trim is a quarter of the budget away.
 *
 * <p>A merge of a known violation locks only that violation ({@code byId}); the time and tenant indexes it updates are
 * concurrent maps changed without a lock (see {@link #index} for why a tenant's index is there to change).
 */
@ApplicationScoped
public class ViolationStore {

    /** Kafka header of a violations-topic record that carries the violation's replay memory. */
    public static final String REPLAY_HEADER = "flowwatch-replay";

    /**
     * Kafka header of a violations-topic record naming the store that wrote it ({@link #writerId()}): a store skips
     * its own writes when it reads the topic back, since they hold nothing it does not hold already.
     */
    public static final String WRITER_HEADER = "flowwatch-writer";

    /** This store's id, new for every process (and every store): written with each record it journals. */
    private final byte[] writerId = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);

    private static final Logger LOGGER = Logger.getLogger(ViolationStore.class);
    private static final int MAX_REPORTERS = 8;
    private static final int TENANT_FIELDS = 4;
    /** Violations whose replay memories one merge trims while a trim is under way: a bounded pause per merge. */
    static final int TRIM_SLICE = 256;
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
            return new Limits(
                    config.maxStored(), config.maxStoredBytes(), config.maxRemembered(), config.memoryBytes());
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
    /** The violations a trim under way has yet to visit, or null; with the two below, used holding {@link #trimming}. */
    private volatile Iterator<String> sweep;

    private int sweepEntries;
    private long sweepForgotten;
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
        if (limits.maxStored() < 1
                || limits.maxStoredBytes() < 1
                || limits.maxRemembered() < 1
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
        Gauge.builder(BYTES_METER, violationBytes, AtomicLong::get)
                .tag(PART_TAG, "violations")
                .baseUnit("bytes")
                .description("Estimated heap bytes of the stored violations and their indexes")
                .register(registry);
        Gauge.builder(BYTES_METER, memoryBytes, AtomicLong::get)
                .tag(PART_TAG, "attempts")
                .baseUnit("bytes")
                .description("Estimated heap bytes of the violations' remembered attempts and record fingerprints")
                .register(registry);
    }

    private static Counter evictions(MeterRegistry registry, String reason) {
        return Counter.builder(EVICTIONS_METER)
                .tag(REASON_TAG, reason)
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
        return merge(draft, partition, position, UnaryOperator.identity());
    }

    /**
     * Merges one report as {@link #merge(Draft, String, long)} does; a report that creates its violation has
     * {@code created} applied to the violation before it is stored, so that it is written once, whole. Applied inside
     * the violation's lock: it must return at once and keep the id, the times and the counters.
     */
    public Merge merge(Draft draft, String partition, long position, UnaryOperator<Violation> created) {
        Merge[] result = new Merge[1];
        byId.compute(draft.template().id(), (id, agg) -> {
            if (agg == null) {
                agg = new Aggregate(limits.maxRemembered());
                agg.memory.remember(draft.fingerprint());
                agg.memory.attemptDelta(draft.attemptKey(), draft.connections(), partition);
                agg.memory.contributed(partition, position, draft.connections(), 1);
                Violation v = created.apply(draft.template()
                        .withCounters(
                                draft.time(),
                                draft.time(),
                                draft.connections(),
                                1,
                                draft.template().evidence()));
                agg.violation = v;
                index(agg, null, v);
                remembered(agg);
                result[0] = new Merge(v, true, draft.connections(), false);
                return agg;
            }
            Violation old = agg.violation;
            if (agg.memory.applied(partition, position) || !agg.memory.remember(draft.fingerprint())) {
                result[0] = new Merge(old, false, 0, true);
                return agg;
            }
            long delta = agg.memory.attemptDelta(draft.attemptKey(), draft.connections(), partition);
            agg.memory.contributed(partition, position, delta, 1);
            Instant first = draft.time().isBefore(old.firstSeen()) ? draft.time() : old.firstSeen();
            Instant last = draft.time().isAfter(old.lastSeen()) ? draft.time() : old.lastSeen();
            Violation v = old.withCounters(
                    first,
                    last,
                    old.count() + delta,
                    old.observations() + 1,
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

    /** This store's id on the records it writes to the violations topic ({@link #WRITER_HEADER}). */
    public byte[] writerId() {
        return writerId.clone();
    }

    /** True when {@code id}, a record's {@link #WRITER_HEADER}, is this store's: a write of its own, read back. */
    public boolean wroteItself(byte[] id) {
        return id != null && Arrays.equals(id, writerId);
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
            Violation base = old.evidence() != null
                            && old.evidence().audit() == null
                            && remote.evidence() != null
                            && remote.evidence().audit() != null
                    ? remote
                    : old;
            Instant first = remote.firstSeen().isBefore(old.firstSeen()) ? remote.firstSeen() : old.firstSeen();
            Instant last = remote.lastSeen().isAfter(old.lastSeen()) ? remote.lastSeen() : old.lastSeen();
            Violation.Evidence evidence = base.evidence();
            if (remote.evidence() != null && evidence != null) {
                for (String reporter : remote.evidence().reporters()) {
                    evidence = withReporter(evidence, reporter);
                }
            }
            Violation v = base.withCounters(
                    first,
                    last,
                    old.count() + absorbed.count() - absorbed.retracted(),
                    old.observations() + absorbed.observations(),
                    evidence);
            agg.violation = v;
            index(agg, old, v);
            changed[0] = true;
            return agg;
        });
        if (settled[0] > 0) {
            // rare (two instances merged one attempt's reports at once); shows the race is seen and settled
            LOGGER.infof(
                    "violation %s: %d connection attempt(s) counted by two instances now count once",
                    remote.id(), settled[0]);
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

    /**
     * Stores a finished violation (an audit detection) unless one with its id is stored.
     *
     * @return true when it was stored, false when one with its id was (nothing changed)
     */
    public boolean putIfAbsent(Violation v) {
        boolean[] stored = new boolean[1];
        byId.computeIfAbsent(v.id(), id -> {
            Aggregate a = new Aggregate(limits.maxRemembered());
            a.violation = v;
            index(a, null, v);
            stored[0] = true;
            return a;
        });
        if (stored[0]) {
            enforceBounds();
        }
        return stored[0];
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

    /**
     * A page of violations matching the filter, newest first, after the cursor position (exclusive). Walks the
     * index of the filter's tenant when it has one ({@link ViolationFilter#indexTenant()}) and stops at its earliest
     * lastSeen ({@link ViolationFilter#earliest()}).
     */
    public ViolationPage query(ViolationFilter filter, int limit, ViolationOrder after) {
        NavigableMap<ViolationOrder, Violation> source = candidates(filter);
        if (source == null) {
            return new ViolationPage(List.of(), null);
        }
        if (after != null) {
            source = source.tailMap(after, false);
        }
        Instant earliest = filter.earliest();
        List<Violation> items = new ArrayList<>(Math.min(limit, 128));
        String next = null;
        for (Violation v : source.values()) {
            if (earliest != null && v.lastSeen().isBefore(earliest)) {
                break;
            }
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

    /**
     * Counts of the violations matching the filter, each counted as the filter's scope shows it; walks what
     * {@link #query} walks.
     */
    public ViolationSummary summarize(ViolationFilter filter) {
        ViolationSummary.Tally tally = new ViolationSummary.Tally();
        NavigableMap<ViolationOrder, Violation> source = candidates(filter);
        if (source == null) {
            return tally.summary();
        }
        Instant earliest = filter.earliest();
        for (Violation v : source.values()) {
            if (earliest != null && v.lastSeen().isBefore(earliest)) {
                break;
            }
            Violation shown = filter.shown(v);
            if (shown != null) {
                tally.add(shown);
            }
        }
        return tally.summary();
    }

    /** The index holding every violation the filter can match, newest first, or null when none can. */
    private NavigableMap<ViolationOrder, Violation> candidates(ViolationFilter filter) {
        String tenant = filter.indexTenant();
        return tenant == null ? byTime : byTenant.get(tenant);
    }

    private static Violation.Evidence withReporter(Violation.Evidence e, String reporter) {
        if (e == null
                || reporter == null
                || e.reporters().contains(reporter)
                || e.reporters().size() >= MAX_REPORTERS) {
            return e;
        }
        List<String> reporters = new ArrayList<>(e.reporters());
        reporters.add(reporter);
        return e.withReporters(reporters);
    }

    /**
     * Indexes {@code v} in place of {@code old} (null: none) and accounts for its size. Inside its compute.
     *
     * <p>The tenant indexes hold this invariant: while a violation is stored, every tenant index it names exists and
     * holds an entry of it. A violation's entries change only inside its own {@code byId} compute, and there the new
     * entry is put before the old one is removed, so an index never looks empty while a violation naming its tenant
     * is stored. An index is removed (when empty) and created only under {@code byTenant}'s lock for its tenant
     * ({@link ConcurrentHashMap#compute}), so a violation creating an entry cannot lose it to a removal. An update
     * naming the same tenants (every merge of a known violation) therefore finds its indexes in place and changes them
     * with a plain get, put and remove: no lock on the shared map.
     */
    private void index(Aggregate agg, Violation old, Violation v) {
        ViolationOrder n = ViolationOrder.of(v);
        ViolationOrder o = old == null ? null : ViolationOrder.of(old);
        boolean moved = o != null && !o.equals(n);
        byTime.put(n, v);
        if (moved) {
            byTime.remove(o);
        }
        if (old != null && sameTenants(old, v)) {
            for (int i = 0; i < TENANT_FIELDS; i++) {
                String t = tenant(v, i);
                ConcurrentSkipListMap<ViolationOrder, Violation> m = t == null ? null : byTenant.get(t);
                if (m != null) {
                    m.put(n, v);
                    if (moved) {
                        m.remove(o);
                    }
                } else if (t != null) {
                    addToTenant(t, n, v); // cannot happen while the invariant holds; kept safe anyway
                }
            }
        } else {
            for (int i = 0; i < TENANT_FIELDS; i++) {
                String t = tenant(v, i);
                if (t != null) {
                    addToTenant(t, n, v);
                }
            }
            if (old != null) {
                removeFromTenants(old, o, v);
            }
        }
        long bytes = old != null && agg.violationBytes > 0 && ViolationSizes.sameTexts(old, v)
                ? agg.violationBytes
                : ViolationSizes.bytes(v);
        violationBytes.addAndGet(bytes - agg.violationBytes);
        agg.violationBytes = bytes;
    }

    private void addToTenant(String tenant, ViolationOrder n, Violation v) {
        byTenant.compute(tenant, (k, m) -> {
            ConcurrentSkipListMap<ViolationOrder, Violation> index = m == null ? new ConcurrentSkipListMap<>() : m;
            index.put(n, v);
            return index;
        });
    }

    /** Accounts for a change of the aggregate's replay memory. Inside its compute. */
    private void remembered(Aggregate agg) {
        long bytes = agg.memory.bytes();
        memoryBytes.addAndGet(bytes - agg.memoryBytes);
        agg.memoryBytes = bytes;
    }

    /** Unindexes a violation leaving the store and takes its sizes off the totals. Inside its compute. */
    private void dropped(Aggregate agg) {
        ViolationOrder o = ViolationOrder.of(agg.violation);
        byTime.remove(o);
        removeFromTenants(agg.violation, o, null);
        violationBytes.addAndGet(-agg.violationBytes);
        memoryBytes.addAndGet(-agg.memoryBytes);
    }

    /**
     * Removes {@code v}'s entry {@code o} from its tenants' indexes, except where {@code replacement} (null: none),
     * indexed under the same position, took its place; an index goes when it empties, so tenants named by records
     * cannot pile up empty maps.
     */
    private void removeFromTenants(Violation v, ViolationOrder o, Violation replacement) {
        boolean samePosition = replacement != null && o.equals(ViolationOrder.of(replacement));
        for (int i = 0; i < TENANT_FIELDS; i++) {
            String t = tenant(v, i);
            if (t != null && !(samePosition && names(replacement, t))) {
                byTenant.computeIfPresent(t, (k, m) -> {
                    m.remove(o);
                    return m.isEmpty() ? null : m;
                });
            }
        }
    }

    private static boolean names(Violation v, String tenant) {
        for (int i = 0; i < TENANT_FIELDS; i++) {
            if (tenant.equals(tenantField(v, i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The {@code i}th distinct tenant {@code v} names (its tenant, peer tenant, source's and destination's), or null
     * when that field is unset or names a tenant an earlier one did; no allocation.
     */
    private static String tenant(Violation v, int i) {
        String t = tenantField(v, i);
        if (t == null) {
            return null;
        }
        for (int j = 0; j < i; j++) {
            if (t.equals(tenantField(v, j))) {
                return null;
            }
        }
        return t;
    }

    private static String tenantField(Violation v, int i) {
        return switch (i) {
            case 0 -> v.tenant();
            case 1 -> v.peerTenant();
            case 2 -> v.source() == null ? null : v.source().tenant();
            default -> v.destination() == null ? null : v.destination().tenant();
        };
    }

    private static boolean sameTenants(Violation a, Violation b) {
        for (int i = 0; i < TENANT_FIELDS; i++) {
            if (!Objects.equals(tenantField(a, i), tenantField(b, i))) {
                return false;
            }
        }
        return true;
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
     * equal share of three quarters of the budget. The trim is spread over the merges that follow: each takes the next
     * {@value #TRIM_SLICE} violations (one at a time, under that violation's lock, so the byte totals stay exact), so
     * no merge pauses for a walk over the whole store; while it runs the memories grow by at most what those merges
     * add. One thread at a time trims; the others go on.
     */
    private void trimMemory() {
        if (sweep == null && memoryBytes.get() <= Math.max(limits.memoryBytes(), nextTrimAt)) {
            return;
        }
        if (!trimming.compareAndSet(false, true)) {
            return;
        }
        try {
            if (sweep == null) {
                if (memoryBytes.get() <= Math.max(limits.memoryBytes(), nextTrimAt)) {
                    return;
                }
                long share = limits.memoryBytes() / 4 * 3 / Math.max(1, byId.size());
                sweepEntries = (int) Math.min(
                        limits.maxRemembered(),
                        Math.max(1, share / (ReplayMemory.ATTEMPT_BYTES + ReplayMemory.FINGERPRINT_BYTES)));
                sweepForgotten = 0;
                sweep = byId.keySet().iterator();
            }
            trimSlice();
        } finally {
            trimming.set(false);
        }
    }

    /** Trims the next slice of the sweep; ends the sweep when no violation is left. Holding {@link #trimming}. */
    private void trimSlice() {
        int entries = sweepEntries;
        long removed = 0;
        for (int i = 0; i < TRIM_SLICE && sweep.hasNext(); i++) {
            Aggregate trimmed = byId.computeIfPresent(sweep.next(), (k, agg) -> {
                agg.trimmed = agg.memory.trimTo(entries);
                if (agg.trimmed > 0) {
                    remembered(agg);
                }
                return agg;
            });
            if (trimmed != null) {
                removed += trimmed.trimmed;
            }
        }
        forgotten.increment(removed);
        sweepForgotten += removed;
        if (!sweep.hasNext()) {
            sweep = null;
            nextTrimAt = memoryBytes.get() + limits.memoryBytes() / 4;
            LOGGER.debugf(
                    "Replay memories trimmed to %d entries each: %d forgotten, %d bytes left",
                    entries, sweepForgotten, memoryBytes.get());
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
        /** Entries the last trim of this memory forgot; read by the trimming thread right after its compute. */
        private int trimmed;

        private Aggregate(int capacity) {
            this.memory = new ReplayMemory(capacity);
        }
    }
}
