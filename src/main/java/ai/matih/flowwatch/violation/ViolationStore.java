package ai.matih.flowwatch.violation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * The bounded in-memory store of violations, newest first, indexed by time and tenant. Reports are merged
 * per violation id atomically; a replayed record changes nothing; the oldest violations are evicted past
 * {@code flowwatch.violations.max-stored}.
 */
@ApplicationScoped
public class ViolationStore {

    /** Kafka header of a violations-topic record that carries the violation's replay memory. */
    public static final String REPLAY_HEADER = "flowwatch-replay";

    private static final Logger LOGGER = Logger.getLogger(ViolationStore.class);
    private static final int MAX_REPORTERS = 8;
    /** Violations evicted past {@code flowwatch.violations.max-stored}. */
    public static final String EVICTED = "flowwatch.violations.evicted";

    private final int maxStored;
    private final int maxRemembered;
    private final Runnable evicted;
    private final ConcurrentHashMap<String, Aggregate> byId = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<ViolationOrder, Violation> byTime = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<String, ConcurrentSkipListMap<ViolationOrder, Violation>> byTenant =
            new ConcurrentHashMap<>();

    @Inject
    public ViolationStore(ViolationConfig config, MeterRegistry registry) {
        this(config.maxStored(), config.maxRemembered(), Counter.builder(EVICTED)
                .description("Violations evicted from the in-memory store past flowwatch.violations.max-stored")
                .register(registry)::increment);
    }

    public ViolationStore(int maxStored, int maxRemembered) {
        this(maxStored, maxRemembered, () -> { });
    }

    /** A store that calls {@code evicted} once per violation evicted. */
    public ViolationStore(int maxStored, int maxRemembered, Runnable evicted) {
        this.maxStored = maxStored;
        this.maxRemembered = maxRemembered;
        this.evicted = evicted;
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
                agg = new Aggregate(maxRemembered);
                agg.memory.remember(draft.fingerprint());
                agg.memory.attemptDelta(draft.attemptKey(), draft.connections(), partition);
                agg.memory.contributed(partition, position, draft.connections(), 1);
                Violation v = draft.template().withCounters(draft.time(), draft.time(), draft.connections(), 1,
                        draft.template().evidence());
                agg.violation = v;
                index(null, v);
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
            index(old, v);
            result[0] = new Merge(v, false, delta, false);
            return agg;
        });
        evictOverflow();
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
        ReplayMemory memory = replayMemory == null ? null : ReplayMemory.decode(replayMemory, maxRemembered);
        byId.compute(remote.id(), (id, agg) -> {
            if (agg == null) {
                agg = new Aggregate(maxRemembered);
                if (memory != null) {
                    agg.memory.absorb(memory);
                }
                agg.violation = remote;
                index(null, remote);
                changed[0] = true;
                return agg;
            }
            Violation old = agg.violation;
            if (memory == null) {
                if (!old.equals(remote)) {
                    agg.violation = remote;
                    index(old, remote);
                    changed[0] = true;
                }
                return agg;
            }
            ReplayMemory.Absorbed absorbed = agg.memory.absorb(memory);
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
            index(old, v);
            changed[0] = true;
            return agg;
        });
        if (settled[0] > 0) {
            // rare (two instances merged one attempt's reports at once); shows the race is seen and settled
            LOGGER.infof("violation %s: %d connection attempt(s) counted by two instances now count once", remote.id(),
                    settled[0]);
        }
        evictOverflow();
        return changed[0];
    }

    /** Removes a violation (a tombstone on the violations topic). */
    public void remove(String id) {
        byId.computeIfPresent(id, (k, agg) -> {
            unindex(agg.violation);
            return null;
        });
    }

    /** Stores a finished violation as it is (audit detections, rebuilds), replacing one with the same id. */
    public void put(Violation v) {
        byId.compute(v.id(), (id, agg) -> {
            Aggregate a = agg == null ? new Aggregate(maxRemembered) : agg;
            Violation old = a.violation;
            a.violation = v;
            index(old, v);
            return a;
        });
        evictOverflow();
    }

    /** Atomically rewrites a stored violation (e.g. to add evidence); returns the result, or null when absent. */
    public Violation update(String id, java.util.function.UnaryOperator<Violation> change) {
        Aggregate a = byId.computeIfPresent(id, (k, agg) -> {
            Violation old = agg.violation;
            agg.violation = change.apply(old);
            index(old, agg.violation);
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

    private void index(Violation old, Violation v) {
        if (old != null) {
            unindex(old);
        }
        ViolationOrder n = ViolationOrder.of(v);
        byTime.put(n, v);
        for (String t : tenantsOf(v)) {
            byTenant.computeIfAbsent(t, k -> new ConcurrentSkipListMap<>()).put(n, v);
        }
    }

    private void unindex(Violation v) {
        ViolationOrder o = ViolationOrder.of(v);
        byTime.remove(o);
        for (String t : tenantsOf(v)) {
            ConcurrentSkipListMap<ViolationOrder, Violation> m = byTenant.get(t);
            if (m != null) {
                m.remove(o);
            }
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

    private void evictOverflow() {
        while (byId.size() > maxStored) {
            Map.Entry<ViolationOrder, Violation> oldest = byTime.lastEntry();
            if (oldest == null) {
                return;
            }
            byId.computeIfPresent(oldest.getKey().id(), (id, agg) -> {
                if (agg.violation.lastSeen().equals(oldest.getKey().lastSeen())) {
                    unindex(agg.violation);
                    evicted.run();
                    return null;
                }
                return agg;
            });
            // a stale index entry (its violation was updated or removed meanwhile) goes too
            byTime.remove(oldest.getKey(), oldest.getValue());
        }
    }

    /** Per-violation merge state; mutated only inside {@code byId.compute} for its id. */
    private static final class Aggregate {
        private Violation violation;
        private final ReplayMemory memory;

        private Aggregate(int capacity) {
            this.memory = new ReplayMemory(capacity);
        }
    }
}
