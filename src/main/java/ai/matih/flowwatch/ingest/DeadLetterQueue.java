package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.decode.Rejection;
import ai.matih.flowwatch.kafka.AcknowledgedProducer;
import ai.matih.flowwatch.kafka.MessageLimit;
import ai.matih.flowwatch.kafka.ThrottledWarning;
import ai.matih.flowwatch.kafka.TopicsConfig;
import ai.matih.flowwatch.kafka.WriteFailure;
import ai.matih.flowwatch.metrics.PipelineMetrics;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

/**
 * Writes rejected records, unchanged (or the rejected document of a record), to the dead-letter topic with headers
 * naming the source topic, partition, offset, line and reason.
 *
 * <p>A dead letter never exceeds its budget (payload, key and headers): {@code flowwatch.ingest.max-dead-letter-bytes},
 * or less when the DLQ topic takes less ({@code max.message.bytes} as learned at start, less
 * {@link MessageLimit#OVERHEAD_BYTES}). A longer payload is cut before it is sent, with the header
 * {@value #HEADER_TRUNCATED} holding its original length. A dead letter that the topic still refuses as too large (its
 * limit was lowered since, or could not be learned) is sent once more with at most {@value #RETRY_PAYLOAD_BYTES} bytes
 * of its payload and no key. A dead letter refused for good is counted
 * ({@code flowwatch_dead_letters_skipped_total}), logged at most every {@value #WARN_INTERVAL_MILLIS} ms, and dropped:
 * its future completes normally, so one hostile record never fails the channel. Only a transient failure (broker
 * unreachable, timeout, not enough replicas...) fails the future, so that the batch is processed again.
 */
@Startup
@ApplicationScoped
public class DeadLetterQueue {

    public static final String HEADER_TOPIC = "flowwatch-source-topic";
    public static final String HEADER_PARTITION = "flowwatch-source-partition";
    public static final String HEADER_OFFSET = "flowwatch-source-offset";
    public static final String HEADER_LINE = "flowwatch-source-line";
    public static final String HEADER_REASON = "flowwatch-reason";
    public static final String HEADER_REASON_CODE = "flowwatch-reason-code";
    /** Present when the payload was cut: the length in bytes of the rejected part before it was. */
    public static final String HEADER_TRUNCATED = "flowwatch-truncated";
    /** Present when the record key was cut or left out: its length in bytes. */
    public static final String HEADER_KEY_TRUNCATED = "flowwatch-key-truncated";

    /** Longest record key a dead letter carries. */
    static final int MAX_KEY_BYTES = 4096;
    /** Most payload bytes of the second, last attempt at a dead letter the topic refused as too large. */
    static final int RETRY_PAYLOAD_BYTES = 1024;

    static final long WARN_INTERVAL_MILLIS = 10_000;
    /* Room for one truncation header: its name and a length of up to 10 digits, rounded up. */
    private static final int TRUNCATION_HEADER_BYTES = 32;

    private static final Logger LOGGER = Logger.getLogger(DeadLetterQueue.class);

