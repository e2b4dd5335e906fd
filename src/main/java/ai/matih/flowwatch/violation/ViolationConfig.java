package ai.matih.flowwatch.violation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How violations are aggregated and kept. */
@ConfigMapping(prefix = "flowwatch.violations")
public interface ViolationConfig {

    /**
     * The aggregation window: reports with the same key (type, source workload, destination workload, port,
     * protocol) whose connection time falls in the same window are one violation with a count.
     */
    @WithDefault("15m")
    Duration window();

    /** How many violations the in-memory store keeps; the oldest (by lastSeen) are evicted first. */
    @WithDefault("100000")
    int maxStored();

    /**
     * For aggregated flow logs without a source port (Calico, Goldmane), reports of the same key whose
     * interval starts in the same slice of this length are taken as the same connection attempts, seen by
     * different reporters.
     */
    @WithDefault("5m")
    Duration reportInterval();

    /** How many distinct connection attempts and raw records a violation remembers for replay detection. */
    @WithDefault("4096")
    int maxRemembered();
}
