package ai.matih.flowwatch.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits and behaviour of record ingestion. */
@ConfigMapping(prefix = "flowwatch.ingest")
public interface IngestConfig {

    /** Largest record value accepted; larger ones go to the DLQ as {@code oversized}. */
    @WithDefault("1048576")
    int maxRecordBytes();

    /** Most NDJSON documents one record may hold; more go to the DLQ as {@code too-many-lines}. */
    @WithDefault("10000")
    int maxLinesPerRecord();

    /** How long a batch waits for its dead-letter writes before it fails. */
    @WithDefault("30s")
    Duration dlqTimeout();

    /**
     * Batches of one input topic whose writes may await the broker's acknowledgement at once: the topic's next batch
     * is processed meanwhile, and batches are still acknowledged (their offsets committed) only in order and only
     * once their writes are. 1 waits for each batch's writes before taking the next.
     */
    @WithDefault("4")
    int batchesInFlight();
}
