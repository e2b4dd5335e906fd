package ai.matih.flowwatch.violation;

import ai.matih.flowwatch.kafka.TopicsConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Materialises the violations topic into the store: on start it creates the topic when missing
 * ({@code cleanup.policy=compact,delete}, {@code retention.ms} from {@code flowwatch.violations.retention}), reads every
 * partition from the beginning to the end offsets taken at start (a plain consumer, no group), and only then lets
 * records be processed ({@link #awaitRebuilt}) and readiness turn UP; it then keeps reading, so every instance of a
 * consumer group sees every instance's violations. Per input partition the more advanced contribution wins
 * ({@link ViolationStore#restore}), so reading one's own writes back changes nothing: in the live tail, those of a violation
 * the store holds are skipped, recognised by their {@link ViolationStore#WRITER_HEADER}.
 */
@ApplicationScoped
public class ViolationTopicReader {

    private static final Logger LOGGER = Logger.getLogger(ViolationTopicReader.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final int FETCH_BYTES = 256 * 1024;

    private final ViolationStore store;
    private final ObjectMapper json;
    private final ViolationConfig config;
    private final String topic;
    private final Map<String, Object> kafkaConfig;
    private final CountDownLatch rebuilt = new CountDownLatch(1);
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final AtomicLong upgradedCount = new AtomicLong();
    private volatile long rebuildRecords = -1;
    private volatile long rebuildMillis = -1;
    private volatile String lastError;
    private volatile boolean stopping;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public ViolationTopicReader(
            ViolationStore store,
            ObjectMapper json,
            ViolationConfig config,
            TopicsConfig topics,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.store = store;
        this.json = json;
        this.config = config;
        this.topic = topics.violations();
        this.kafkaConfig = kafkaConfig;
    }

    void start(@Observes StartupEvent event) {
        if (!config.durable()) {
            rebuildRecords = 0;
            rebuilt.countDown();
            return;
        }
        thread = new Thread(this::run, "flowwatch-violations-materialiser");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** True once the store holds everything the topic held at start. */
    public boolean rebuilt() {
        return rebuilt.getCount() == 0;
    }

    /** Waits until the store is rebuilt; false when the wait timed out. */
    public boolean awaitRebuilt(Duration timeout) throws InterruptedException {
        return rebuilt.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    long rebuildRecords() {
        return rebuildRecords;
    }

    long rebuildMillis() {
        return rebuildMillis;
    }

    long read() {
        return read.get();
    }

    long unreadable() {
        return unreadable.get();
    }

    /** Records of a retired violation type read in today's typing. */
    long upgraded() {
        return upgradedCount.get();
    }

    String lastError() {
        return lastError;
    }

    String topic() {
        return topic;
    }

    private void run() {
        long backoff = 500;
        while (!stopping) {
            try {
                ensureTopic();
                materialise();
                return;
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException | ExecutionException e) {
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOGGER.warnf("violations topic %s: %s; retrying in %d ms", topic, lastError, backoff);
                closeConsumer();
                sleep(backoff);
                backoff = Math.min(10_000, backoff * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void ensureTopic() throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(clientConfig("flowwatch-violations-admin"))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (names.contains(topic)) {
                return;
            }
            NewTopic t = new NewTopic(topic, Optional.of(config.partitions()), Optional.empty())
                    .configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.RETENTION_MS_CONFIG,
                            Long.toString(config.retention().toMillis())));
            try {
                admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
                LOGGER.infof(
                        "created violations topic %s (%d partitions, compact,delete, retention %s)",
                        topic, config.partitions(), config.retention());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer", e);
        }
    }

    private void materialise() {
        Map<String, Object> cfg = clientConfig("flowwatch-violations-reader");
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // fetch responses (one buffer each) below half a G1 region of a small heap, as the input channels' (see
        // application.properties): a larger buffer is allocated outside the young generation and starts a marking cycle
        cfg.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_BYTES);
        cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FETCH_BYTES);
        cfg.remove(ConsumerConfig.GROUP_ID_CONFIG);
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cfg);
        consumer = c;
        try {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " has no partitions yet");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long started = System.nanoTime();
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(partitions, Duration.ofSeconds(30)));
            Map<Integer, Long> tail = new HashMap<>();
            end.forEach((tp, offset) -> tail.put(tp.partition(), offset));
            long records = 0;
            if (!rebuilt()) {
                while (!stopping && !caughtUp(c, end)) {
                    records += apply(c, tail);
                }
                rebuildRecords = records;
                rebuildMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                lastError = null;
                LOGGER.infof(
                        "violations store rebuilt from %s: %d records, %d violations, %d ms",
                        topic, records, store.size(), rebuildMillis);
                rebuilt.countDown();
            }
            while (!stopping) {
                apply(c, tail);
            }
        } finally {
            closeConsumer();
        }
    }

    private static boolean caughtUp(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> end) {
        end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
        return end.isEmpty();
    }

    /**
     * Applies what one poll returned. A write of this store's own, read back in the live tail (past the end offsets
     * taken when this reading began) while the store holds its violation, is skipped: the store has it already. Any
     * other record is applied (restoring is monotonic), so a violation a tombstone removed, or a re-read from the
     * beginning after a failure, is restored from the store's own later writes as before.
     */
    private int apply(KafkaConsumer<String, byte[]> c, Map<Integer, Long> tail) {
        int n = 0;
        for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
            n++;
            read.incrementAndGet();
            if (r.key() == null) {
                unreadable.incrementAndGet();
                continue;
            }
            if (r.value() == null) {
                store.remove(r.key());
                continue;
            }
            if (ownWriteOfAHeldViolation(r, tail)) {
                continue;
            }
            try {
                Violation v = decode(r.value());
                Header memory = r.headers().lastHeader(ViolationStore.REPLAY_HEADER);
                store.restore(v, memory == null ? null : memory.value());
            } catch (IOException | RuntimeException e) {
                if (unreadable.incrementAndGet() == 1) {
                    LOGGER.warnf(
                            "unreadable record on %s (partition %d, offset %d): %s (logged once)",
                            topic, r.partition(), r.offset(), e.getMessage());
                }
            }
        }
        return n;
    }

    private boolean ownWriteOfAHeldViolation(ConsumerRecord<String, byte[]> r, Map<Integer, Long> tail) {
        Header writer = r.headers().lastHeader(ViolationStore.WRITER_HEADER);
        return writer != null
                && r.offset() >= tail.getOrDefault(r.partition(), Long.MAX_VALUE)
                && store.wroteItself(writer.value())
                && store.get(r.key()) != null;
    }

    /** A stored violation; one of a retired type is read in today's typing ({@link ViolationRetiredTypes}). */
    private Violation decode(byte[] value) throws IOException {
        try {
            return json.readValue(value, Violation.class);
        } catch (InvalidFormatException e) {
            ObjectNode upgraded = ViolationRetiredTypes.upgrade(json.readTree(value));
            if (upgraded == null) {
                throw e;
            }
            upgradedCount.incrementAndGet();
            return json.treeToValue(upgraded, Violation.class);
        }
    }

    private Map<String, Object> clientConfig(String clientId) {
        Map<String, Object> cfg = new HashMap<>();
        kafkaConfig.forEach((k, v) -> {
            if (k.startsWith("bootstrap.")
                    || k.startsWith("security.")
                    || k.startsWith("ssl.")
                    || k.startsWith("sasl.")) {
                cfg.put(k, v);
            }
        });
        cfg.put("client.id", clientId);
        return cfg;
    }

    private void closeConsumer() {
        KafkaConsumer<String, byte[]> c = consumer;
        consumer = null;
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOGGER.debug("closing the violations reader failed", e);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
