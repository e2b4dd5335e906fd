package ai.matih.flowwatch.kafka;

import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A WARN line that is written at most once per interval, however often the event happens (a flood of refused writes
 * never becomes a flood of log lines); the next line says how many were left out. Lock-free; safe from any thread.
 */
public final class ThrottledWarning {

    private final Logger logger;
    private final long intervalMillis;
    private final AtomicLong nextAt = new AtomicLong();
    private final AtomicLong leftOut = new AtomicLong();

    /**
     * @param logger         where the lines go
     * @param intervalMillis the least time between two lines
     */
    public ThrottledWarning(Logger logger, long intervalMillis) {
        this.logger = logger;
        this.intervalMillis = intervalMillis;
    }

    /**
     * Logs {@code message} (with {@code cause}'s one-line description, no stack trace) unless a line was logged less
     * than the interval ago; returns whether it did.
     */
    public boolean warn(String message, Throwable cause) {
        long now = System.currentTimeMillis();
        long due = nextAt.get();
        if (now < due || !nextAt.compareAndSet(due, now + intervalMillis)) {
            leftOut.incrementAndGet();
            return false;
        }
        long more = leftOut.getAndSet(0);
        logger.warnf(
                "%s: %s%s",
                message,
                cause == null ? "no cause" : cause.toString(),
                more == 0 ? "" : " (" + more + " more like it since the last warning)");
        return true;
    }
}
