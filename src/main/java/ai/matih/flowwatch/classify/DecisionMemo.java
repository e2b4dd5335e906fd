package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.policy.PolicyDecision;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The policy decisions of one compiled snapshot, keyed by the connection or its {@link ConnectionDigest.Key} (see
 * {@link MemoKeys}) and bounded by an estimate of the heap they hold (key, map entry and the decision with its texts). Lock-free: past the budget the whole memo is
 * replaced by an empty one (the decisions are recomputed on demand), which is cheaper on the hot path than keeping
 * an eviction order. A decision larger than a sixteenth of the budget is not kept at all.
 */
final class DecisionMemo {

    /** A map entry's own heap: the node and its share of the table. */
    static final int ENTRY_BYTES = 48;

    private static final int OBJECT_BYTES = 24;
    private static final int LIST_BYTES = 40;
    private static final int STRING_BYTES = 40;

    private record Generation(ConcurrentHashMap<Object, PolicyDecision> decisions, AtomicLong bytes) {
        Generation() {
            this(new ConcurrentHashMap<>(), new AtomicLong());
        }
    }

    private final long budget;
    private final Runnable cleared;
    private final AtomicReference<Generation> current = new AtomicReference<>(new Generation());

    /**
     * @param budget  the most estimated bytes kept
     * @param cleared called once each time the memo is emptied for being full
     */
    DecisionMemo(long budget, Runnable cleared) {
        this.budget = budget;
        this.cleared = cleared;
    }

    /** The memoised decision, or null. */
    PolicyDecision get(Object key) {
        return current.get().decisions().get(key);
    }

    /**
     * Remembers a decision, emptying the memo first when it would exceed its budget.
     *
     * @param keyBytes the estimated heap the key holds
     */
    void put(Object key, long keyBytes, PolicyDecision decision) {
        long size = keyBytes + ENTRY_BYTES + estimate(decision);
        if (size > budget / 16) {
            return;
        }
        Generation g = current.get();
        if (g.bytes().addAndGet(size) > budget) {
            Generation fresh = new Generation();
            fresh.decisions().put(key, decision);
            fresh.bytes().set(size);
            if (current.compareAndSet(g, fresh)) {
                cleared.run();
            }
            return;
        }
        if (g.decisions().putIfAbsent(key, decision) != null) {
            g.bytes().addAndGet(-size);
        }
    }

    /** Estimated heap bytes held now. */
    long bytes() {
        return current.get().bytes().get();
    }

    /** Decisions held now. */
    int size() {
        return current.get().decisions().size();
    }

    /** An upper estimate of a decision's heap bytes: the record, its list and every text (two bytes a char). */
    static long estimate(PolicyDecision decision) {
        long bytes = OBJECT_BYTES + text(decision.reason());
        List<String> by = decision.decidedBy();
        bytes += LIST_BYTES + 4L * by.size();
        for (String s : by) {
            bytes += text(s);
        }
        return bytes;
    }

    private static long text(String s) {
        return s == null ? 0 : STRING_BYTES + 2L * s.length();
    }
}
