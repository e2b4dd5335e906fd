package ai.matih.flowwatch.violation;

import ai.matih.flowwatch.kafka.AcknowledgedProducer;
import ai.matih.flowwatch.kafka.MessageLimit;
import ai.matih.flowwatch.kafka.ThrottledWarning;
import ai.matih.flowwatch.kafka.TopicsConfig;
import ai.matih.flowwatch.kafka.WriteFailure;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Writes every new or changed violation to the violations topic ({@code flowwatch.topics.violations}), keyed by its
 * id, as the REST API shows it (JSON), with its replay memory in the header {@value ViolationStore#REPLAY_HEADER}.
 * The producer waits for all in-sync replicas ({@code acks=all}) and is idempotent, so writes of one violation stay in
 * order.
 *
 * <p>Told of every change by {@link ViolationRecorder}. During a batch ({@link #begin()} … {@link #flush()}, same
 * thread) changes are collected and each changed violation is written once, in its state at the end of the batch; the
 * batch is acknowledged only when those writes are. Outside a batch (only tools and tests record without one) a
 * change is written at once. {@link ViolationTopicReader} reads the topic back.
 *
 * <p>A write that can never succeed does not fail the batch: a violation whose JSON, key and replay header exceed
 * {@code flowwatch.ingest.max-violation-bytes}, or what the violations topic takes when that is less (its
 * {@code max.message.bytes} as learned at start, less {@link MessageLimit#OVERHEAD_BYTES}), is not sent, and one the
 * broker refuses for good (too large for the topic, invalid) or that cannot be serialized is dropped; both are counted
 * in {@code flowwatch_violation_writes_skipped_total{reason}} and logged at most every ten seconds. The violation stays
 * in this instance's store. Only transient failures fail the write's future, so that the batch is processed again.
 */
@Startup
@ApplicationScoped
public class ViolationTopicWriter implements ViolationJournal {

    private static final Logger LOGGER = Logger.getLogger(ViolationTopicWriter.class);
    private static final long WARN_INTERVAL_MILLIS = 10_000;

    private final ViolationStore store;
    private final byte[] writerId;
    private final ObjectMapper json;
    private final String topic;
    private final boolean durable;
    private final int persistLimit;
    private final int maxBytes;
    /* maxBytes, or less when the topic takes less: known once the topic's limit is (first write) */
    private volatile int cap = -1;
    private final ViolationMeter meter;
    private final ThrottledWarning skipped = new ThrottledWarning(LOGGER, WARN_INTERVAL_MILLIS);
    private final AcknowledgedProducer<String> producer;
    private final ThreadLocal<Set<String>> batch = new ThreadLocal<>();

    public ViolationTopicWriter(
            ViolationStore store,
            ObjectMapper json,
            ViolationConfig config,
            TopicsConfig topics,
            ViolationWriteConfig limits,
            ViolationMeter meter,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.store = store;
        this.writerId = store.writerId();
        this.maxBytes = limits.maxViolationBytes();
        this.meter = meter;
        this.json = json;
        this.topic = topics.violations();
        this.durable = config.durable();
        this.persistLimit = config.persistedReplayMemory();
        Map<String, Object> overrides = Map.of(
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                config.compression());
        String clientId = "flowwatch-violations";
        this.producer = durable
                ? new AcknowledgedProducer<>(kafkaConfig, StringSerializer.class, clientId, topic, overrides)
                : new AcknowledgedProducer<>(
                        kafkaConfig,
                        StringSerializer.class,
                        clientId,
                        topic,
                        overrides,
                        MessageLimit.assumed("violations are not written"));
    }

    @Override
    public void begin() {
        if (durable) {
            batch.set(new LinkedHashSet<>());
        }
    }

    @Override
    public List<CompletableFuture<?>> flush() {
        Set<String> ids = batch.get();
        batch.remove();
        if (ids == null || ids.isEmpty()) {
            return List.of();
        }
        List<CompletableFuture<?>> writes = new ArrayList<>(ids.size());
        for (String id : ids) {
            CompletableFuture<?> f = write(id);
            if (f != null) {
                writes.add(f);
            }
        }
        return writes;
    }

    @Override
    public void changed(String id) {
        if (!durable) {
            return;
        }
        Set<String> ids = batch.get();
        if (ids != null) {
            ids.add(id);
        } else {
            write(id);
        }
    }

    /**
     * Writes the stored state of one violation; null when it is no longer stored. The future completes when the
     * broker has it or when it was skipped for good (counted), and fails only on a transient failure.
     */
    CompletableFuture<?> write(String id) {
        try {
            int most = cap();
            return store.withDurableForm(id, persistLimit, (v, memory) -> {
                byte[] value;
                try {
                    value = json.writeValueAsBytes(v);
                } catch (JsonProcessingException e) {
                    return skip(id, WriteFailure.INVALID, e);
                }
                long size = (long) id.length()
                        + value.length
                        + ViolationStore.REPLAY_HEADER.length()
                        + (memory == null ? 0 : memory.length)
                        + ViolationStore.WRITER_HEADER.length()
                        + writerId.length;
                if (size > most) {
                    return skip(
                            id,
                            WriteFailure.TOO_LARGE,
                            new IllegalArgumentException(size + " bytes exceed "
                                    + most + " (flowwatch.ingest.max-violation-bytes=" + maxBytes + ", topic " + topic
                                    + " " + producer.limit().bytes() + " per record batch)"));
                }
                RecordHeaders headers = new RecordHeaders();
                headers.add(ViolationStore.REPLAY_HEADER, memory);
                headers.add(ViolationStore.WRITER_HEADER, writerId);
                return producer.send(new ProducerRecord<>(topic, null, id, value, headers))
                        .exceptionallyCompose(e -> {
                            WriteFailure failure = WriteFailure.permanent(e);
                            return failure == null
                                    ? CompletableFuture.failedFuture(WriteFailure.unwrap(e))
                                    : skip(id, failure, e);
                        });
            });
        } catch (RuntimeException e) {
            WriteFailure failure = WriteFailure.permanent(e);
            return failure == null ? CompletableFuture.failedFuture(e) : skip(id, failure, e);
        }
    }

    /**
     * The most bytes of one violation's write: {@code max-violation-bytes}, or what the topic takes when that is less
     * (logged once). The first call may wait for the topic's limit (see {@link AcknowledgedProducer#limit()}).
     */
    int cap() {
        int c = cap;
        if (c < 0) {
            synchronized (this) {
                c = cap;
                if (c < 0) {
                    MessageLimit limit = producer.limit();
                    c = Math.min(maxBytes, limit.recordBytes());
                    if (c < maxBytes) {
                        LOGGER.infof(
                                "Violations of more than %d bytes are not written: topic %s takes at most %d"
                                        + " bytes per record batch, less than flowwatch.ingest.max-violation-bytes=%d",
                                c, topic, limit.bytes(), maxBytes);
                    }
                    cap = c;
                }
            }
        }
        return c;
    }

    private <T> CompletableFuture<T> skip(String id, WriteFailure failure, Throwable cause) {
        meter.writeSkipped(failure.tag());
        skipped.warn(
                "violation " + id + " was not written to " + topic + " (" + failure.tag() + ")",
                WriteFailure.unwrap(cause));
        return CompletableFuture.completedFuture(null);
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
