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

    /**
     * Time retention of the violations topic ({@code retention.ms}, with {@code cleanup.policy=compact,delete}), set
     * when flowwatch creates the topic; an existing topic is left as it is.
     */
    @WithDefault("7d")
    Duration retention();

    /** Partitions of the violations topic when flowwatch creates it. */
    @WithDefault("6")
    int partitions();

    /**
     * How many of the most recent connection-attempt keys and record fingerprints each write to the violations topic
     * carries, so that reports of one attempt straddling a restart or a rebalance, or merged by two instances at
     * once, count once (bounds the record size: about 40 bytes per attempt, 8 per fingerprint).
     */
    @WithDefault("256")
    int persistedReplayMemory();

    /** Write violations to the topic and rebuild the store from it on start (off: memory only, nothing durable). */
    @WithDefault("true")
    boolean durable();

    /** How long a batch waits for its violations-topic and dead-letter writes before it fails (not acknowledged). */
    @WithDefault("30s")
    Duration writeTimeout();
}
