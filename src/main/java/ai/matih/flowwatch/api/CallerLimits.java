package ai.matih.flowwatch.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts what callers hold at once (running evaluations, open streams) against a global and a per-caller maximum.
 * A caller over either gets a 429 problem with {@code Retry-After}. The per-caller counts live only while held, so
 * the map never holds more entries than the global maximum. Lock-free.
 */
public final class CallerLimits {

    private final String what;
    private final int global;
    private final int perCaller;
    private final int retryAfterSeconds;
    private final AtomicInteger held = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> byCaller = new ConcurrentHashMap<>();

    /**
     * @param what              what is counted, for the problem's detail ("evaluations running")
     * @param global            the most held over all callers
     * @param perCaller         the most held by one caller
     * @param retryAfterSeconds the {@code Retry-After} of the 429
     */
    public CallerLimits(String what, int global, int perCaller, int retryAfterSeconds) {
        if (global < 1 || perCaller < 1) {
            throw new IllegalArgumentException(what + ": limits must be at least 1");
        }
        this.what = what;
        this.global = global;
        this.perCaller = perCaller;
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /**
     * One more for this caller, or a 429 problem when the caller or everyone together already holds the maximum.
     *
     * @param caller a key naming the caller (one per tenant, one per admin)
     * @throws ProblemException 429 with {@code Retry-After}
     */
    public Permit acquire(String caller) {
        if (held.incrementAndGet() > global) {
            held.decrementAndGet();
            throw tooMany("the service already has " + global + " " + what + "; retry later");
        }
        boolean[] refused = {false};
        byCaller.compute(caller, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= perCaller) {
                refused[0] = true;
                return n;
            }
            return now + 1;
        });
        if (refused[0]) {
            held.decrementAndGet();
            throw tooMany("you already have " + perCaller + " " + what + "; retry when one has ended");
        }
        return new Permit(caller);
    }

    /** Held over all callers now. */
    public int held() {
        return held.get();
    }

    /** Held by this caller now. */
    public int held(String caller) {
        return byCaller.getOrDefault(caller, 0);
    }

    private void release(String caller) {
        byCaller.computeIfPresent(caller, (k, n) -> n <= 1 ? null : n - 1);
        held.decrementAndGet();
    }

    private ProblemException tooMany(String detail) {
        return new ProblemException(429, "Too many requests", detail, null).retryAfter(retryAfterSeconds);
    }

    /** What one acquire holds; released once, however often {@link #release()} is called. */
    public final class Permit {

        private final String caller;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(String caller) {
            this.caller = caller;
        }

        /** Gives it back; later calls do nothing. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                CallerLimits.this.release(caller);
            }
        }
    }
}
