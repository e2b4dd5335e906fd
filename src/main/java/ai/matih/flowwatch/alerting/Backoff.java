package ai.matih.flowwatch.alerting;

import java.time.Duration;

/**
 * Exponential backoff: the delay after the n-th consecutive failure is {@code initial * 2^(n-1)}, at most
 * {@code max}.
 *
 * @param initial delay after the first failure
 * @param max     upper bound
 */
record Backoff(Duration initial, Duration max) {

    Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive, was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is below the initial backoff " + initial);
        }
    }

    /** The delay after {@code failures} consecutive failures (1 = the first). */
    Duration delay(int failures) {
        Duration d = initial;
        for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}
