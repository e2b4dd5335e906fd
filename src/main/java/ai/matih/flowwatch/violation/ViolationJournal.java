package ai.matih.flowwatch.violation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.matih.flowwatch.kafka.AcknowledgedProducer;
import ai.matih.flowwatch.ingest.TopicsConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
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

/**
 * Writes every new or changed violation to the violations topic ({@code flowwatch.topics.violations}), keyed by its
 * id, as the REST API shows it (JSON), with its replay memory in the header {@value ViolationStore#REPLAY_HEADER}.
 * The producer waits for all in-sync replicas ({@code acks=all}) and is idempotent, so writes of one violation stay in
 * order.
 *
 * <p>During a batch ({@link #begin()} … {@link #flush()}, same thread) changes are collected and each changed violation
 * is written once, in its state at the end of the batch; the batch is acknowledged only when those writes are.
 * Outside a batch (nothing does that today) a change is written at once.
 */
@ApplicationScoped
public class ViolationJournal implements ViolationListener {


    private final ViolationStore store;
    private final ObjectMapper json;
    private final String topic;
    private final boolean durable;
    private final int persistLimit;
    private final AcknowledgedProducer<String> producer;
    private final ThreadLocal<Set<String>> batch = new ThreadLocal<>();

    public ViolationJournal(ViolationStore store, ObjectMapper json, ViolationConfig config, TopicsConfig topics,
                            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.store = store;
        this.json = json;
        this.topic = topics.violations();
        this.durable = config.durable();
        this.persistLimit = config.persistedReplayMemory();
        this.producer = new AcknowledgedProducer<>(kafkaConfig, StringSerializer.class, "flowwatch-violations",
                Map.of(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
    }

    /** Starts collecting this thread's changes. */
    public void begin() {
        if (durable) {
            batch.set(new LinkedHashSet<>());
        }
    }

    /** Writes every violation changed since {@link #begin()}; the futures complete when the broker has them. */
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
    public void changed(Violation violation, boolean created) {
        if (!durable) {
            return;
        }
        Set<String> ids = batch.get();
        if (ids != null) {
            ids.add(violation.id());
        } else {
            write(violation.id());
        }
    }

    /** Writes the stored state of one violation; null when it is no longer stored. */
    CompletableFuture<?> write(String id) {
        try {
            return store.withDurableForm(id, persistLimit, (v, memory) -> {
                RecordHeaders headers = new RecordHeaders();
                headers.add(ViolationStore.REPLAY_HEADER, memory);
                return producer.send(new ProducerRecord<>(topic, null, id, serialize(v), headers));
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private byte[] serialize(Violation v) {
        try {
            return json.writeValueAsString(v).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("violation " + v.id() + " cannot be written as JSON", e);
        }
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
