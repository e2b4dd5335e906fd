package ai.matih.flowwatch.alerting;

import ai.matih.flowwatch.alerting.AlertTransport.DeliveryException;
import ai.matih.flowwatch.alerting.PendingAlerts.Pending;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Delivers the held alerts to every Alertmanager (each held violation is one alert per tenant it involves, sent,
 * re-sent and resolved together). Driven by one thread calling {@link #tick} about once a second
 * (not thread-safe; it needs no locks since only that thread touches it). For each Alertmanager it remembers which
 * version of each alert it has delivered and when, and on each tick it sends, in batches:
 * <ul>
 *   <li>alerts changed since their last delivery there (new or updated violations);</li>
 *   <li>unchanged active alerts not sent for the resend interval, so a restarted Alertmanager gets them back;</li>
 *   <li>alerts whose quiet period has passed, once, with that {@code endsAt}: the resolve.</li>
 * </ul>
 * An alert whose resolve every Alertmanager has received (or given up on) is forgotten. A failed request backs off
 * exponentially for that Alertmanager only, so one member of an HA pair being down does not hold up the other; a
 * request refused with a 4xx (other than 408 and 429) is given up at once, since repeating it cannot help.
 */
final class AlertSender {

    private static final Logger LOGGER = Logger.getLogger(AlertSender.class);

    /** What one Alertmanager has received of one alert. */
    private record Delivered(long version, Instant at, boolean resolved) {}

    /** Delivery state of one Alertmanager. */
    private static final class Target {
        final String url;
        final Map<String, Delivered> delivered = new HashMap<>();
        int failures;
        Instant nextAttempt = Instant.MIN;
        boolean failing;
        boolean permanent;

        Target(String url) {
            this.url = url;
        }
    }

    private final PendingAlerts pending;
    private final AlertMapper mapper;
    private final AlertTransport transport;
    private final AlertMetrics metrics;
    private final List<Target> targets;
    private final Duration quietPeriod;
    private final Duration resendInterval;
    private final int batchSize;
    private final Backoff backoff;
    private final int maxAttempts;

    AlertSender(
            PendingAlerts pending,
            AlertMapper mapper,
            AlertTransport transport,
            AlertMetrics metrics,
            List<String> urls,
            Duration quietPeriod,
            Duration resendInterval,
            int batchSize,
            Backoff backoff,
            int maxAttempts) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("alert batch size must be positive, was " + batchSize);
        }
        if (maxAttempts <= 0) {
            throw new IllegalArgumentException("alert retry max attempts must be positive, was " + maxAttempts);
        }
        if (quietPeriod.isNegative()
                || quietPeriod.isZero()
                || resendInterval.isNegative()
                || resendInterval.isZero()) {
            throw new IllegalArgumentException("alert quiet period and resend interval must be positive, were "
                    + quietPeriod + " and " + resendInterval);
        }
        this.pending = pending;
        this.mapper = mapper;
        this.transport = transport;
        this.metrics = metrics;
        this.targets = urls.stream().map(Target::new).toList();
        this.quietPeriod = quietPeriod;
        this.resendInterval = resendInterval;
        this.batchSize = batchSize;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    /**
     * Sends what is due.
     *
     * @param now           the current time
     * @param ignoreBackoff send even to Alertmanagers in backoff (the final flush at shutdown)
     * @param deadlineNanos {@link System#nanoTime()} after which no further request starts
     */
    void tick(Instant now, boolean ignoreBackoff, long deadlineNanos) {
        List<Pending> snapshot = pending.snapshot();
        for (Target target : targets) {
            if (!ignoreBackoff && now.isBefore(target.nextAttempt)) {
                continue;
            }
            List<Pending> due = due(target, snapshot, now);
            int from = 0;
            while (from < due.size()) {
                if (System.nanoTime() - deadlineNanos > 0) {
                    return;
                }
                List<Alert> alerts = new ArrayList<>();
                int to = from;
                while (to < due.size()) {
                    Pending p = due.get(to);
                    if (!alerts.isEmpty() && alerts.size() + AlertMapper.alertCount(p.violation()) > batchSize) {
                        break;
                    }
                    alerts.addAll(mapper.toAlerts(p.violation(), p.endsAt(quietPeriod, now)));
                    to++;
                }
                if (!send(target, due.subList(from, to), alerts, now)) {
                    if (target.failures >= maxAttempts || target.permanent) {
                        giveUp(target, due.subList(from, due.size()), now);
                    }
                    break;
                }
                from = to;
            }
        }
        forgetResolved(snapshot, now);
    }

    /** Convenience for tests and the timer: a normal tick without deadline. */
    void tick(Instant now) {
        tick(now, false, System.nanoTime() + Long.MAX_VALUE / 2);
    }

    private List<Pending> due(Target target, List<Pending> snapshot, Instant now) {
        List<Pending> due = new ArrayList<>();
        for (Pending p : snapshot) {
            Delivered d = target.delivered.get(p.id());
            boolean resolved = p.resolved(now, quietPeriod);
            if (d == null || d.version() != p.version()) {
                due.add(p);
            } else if (resolved) {
                if (!d.resolved()) {
                    due.add(p);
                }
            } else if (!now.isBefore(d.at().plus(resendInterval))) {
                due.add(p);
            }
        }
        return due;
    }

    /** Posts the alerts of these held violations (at most the batch size, unless one violation alone has more). */
    private boolean send(Target target, List<Pending> batch, List<Alert> alerts, Instant now) {
        try {
            transport.post(target.url, alerts);
        } catch (DeliveryException e) {
            target.failures++;
            target.permanent = !e.retryable();
            target.nextAttempt = now.plus(backoff.delay(target.failures));
            if (!target.failing) {
                target.failing = true;
                LOGGER.warnf(
                        "Alertmanager %s did not take %d alerts: %s; retrying with backoff",
                        target.url, alerts.size(), e.getMessage());
            } else {
                LOGGER.debugf("Alertmanager %s: attempt %d failed: %s", target.url, target.failures, e.getMessage());
            }
            return false;
        }
        if (target.failing) {
            target.failing = false;
            LOGGER.infof("Alertmanager %s takes alerts again", target.url);
        }
        target.failures = 0;
        target.nextAttempt = Instant.MIN;
        for (Pending p : batch) {
            target.delivered.put(p.id(), new Delivered(p.version(), now, p.resolved(now, quietPeriod)));
        }
        metrics.sent(alerts.size());
        return true;
    }

    /** After the last attempt: counts the alerts as failed and marks them handled until their next resend. */
    private void giveUp(Target target, List<Pending> rest, Instant now) {
        LOGGER.warnf(
                "Alertmanager %s: giving up on the alerts of %d violations after %d attempts; active ones are retried"
                        + " at the next resend",
                target.url, rest.size(), target.failures);
        int alerts = 0;
        for (Pending p : rest) {
            target.delivered.put(p.id(), new Delivered(p.version(), now, p.resolved(now, quietPeriod)));
            alerts += AlertMapper.alertCount(p.violation());
        }
        metrics.failed(alerts);
        target.failures = 0;
        target.permanent = false;
    }

    private void forgetResolved(List<Pending> snapshot, Instant now) {
        for (Pending p : snapshot) {
            if (!p.resolved(now, quietPeriod)) {
                continue;
            }
            boolean everywhere = true;
            for (Target target : targets) {
                Delivered d = target.delivered.get(p.id());
                if (d == null || d.version() != p.version() || !d.resolved()) {
                    everywhere = false;
                    break;
                }
            }
            if (everywhere && pending.forget(p.id(), p.version())) {
                for (Target target : targets) {
                    target.delivered.remove(p.id());
                }
            }
        }
    }
}
