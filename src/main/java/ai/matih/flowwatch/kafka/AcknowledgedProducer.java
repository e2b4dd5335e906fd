package ai.matih.flowwatch.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The producer behind flowwatch's own durable writes (dead letters, violations): started on first use from the
 * application's Kafka settings (TLS/SASL included), idempotent, {@code acks=all}, and a send whose future completes
 * only when the broker has the record. The future is completed by the send callback, not the producer's own future,
 * which recurses once per batch split and can overflow the stack when a record never fits ({@code max.message.bytes}).
 *
 * @param <K> the key type
 */
public final class AcknowledgedProducer<K> implements AutoCloseable {

    private final Map<String, Object> config;
    private volatile KafkaProducer<K, byte[]> producer;

    /**
     * @param kafkaConfig   the application's Kafka client settings
     * @param keySerializer serializer of the keys
     * @param clientId      {@code client.id}
     * @param overrides     settings of this producer on top of the common ones
     */
    public AcknowledgedProducer(Map<String, Object> kafkaConfig, Class<? extends Serializer<K>> keySerializer,
                                String clientId, Map<String, Object> overrides) {
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, keySerializer.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        c.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.putAll(overrides);
        this.config = Map.copyOf(c);
    }

    /** Sends a record; the future completes when the broker has it, or with the failure (never throws). */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, byte[]> record) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        try {
            producer().send(record, (metadata, e) -> {
                if (e == null) {
                    done.complete(metadata);
                } else {
                    done.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    private KafkaProducer<K, byte[]> producer() {
        KafkaProducer<K, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                p = producer;
                if (p == null) {
                    p = new KafkaProducer<>(new HashMap<>(config));
                    producer = p;
                }
            }
        }
        return p;
    }

    @Override
    public void close() {
        KafkaProducer<K, byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}
