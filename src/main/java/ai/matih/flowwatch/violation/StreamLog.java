package ai.matih.flowwatch.violation;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest change of each recently changed violation, in the order of the changes, with its sequence number: what
 * a resuming event stream sends again. A violation changed again moves to the end, so the log holds one entry per
 * violation and is ordered by sequence; beyond {@code capacity} violations the oldest entry goes, and a resume from
 * before it is told that changes may be missing. Not thread-safe: {@link ViolationStream} uses it under its lock.
 */
final class StreamLog {

    /** One logged change. */
    record Entry(long sequence, Violation violation) {}

    /**
     * The changes after a position.
     *
     * @param entries the changes, oldest first
     * @param gap     true when a change after the position is no longer held
     */
    record Tail(List<Entry> entries, boolean gap) {}

    private final int capacity;
    private final LinkedHashMap<String, Entry> byId = new LinkedHashMap<>();
    private long last;
    /** The highest sequence dropped for capacity: a resume from before it has missed that change. */
    private long dropped;

    StreamLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a stream log holds at least one change");
        }
        this.capacity = capacity;
    }

    /** Logs a change; returns its sequence number (1, 2, ...). */
    long append(Violation violation) {
        long sequence = ++last;
        byId.remove(violation.id());
        byId.put(violation.id(), new Entry(sequence, violation));
        if (byId.size() > capacity) {
            Iterator<Entry> oldest = byId.values().iterator();
            dropped = oldest.next().sequence();
            oldest.remove();
        }
        return sequence;
    }

    /** The sequence number of the last change, 0 before the first. */
    long last() {
        return last;
    }

    /** The held changes after {@code sequence} (0: all held), oldest first. */
    Tail after(long sequence) {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Entry> e : byId.entrySet()) {
            if (e.getValue().sequence() > sequence) {
                entries.add(e.getValue());
            }
        }
        return new Tail(entries, dropped > sequence);
    }
}