    private final String topic;
    private final int maxBytes;
    /* maxBytes, or less when the topic takes less: known once the topic's limit is (first dead letter) */
    private volatile int budget = -1;
    private final PipelineMetrics metrics;
    private final AcknowledgedProducer<byte[]> producer;
    private final ThrottledWarning dropped = new ThrottledWarning(LOGGER, WARN_INTERVAL_MILLIS);
    /* The second attempt is sent from here, never from the producer's own thread, which a full buffer would block. */
    private final ExecutorService retries = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flowwatch-dlq-retry");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public DeadLetterQueue(
            TopicsConfig topics,
            IngestConfig config,
            PipelineMetrics metrics,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this(topics.dlq(), config.maxDeadLetterBytes(), metrics, kafkaConfig);
    }

    /** A queue writing to {@code topic} with the given bound, sized to the topic's limit as Kafka tells it (tests). */
    DeadLetterQueue(String topic, int maxDeadLetterBytes, PipelineMetrics metrics, Map<String, Object> kafkaConfig) {
        this(
                topic,
                maxDeadLetterBytes,
                metrics,
                new AcknowledgedProducer<>(kafkaConfig, ByteArraySerializer.class, "flowwatch-dlq", topic, Map.of()));
    }

    /** A queue writing to {@code topic} with the given bound, taking {@code limit} as the topic's limit (tests). */
    DeadLetterQueue(
            String topic,
            int maxDeadLetterBytes,
            PipelineMetrics metrics,
            Map<String, Object> kafkaConfig,
            MessageLimit limit) {
        this(
                topic,
                maxDeadLetterBytes,
                metrics,
                new AcknowledgedProducer<>(
                        kafkaConfig, ByteArraySerializer.class, "flowwatch-dlq", topic, Map.of(), limit));
    }

    private DeadLetterQueue(
            String topic, int maxDeadLetterBytes, PipelineMetrics metrics, AcknowledgedProducer<byte[]> producer) {
        if (maxDeadLetterBytes < 1) {
            producer.close();
            throw new IllegalArgumentException("max-dead-letter-bytes must be positive, got " + maxDeadLetterBytes);
        }
        this.topic = topic;
        this.maxBytes = maxDeadLetterBytes;
        this.metrics = metrics;
        this.producer = producer;
    }

    /**
     * The most bytes of one dead letter: {@code max-dead-letter-bytes}, or what the topic takes when that is less
     * (logged once). The first call may wait for the topic's limit (see {@link AcknowledgedProducer#limit()}).
     */
    int budget() {
        int b = budget;
        if (b < 0) {
            synchronized (this) {
                b = budget;
                if (b < 0) {
                    MessageLimit limit = producer.limit();
                    b = Math.min(maxBytes, limit.recordBytes());
                    if (b < maxBytes) {
                        LOGGER.infof(
                                "Dead letters are cut to %d bytes: topic %s takes at most %d bytes per record"
                                        + " batch, less than flowwatch.ingest.max-dead-letter-bytes=%d",
                                b, topic, limit.bytes(), maxBytes);
                    }
                    budget = b;
                }
            }
        }
        return b;
    }

    /**
     * Sends the rejected part of a record; the future completes when the broker has it or when it was refused for
     * good (counted, dropped), and fails only on a transient failure.
     */
    public CompletableFuture<Void> send(
            String sourceTopic, int partition, long offset, byte[] key, byte[] value, Rejection r) {
        int from = 0;
        int length = value == null ? 0 : value.length;
        if (value != null && r.line() > 0 && (r.offset() != 0 || r.length() != value.length)) {
            from = Math.max(0, Math.min(r.offset(), value.length));
            length = Math.max(0, Math.min(value.length, from + Math.max(0, r.length())) - from);
        }
        Header[] headers = headers(sourceTopic, partition, offset, r);
        int bytes = budget();
        ProducerRecord<byte[], byte[]> letter =
                fit(topic, headers, key, value, from, length, bytes, MAX_KEY_BYTES, Integer.MAX_VALUE);
        int start = from;
        int size = length;
        return written(sourceTopic, letter)
                .exceptionallyComposeAsync(
                        e -> {
                            WriteFailure failure = WriteFailure.permanent(e);
                            if (failure == null) {
                                return CompletableFuture.failedFuture(WriteFailure.unwrap(e));
                            }
                            if (failure == WriteFailure.TOO_LARGE
                                    && (letter.key() != null || payloadLength(letter) > RETRY_PAYLOAD_BYTES)) {
                                ProducerRecord<byte[], byte[]> smaller =
                                        fit(topic, headers, key, value, start, size, bytes, 0, RETRY_PAYLOAD_BYTES);
                                return written(sourceTopic, smaller).exceptionallyCompose(again -> {
                                    WriteFailure last = WriteFailure.permanent(again);
                                    return last == null
                                            ? CompletableFuture.failedFuture(WriteFailure.unwrap(again))
                                            : skipped(sourceTopic, partition, offset, last, again);
                                });
                            }
                            return skipped(sourceTopic, partition, offset, failure, e);
                        },
                        retries);
    }

    private CompletableFuture<Void> written(String sourceTopic, ProducerRecord<byte[], byte[]> letter) {
        boolean cut = letter.headers().lastHeader(HEADER_TRUNCATED) != null
                || letter.headers().lastHeader(HEADER_KEY_TRUNCATED) != null;
        return producer.send(letter).thenApply(metadata -> {
            if (cut) {
                metrics.deadLetterTruncated(sourceTopic);
            }
            return null;
        });
    }

    private CompletableFuture<Void> skipped(
            String sourceTopic, int partition, long offset, WriteFailure failure, Throwable cause) {
        metrics.deadLetterSkipped(sourceTopic, failure.tag());
        dropped.warn(
                "the dead letter of " + sourceTopic + "-" + partition + "@" + offset + " was dropped: topic " + topic
                        + " refused it for good (" + failure.tag() + ")",
                WriteFailure.unwrap(cause));
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The dead letter of {@code value[from, from + length)}, with {@code headers} (copied), cut so that payload, key
     * and headers together take at most {@code maxBytes}, the key at most {@code maxKeyBytes} (0: no key) and the
     * payload at most {@code maxPayloadBytes}; a cut adds {@value #HEADER_TRUNCATED} or {@value #HEADER_KEY_TRUNCATED}.
     */
    static ProducerRecord<byte[], byte[]> fit(
            String topic,
            Header[] headers,
            byte[] key,
            byte[] value,
            int from,
            int length,
            int maxBytes,
            int maxKeyBytes,
            int maxPayloadBytes) {
        RecordHeaders out = new RecordHeaders(headers);
        long used = 0;
        for (Header h : headers) {
            used += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        byte[] k = key;
        if (k != null && k.length > maxKeyBytes) {
            out.add(HEADER_KEY_TRUNCATED, utf8(Integer.toString(k.length)));
            used += TRUNCATION_HEADER_BYTES;
            k = maxKeyBytes == 0 ? null : Arrays.copyOf(k, maxKeyBytes);
        }
        used += k == null ? 0 : k.length;
        byte[] payload = null;
        if (value != null) {
            long room = Math.min(maxPayloadBytes, maxBytes - used);
            if (length <= room) {
                payload = from == 0 && length == value.length ? value : Arrays.copyOfRange(value, from, from + length);
            } else {
                out.add(HEADER_TRUNCATED, utf8(Integer.toString(length)));
                int kept = (int) Math.max(
                        0, Math.min(length, Math.min(maxPayloadBytes, maxBytes - used - TRUNCATION_HEADER_BYTES)));
                payload = Arrays.copyOfRange(value, from, from + kept);
            }
        }
        return new ProducerRecord<>(topic, null, k, payload, out);
    }

    private static int payloadLength(ProducerRecord<byte[], byte[]> letter) {
        return letter.value() == null ? 0 : letter.value().length;
    }

    private static Header[] headers(String sourceTopic, int partition, long offset, Rejection r) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_TOPIC, utf8(sourceTopic));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(partition)));
        headers.add(HEADER_OFFSET, utf8(Long.toString(offset)));
        if (r.line() > 0) {
            headers.add(HEADER_LINE, utf8(Integer.toString(r.line())));
        }
        headers.add(HEADER_REASON_CODE, utf8(r.reason().tag()));
        headers.add(HEADER_REASON, utf8(r.reason().tag() + ": " + oneLine(r.detail())));
        return headers.toArray();
    }

    @PreDestroy
    void close() {
        producer.close();
        retries.shutdown();
    }

    private static String oneLine(String s) {
        String t = s.replace('\n', ' ').replace('\r', ' ');
        return t.length() <= 300 ? t : t.substring(0, 297) + "...";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
