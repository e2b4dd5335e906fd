package ai.matih.flowwatch.alerting;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The alerting meters: {@code flowwatch_alerts_sent_total{result}} counts alerts (not batches) per Alertmanager
 * delivery, and {@code flowwatch_alerts_active} the alerts held. All three results are registered at 0 from the
 * start, so a rate or absence rule has a series to look at.
 */
final class AlertMetrics {

    public static final String SENT = "flowwatch.alerts.sent";
    public static final String ACTIVE = "flowwatch.alerts.active";
    public static final String RESULT = "result";
    /** Accepted by an Alertmanager (each member of an HA pair counts its own). */
    public static final String RESULT_SENT = "sent";
    /** Given up on after the last retry. */
    public static final String RESULT_FAILED = "failed";
    /** Never queued: the queue was at capacity. */
    public static final String RESULT_DROPPED = "dropped";

    private final Counter sent;
    private final Counter failed;
    private final Counter dropped;

    AlertMetrics(MeterRegistry registry, Supplier<Number> active) {
        this.sent = counter(registry, RESULT_SENT);
        this.failed = counter(registry, RESULT_FAILED);
        this.dropped = counter(registry, RESULT_DROPPED);
        Gauge.builder(ACTIVE, active)
                .description("Alerts flowwatch holds for Alertmanager: active, or resolved and not yet delivered")
                .strongReference(true)
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder(SENT)
                .description(
                        "Alerts pushed to Alertmanager, by result (sent, failed after retries, dropped at capacity)")
                .tag(RESULT, result)
                .register(registry);
    }

    void sent(int alerts) {
        sent.increment(alerts);
    }

    void failed(int alerts) {
        failed.increment(alerts);
    }

    void dropped(int alerts) {
        dropped.increment(alerts);
    }
}
