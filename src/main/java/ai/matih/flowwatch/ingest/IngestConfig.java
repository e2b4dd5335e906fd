package ai.matih.flowwatch.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits and behaviour of record ingestion. */
@ConfigMapping(prefix = "flowwatch.ingest")
public interface IngestConfig {

    /**
     * Largest record value accepted; larger ones go to the DLQ as {@code oversized}. The default, 960 KiB, leaves
     * room under {@link #maxDeadLetterBytes()} for the dead letter's headers and key, so that a rejected record of
     * up to this size is dead-lettered whole.
     */
    @WithDefault("983040")
    int maxRecordBytes();

    /** Most NDJSON documents one record may hold; more go to the DLQ as {@code too-many-lines}. */
    @WithDefault("10000")
    int maxLinesPerRecord();

    /**
     * Most documents of one record dead-lettered one by one (the rejected elements of one JSON array, or items of
     * one event list, make one dead letter of their document). The next rejected document and the rest of the record
     * after it are not decoded further and go to the DLQ as one dead letter with the reason
     * {@code too-many-rejections}: one record makes at most this many dead letters plus one.
     */
    @WithDefault("100")
    int maxRejectionsPerRecord();

    /**
     * Largest dead letter written: payload, key and headers together, in bytes. A longer payload is cut to fit and
     * the dead letter carries the header {@code flowwatch-truncated} with the original length (counted in
     * {@code flowwatch_dead_letters_truncated_total}); a key longer than 4 KiB is cut likewise (header
     * {@code flowwatch-key-truncated}). The default stays under the broker's default {@code message.max.bytes}
     * (1 MiB). A DLQ topic that takes less ({@code max.message.bytes}, asked of Kafka at start and logged) lowers the
     * bound to its limit less 512 bytes of record-batch overhead. A dead letter the DLQ topic still refuses as too
     * large (its limit lowered since) is written once more with at most 1 KiB of its payload and no key; if even that
     * fails, it is counted in {@code flowwatch_dead_letters_skipped_total} and dropped.
     */
    @WithDefault("1000000")
    int maxDeadLetterBytes();

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
