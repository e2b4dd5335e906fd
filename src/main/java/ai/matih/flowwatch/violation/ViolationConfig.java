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
     * The most heap, in estimated bytes, the stored violations may hold (the violations with their texts and
     * indexes, not their replay memory: see {@link #memoryBytes()}); past it the oldest (by lastSeen) are evicted,
     * as past {@link #maxStored()} (counter {@code flowwatch_violation_store_evictions_total{reason="max-stored-bytes"}},
     * gauge {@code flowwatch_violation_store_bytes{part="violations"}}).
     */
    @WithDefault("268435456")
    long maxStoredBytes();

    /**
     * The most heap, in estimated bytes, that the remembered connection attempts and record fingerprints of all
     * violations may hold together. Past it every violation keeps only its most recently used share (an equal share
     * of the budget each, down to one attempt and one fingerprint), so a replay of what is still remembered never
     * counts twice, while a duplicate of a forgotten attempt from another reporter, or a copy of a forgotten record
     * re-produced on another partition, counts again (redeliveries are still recognised by their positions).
     * Counter {@code flowwatch_violation_store_evictions_total{reason="memory-bytes"}} counts forgotten entries, gauge
     * {@code flowwatch_violation_store_bytes{part="attempts"}} the estimate.
     */
    @WithDefault("67108864")
    long memoryBytes();

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
     * once, count once (bounds the record size: about 13 bytes per attempt, 8 per fingerprint).
     */
    @WithDefault("256")
    int persistedReplayMemory();

    /**
     * Compression of the violations producer ({@code none}, {@code gzip}, {@code snappy}, {@code lz4} or
     * {@code zstd}). Off by default: most of a write is its replay memory, random 64-bit keys that do not compress
     * (its JSON does: snappy took 40 % off a typical write for 7 µs of CPU each, lz4 as much for 7 µs and 50 KB of
     * garbage, in a single-threaded loop on the benchmark machine; docs/performance.md). Turn it on when broker
     * bytes cost more than the service's CPU.
     */
    @WithDefault("none")
    String compression();

    /** Write violations to the topic and rebuild the store from it on start (off: memory only, nothing durable). */
    @WithDefault("true")
    boolean durable();

    /** How long a batch waits for its violations-topic and dead-letter writes before it fails (not acknowledged). */
    @WithDefault("30s")
    Duration writeTimeout();
}
