package ai.matih.flowwatch.violation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The bound on one write to the violations topic. Its key sits under {@code flowwatch.ingest} with the other record
 * size bounds (docs/security.md#limits); SmallRye maps one prefix to several interfaces, each reading its own keys.
 */
@ConfigMapping(prefix = "flowwatch.ingest")
public interface ViolationWriteConfig {

    /**
     * Largest violation written to the violations topic, in bytes: its JSON, key and replay-memory header together.
     * A violations topic that takes less ({@code max.message.bytes}, asked of Kafka at start and logged) lowers the
     * bound to its limit less 512 bytes of record-batch overhead. A larger violation is not written (it stays in this
     * instance's store) and is counted in {@code flowwatch_violation_writes_skipped_total{reason="too-large"}}.
     */
    @WithDefault("262144")
    int maxViolationBytes();
}
