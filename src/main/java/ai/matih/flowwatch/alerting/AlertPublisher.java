package ai.matih.flowwatch.alerting;

import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Pushes critical and warning violations (at least {@code flowwatch.alertmanager.min-severity}) to Alertmanager as
 * alerts keyed by violation id, one per tenant the violation involves (docs/alerting.md).
 *
 * <p>{@link #changed} runs on the per-record path: it only updates the alert in a bounded map (a violation updated a
 * thousand times a second is one pending alert) and returns. One daemon thread, {@code flowwatch-alert-sender},
 * delivers once a second in batches, retries with backoff, re-sends active alerts, resolves quiet ones; see
 * {@link AlertSender}. It starts on {@link StartupEvent} when URLs are configured, and flushes once, within about
 * {@code flowwatch.alertmanager.timeout}, at shutdown.
 */
@ApplicationScoped
public class AlertPublisher implements ViolationListener {

    private static final Logger LOGGER = Logger.getLogger(AlertPublisher.class);

    /** How often the sender looks for alerts to deliver. */
    static final Duration TICK = Duration.ofSeconds(1);

    private final AlertingConfig config;
    private final boolean active;
    private final Severity minSeverity;
    private final Clock clock;
    private final PendingAlerts pending;
    private final AlertMetrics metrics;
    private final AlertSender sender;
    private final AtomicBoolean dropWarned = new AtomicBoolean();
    private ScheduledExecutorService executor;

    /**
     * @param redaction what a tenant may see of a violation, for the alert of that tenant
     */
    @Inject
    public AlertPublisher(AlertingConfig config, MeterRegistry registry, AlertRedaction redaction) {
        this(config, registry, redaction, Clock.systemUTC(), null);
    }

    /**
     * @param transport the delivery, or null for the {@link AlertmanagerClient} of the configuration
     */
    AlertPublisher(
            AlertingConfig config,
            MeterRegistry registry,
            AlertRedaction redaction,
            Clock clock,
            AlertTransport transport) {
        this.config = config;
        this.active = config.active();
        this.minSeverity = config.minSeverity();
        this.clock = clock;
        this.pending = new PendingAlerts(config.queueCapacity());
        this.metrics = new AlertMetrics(registry, pending::size);
        if (active) {
            AlertMapper mapper = new AlertMapper(config.externalUrl(), config.runbookUrl(), redaction);
            AlertTransport delivery = transport != null ? transport : new AlertmanagerClient(config);
            Backoff backoff =
                    new Backoff(config.retry().initialBackoff(), config.retry().maxBackoff());
            this.sender = new AlertSender(
                    pending,
                    mapper,
                    delivery,
                    metrics,
                    config.targets(),
                    config.quietPeriod(),
                    config.resendInterval(),
                    config.batchSize(),
                    backoff,
                    config.retry().maxAttempts());
        } else {
            this.sender = null;
        }
    }

    @Override
    public void changed(Violation violation, boolean created) {
        if (!active || !alerts(violation)) {
            return;
        }
        if (!pending.offer(violation, clock.instant())) {
            metrics.dropped(AlertMapper.alertCount(violation));
            if (dropWarned.compareAndSet(false, true)) {
                LOGGER.warnf(
                        "Alert queue full (%d alerts): violations needing a new alert are dropped and counted "
                                + "in flowwatch_alerts_sent_total{result=\"dropped\"} (logged once)",
                        config.queueCapacity());
            }
        }
    }

    /** True when the violation is severe enough to alert. */
    boolean alerts(Violation violation) {
        Severity severity = violation.severity();
        return severity != null
                && violation.id() != null
                && violation.type() != null
                && severity.ordinal() <= minSeverity.ordinal();
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        close();
    }

    /** Starts the sender thread, when alerting is on. */
    synchronized void start() {
        if (!active) {
            LOGGER.infof(
                    "Alerting to Alertmanager is off (%s)",
                    config.targets().isEmpty()
                            ? "no flowwatch.alertmanager.urls"
                            : "flowwatch.alertmanager.enabled=false");
            return;
        }
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "flowwatch-alert-sender");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        LOGGER.infof(
                "Alerting to Alertmanager %s (min severity %s, quiet period %s)",
                config.targets(), minSeverity.tag(), config.quietPeriod());
    }

    /** Stops the sender thread and delivers what is pending once, within about the request timeout. */
    synchronized void close() {
        if (executor == null) {
            return;
        }
        long budget = config.timeout().toNanos();
        long deadline = System.nanoTime() + budget;
        executor.shutdown();
        try {
            if (executor.awaitTermination(budget, TimeUnit.NANOSECONDS)) {
                sender.tick(clock.instant(), true, deadline);
            } else {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        } catch (RuntimeException e) {
            LOGGER.warnf("Final alert delivery failed: %s", e.toString());
        }
        executor = null;
    }

    private void tick() {
        try {
            sender.tick(clock.instant());
        } catch (RuntimeException e) {
            LOGGER.warnf("Alert delivery round failed: %s", e.toString());
        }
    }

    /** The alerts held (for tests). */
    PendingAlerts pending() {
        return pending;
    }

    /** The sender, or null when alerting is off (for tests). */
    AlertSender sender() {
        return sender;
    }
}
