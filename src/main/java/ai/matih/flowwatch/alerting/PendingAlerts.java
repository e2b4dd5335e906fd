package ai.matih.flowwatch.alerting;

import ai.matih.flowwatch.isolation.PolicyGaps;
import ai.matih.flowwatch.violation.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The alerts flowwatch holds, one per violation id, updated in place: a violation changed a thousand times a second
 * is still one alert with a new version. Bounded by a capacity; a violation that would need an entry beyond it is
 * dropped and counted. {@link #offer} is safe from any thread and never waits for I/O.
 */
final class PendingAlerts {

    /**
     * An alert's current state.
     *
     * @param violation    the violation as last reported
     * @param lastActivity the later of its {@code lastSeen} and the time the last update arrived
     * @param version      incremented on every update, so that a sender can tell what it has delivered
     */
    record Pending(Violation violation, Instant lastActivity, long version) {

        String id() {
            return violation.id();
        }

        /** When the alert resolves unless updated: last activity plus the quiet period. */
        Instant endsAt(Duration quietPeriod) {
            return lastActivity.plus(quietPeriod);
        }

        /**
         * When the alert resolves as of {@code now}: a policy gap still open never goes quiet (one quiet period
         * ahead of each delivery); a resolved one ends when it was resolved; any other violation, as above.
         */
        Instant endsAt(Duration quietPeriod, Instant now) {
            if (PolicyGaps.isOpen(violation)) {
                return now.plus(quietPeriod);
            }
            if (PolicyGaps.isResolved(violation) && violation.lastSeen() != null) {
                return violation.lastSeen();
            }
            return endsAt(quietPeriod);
        }

        /** True once the quiet period has passed without update (a policy gap: once it is resolved). */
        boolean resolved(Instant now, Duration quietPeriod) {
            return !endsAt(quietPeriod, now).isAfter(now);
        }
    }

    private final int capacity;
    private final ConcurrentHashMap<String, Pending> alerts = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    PendingAlerts(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("alert queue capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Records a new or changed violation.
     *
     * @param violation the violation as it now is
     * @param now       the time the update arrived
     * @return false when it was dropped: it needed a new entry and the capacity is reached
     */
    boolean offer(Violation violation, Instant now) {
        Instant activity =
                violation.lastSeen() != null && violation.lastSeen().isAfter(now) ? violation.lastSeen() : now;
        boolean[] accepted = {true};
        alerts.compute(violation.id(), (id, old) -> {
            if (old != null) {
                Instant last = old.lastActivity().isAfter(activity) ? old.lastActivity() : activity;
                return new Pending(violation, last, old.version() + 1);
            }
            if (size.get() >= capacity) {
                accepted[0] = false;
                return null;
            }
            size.incrementAndGet();
            return new Pending(violation, activity, 1);
        });
        if (!accepted[0]) {
            dropped.incrementAndGet();
        }
        return accepted[0];
    }

    /** A snapshot of every alert held. */
    List<Pending> snapshot() {
        return new ArrayList<>(alerts.values());
    }

    /** Forgets an alert, unless it changed since {@code version}. */
    boolean forget(String id, long version) {
        boolean[] removed = {false};
        alerts.computeIfPresent(id, (k, p) -> {
            if (p.version() == version) {
                removed[0] = true;
                size.decrementAndGet();
                return null;
            }
            return p;
        });
        return removed[0];
    }

    /** The current state of one alert, or null. */
    Pending get(String id) {
        return alerts.get(id);
    }

    /** Alerts held. */
    int size() {
        return size.get();
    }

    /** Violations dropped for want of capacity, since the start. */
    long dropped() {
        return dropped.get();
    }

    /** The ids held (for tests and diagnostics). */
    Collection<String> ids() {
        return List.copyOf(alerts.keySet());
    }
}
