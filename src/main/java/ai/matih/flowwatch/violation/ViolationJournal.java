package ai.matih.flowwatch.violation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Writes every new or changed violation to the violations topic ({@code flowwatch.topics.violations}), keyed by its
 * id, as the REST API shows it (JSON), with its replay memory in the header {@value ViolationStore#REPLAY_HEADER}.
 * The producer waits for all in-sync replicas ({@code acks=all}) and is idempotent, so writes of one violation stay in
 * order.
 *
 * <p>During a batch ({@link #begin()} … {@link #flush()}, same thread) changes are collected and each changed violation
 * is written once, in its state at the end of the batch; the batch waits for those writes before it is acknowledged.
 * Outside a batch (nothing does that today) a change is written at once.
 */
@ApplicationScoped
public class ViolationJournal implements ViolationListener {

    private static final Logger LOGGER = Logger.getLogger(ViolationJournal.class);

    private final ViolationStore store;
    private final ObjectMapper json;
    private final String topic;
    private final boolean durable;
    private final int persistLimit;
    private final Map<String, Object> kafkaConfig;
    private final ThreadLocal<Set<String>> batch = new ThreadLocal<>();
    private volatile KafkaProducer<String, byte[]> producer;

    public ViolationJournal(ViolationStore store, ObjectMapper json, ViolationConfig config,
                            @ConfigProperty(name = "flowwatch.topics.violations", defaultValue = "flowwatch-violations")
                            String topic,
                            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.store = store;
        this.json = json;
        this.topic = topic;
        this.durable = config.durable();
        this.persistLimit = config.persistedReplayMemory();
        this.kafkaConfig = kafkaConfig;
    }

    /** Starts collecting this thread's changes. */
    public void begin() {
        if (durable) {
            batch.set(new LinkedHashSet<>());
        }
    }

    /** Writes every violation changed since {@link #begin()}; the futures complete when the broker has them. */
    public List<Future<?>> flush() {
        Set<String> ids = batch.get();
        batch.remove();
        if (ids == null || ids.isEmpty()) {
            return List.of();
        }
        List<Future<?>> writes = new ArrayList<>(ids.size());
        for (String id : ids) {
            Future<?> f = write(id);
            if (f != null) {
                writes.add(f);
            }
        }
        return writes;
    }

    /** Forgets this thread's collected changes (a failed batch). */
    public void abandon() {
        batch.remove();
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
    Future<?> write(String id) {
        try {
            return store.withDurableForm(id, persistLimit, (v, memory) -> {
                RecordHeaders headers = new RecordHeaders();
                headers.add(ViolationStore.REPLAY_HEADER, memory);
                CompletableFuture<Object> done = new CompletableFuture<>();
                // completed by the callback: the producer's own future recurses once per batch split and can
                // overflow the stack when a record never fits (max.message.bytes)
                producer().send(new ProducerRecord<>(topic, null, id, serialize(v), headers), (metadata, e) -> {
                    if (e == null) {
                        done.complete(metadata);
                    } else {
                        done.completeExceptionally(e);
                    }
                });
                return done;
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

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                p = producer;
                if (p == null) {
                    Map<String, Object> config = new HashMap<>(kafkaConfig);
                    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
                    config.put(ProducerConfig.ACKS_CONFIG, "all");
                    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
                    config.put(ProducerConfig.CLIENT_ID_CONFIG, "flowwatch-violations");
                    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
                    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
                    p = new KafkaProducer<>(config);
                    producer = p;
                    LOGGER.debugf("violations producer started for topic %s", topic);
                }
            }
        }
        return p;
    }

    @PreDestroy
    void close() {
        KafkaProducer<String, byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}
