package ai.matih.flowwatch.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.jboss.logging.Logger;

/**
 * The producer behind flowwatch's own durable writes (dead letters, violations) to one topic: started on first use
 * from the application's Kafka settings (TLS/SASL included), idempotent, {@code acks=all}, and a send whose future
 * completes only when the broker has the record.
 *
 * <p>Sized to its topic: when it is built it asks Kafka for the topic's {@link MessageLimit} (at most
 * {@value #LEARN_TIMEOUT_SECONDS} s, started at construction, so the first write rarely waits; the broker's default
 * is assumed when Kafka does not answer) and logs it once, when known. {@code batch.size} is then at most the limit minus
 * {@link MessageLimit#OVERHEAD_BYTES}, so a batch the topic refuses as too large splits into batches it accepts or
 * into batches of one record, and a record too large on its own fails alone with a {@code RecordTooLargeException}
 * (a larger {@code batch.size} makes the producer split such a batch into the same batch again and again until its
 * I/O thread dies of a stack overflow, after which every write of the producer times out). {@code max.request.size}
 * is the limit, so such a record is refused before it is sent. The writers bound their records by
 * {@link MessageLimit#recordBytes()} of {@link #limit()} too.
 *
 * @param <K> the key type
 */
public final class AcknowledgedProducer<K> implements AutoCloseable {

    /** How long the topic's limit is asked for before the broker's default is assumed. */
    public static final int LEARN_TIMEOUT_SECONDS = 5;
    /** The producer's own default {@code batch.size}. */
    static final int DEFAULT_BATCH_SIZE = 16_384;

    private static final Logger LOGGER = Logger.getLogger(AcknowledgedProducer.class);

    private final Map<String, Object> config;
    private final String clientId;
    private final String topic;
    private final CompletableFuture<MessageLimit> learning;
    private volatile MessageLimit limit;
    private volatile KafkaProducer<K, byte[]> producer;

    /**
     * A producer of records to {@code topic}, whose limit it starts learning now.
     *
     * @param kafkaConfig   the application's Kafka client settings
     * @param keySerializer serializer of the keys
     * @param clientId      {@code client.id}
     * @param topic         the topic written to
     * @param overrides     settings of this producer on top of the common ones
     */
    public AcknowledgedProducer(
            Map<String, Object> kafkaConfig,
            Class<? extends Serializer<K>> keySerializer,
            String clientId,
            String topic,
            Map<String, Object> overrides) {
        this(kafkaConfig, keySerializer, clientId, topic, overrides, learn(kafkaConfig, clientId, topic));
        learning.thenRun(this::limit); // logged as soon as it is known, not at the first write
    }

    /** A producer of records to {@code topic} that takes {@code limit} as the topic's limit without asking. */
    public AcknowledgedProducer(
            Map<String, Object> kafkaConfig,
            Class<? extends Serializer<K>> keySerializer,
            String clientId,
            String topic,
            Map<String, Object> overrides,
            MessageLimit limit) {
        this(kafkaConfig, keySerializer, clientId, topic, overrides, CompletableFuture.completedFuture(limit));
    }

    private AcknowledgedProducer(
            Map<String, Object> kafkaConfig,
            Class<? extends Serializer<K>> keySerializer,
            String clientId,
            String topic,
            Map<String, Object> overrides,
            CompletableFuture<MessageLimit> learning) {
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, keySerializer.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        c.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.putAll(overrides);
        this.config = Map.copyOf(c);
        this.clientId = clientId;
        this.topic = topic;
        this.learning = learning;
    }

    private static CompletableFuture<MessageLimit> learn(
            Map<String, Object> kafkaConfig, String clientId, String topic) {
        CompletableFuture<MessageLimit> learning = new CompletableFuture<>();
        Thread t = new Thread(
                () -> learning.complete(
                        MessageLimit.learn(kafkaConfig, topic, Duration.ofSeconds(LEARN_TIMEOUT_SECONDS))),
                clientId + "-topic-limit");
        t.setDaemon(true);
        t.start();
        return learning;
    }

    /**
     * The topic's limit; the first call waits for the answer (at most about {@value #LEARN_TIMEOUT_SECONDS} s, and
     * only when Kafka is slow to answer) and logs it.
     */
    public MessageLimit limit() {
        MessageLimit l = limit;
        if (l == null) {
            synchronized (this) {
                l = limit;
                if (l == null) {
                    l = awaitLearning();
                    LOGGER.infof(
                            "%s writes to %s: %d bytes at most per record batch (%s); batch.size %d, records"
                                    + " of up to %d bytes",
                            clientId, topic, l.bytes(), l.source(), batchSize(config, l), l.recordBytes());
                    limit = l;
                }
            }
        }
        return l;
    }

    private MessageLimit awaitLearning() {
        try {
            return learning.get(LEARN_TIMEOUT_SECONDS + 2L, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MessageLimit.assumed("interrupted");
        } catch (Exception e) {
            return MessageLimit.assumed("Kafka did not answer in time: " + e);
        }
    }

    /** {@code batch.size}: the configured one (or the producer's default), at most the limit's record bytes. */
    static int batchSize(Map<String, Object> config, MessageLimit limit) {
        Object configured = config.get(ProducerConfig.BATCH_SIZE_CONFIG);
        int size = DEFAULT_BATCH_SIZE;
        if (configured != null) {
            try {
                size = Integer.parseInt(configured.toString().trim());
            } catch (NumberFormatException e) {
                size = DEFAULT_BATCH_SIZE;
            }
        }
        return Math.max(0, Math.min(size, limit.recordBytes()));
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
            MessageLimit l = limit();
            synchronized (this) {
                p = producer;
                if (p == null) {
                    Map<String, Object> c = new HashMap<>(config);
                    c.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize(config, l));
                    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, l.bytes());
                    p = new KafkaProducer<>(c);
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
