package ai.matih.flowwatch.topology;

import ai.matih.flowwatch.kafka.AcknowledgedProducer;
import ai.matih.flowwatch.kafka.TopicsConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Makes the changes learnt from the audit stream durable when the Kubernetes API is not watched: each change the
 * {@link TopologyHolder} applies is written to the compacted topic {@code flowwatch.topics.topology}, keyed by the
 * object it changes ({@code namespace/<name>}, {@code networkpolicy/<ns>/<name>}), and at start the topic is read back
 * into the holder before the topology counts as ready. With the API watched nothing is written or read: a restart
 * resyncs from the API.
 */
@ApplicationScoped
public class TopologyJournal {

    private static final Logger LOGGER = Logger.getLogger(TopologyJournal.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final TopologyHolder holder;
    private final boolean enabled;
    private final String topic;
    private final Map<String, Object> kafkaConfig;
    private final CountDownLatch restored = new CountDownLatch(1);
    private volatile AcknowledgedProducer<String> producer;
    private volatile boolean stopping;
    private volatile String lastError;
    private volatile long restoredChanges;
    private final AtomicLong written = new AtomicLong();

    public TopologyJournal(
            TopologyHolder holder,
            TopologyConfig config,
            TopicsConfig topics,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.holder = holder;
        this.enabled = !config.kubernetes().enabled();
        this.topic = topics.topology();
        this.kafkaConfig = kafkaConfig;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Reads the topic back into the holder, then writes every change it applies (a thread of its own). */
    public void start() {
        if (!enabled) {
            restored.countDown();
            return;
        }
        Thread t = new Thread(this::restoreWithRetries, "flowwatch-topology-journal");
        t.setDaemon(true);
        t.start();
    }

    /** Stops writing. */
    public void stop() {
        stopping = true;
        holder.onApplied(null);
        AcknowledgedProducer<String> p = producer;
        if (p != null) {
            p.close();
        }
    }

    /** True once the changes the topic held at start are applied (always true when the API is watched). */
    public boolean restored() {
        return restored.getCount() == 0;
    }

    /** Waits until {@link #restored()}; false when the wait timed out. */
    public boolean awaitRestored(Duration timeout) throws InterruptedException {
        return restored.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Changes read back at start. */
    public long restoredChanges() {
        return restoredChanges;
    }

    /** Changes written to the topic and acknowledged since start. */
    public long written() {
        return written.get();
    }

    /** Why the topic could not be read yet, or null. */
    public String lastError() {
        return lastError;
    }

    private void restoreWithRetries() {
        long backoff = 500;
        while (!stopping) {
            try {
                ensureTopic();
                restore();
                producer = new AcknowledgedProducer<>(
                        kafkaConfig, StringSerializer.class, "flowwatch-topology-journal", topic, Map.of());
                holder.onApplied(this::write);
                lastError = null;
                restored.countDown();
                return;
            } catch (RuntimeException | ExecutionException | TimeoutException e) {
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOGGER.warnf("topology topic %s: %s; retrying in %d ms", topic, lastError, backoff);
                sleep(backoff);
                backoff = Math.min(10_000, backoff * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void ensureTopic() throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(clientConfig("flowwatch-topology-admin"))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (names.contains(topic)) {
                return;
            }
            NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
                LOGGER.infof("created topology topic %s (compacted)", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private void restore() {
        Map<String, Object> cfg = clientConfig("flowwatch-topology-reader");
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cfg)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " has no partitions yet");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(partitions, Duration.ofSeconds(30)));
            Map<String, TopologyChange> latest = new LinkedHashMap<>();
            while (!stopping) {
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                if (end.isEmpty()) {
                    break;
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    TopologyChange change = read(r.value());
                    if (change != null) {
                        latest.put(change.key(), change);
                    }
                }
            }
            latest.values().forEach(holder::apply);
            restoredChanges = latest.size();
            LOGGER.infof("topology changes restored from %s: %d objects", topic, latest.size());
        }
    }

    private void write(TopologyChange change) {
        AcknowledgedProducer<String> p = producer;
        if (p == null || stopping) {
            return;
        }
        try {
            p.send(new ProducerRecord<>(topic, change.key(), JSON.writeValueAsBytes(toJson(change))))
                    .whenComplete((m, e) -> {
                        if (e == null) {
                            written.incrementAndGet();
                        } else {
                            LOGGER.warnf("topology change %s not written to %s: %s", change.key(), topic, e.toString());
                        }
                    });
        } catch (IOException | RuntimeException e) {
            LOGGER.warnf("topology change %s not written to %s: %s", change.key(), topic, e.toString());
        }
    }

    /** The change as the topic holds it. */
    static ObjectNode toJson(TopologyChange change) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", change.getClass().getSimpleName());
        o.put("at", change.at().toString());
        if (change instanceof TopologyChange.NamespaceLabels n) {
            o.put("name", n.name());
            o.set("labels", JSON.valueToTree(n.labels()));
            if (n.resourceVersion() != null) {
                o.put("resourceVersion", n.resourceVersion());
            }
        } else if (change instanceof TopologyChange.NamespaceDeleted d) {
            o.put("name", d.name());
        } else if (change instanceof TopologyChange.PolicyUpserted u) {
            o.set("policy", JSON.valueToTree(u.policy()));
        } else if (change instanceof TopologyChange.PolicyDeleted d) {
            o.put("namespace", d.namespace());
            o.put("name", d.name());
        }
        return o;
    }

    /** A change from the topic, or null (logged) when it cannot be read. */
    static TopologyChange read(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode o = JSON.readTree(value);
            Instant at = Instant.parse(o.path("at").asText());
            return switch (o.path("type").asText()) {
                case "NamespaceLabels" ->
                    new TopologyChange.NamespaceLabels(
                            o.path("name").asText(),
                            JSON.convertValue(
                                    o.path("labels"),
                                    JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class)),
                            at,
                            o.hasNonNull("resourceVersion")
                                    ? o.get("resourceVersion").asLong()
                                    : null);
                case "NamespaceDeleted" ->
                    new TopologyChange.NamespaceDeleted(o.path("name").asText(), at);
                case "PolicyUpserted" ->
                    new TopologyChange.PolicyUpserted(JSON.convertValue(o.path("policy"), NetworkPolicy.class), at);
                case "PolicyDeleted" ->
                    new TopologyChange.PolicyDeleted(
                            o.path("namespace").asText(), o.path("name").asText(), at);
                default -> null;
            };
        } catch (IOException | RuntimeException e) {
            LOGGER.warnf("unreadable topology change skipped: %s", e.toString());
            return null;
        }
    }

    private Map<String, Object> clientConfig(String clientId) {
        Map<String, Object> cfg = new HashMap<>(kafkaConfig);
        cfg.put("client.id", clientId);
        return cfg;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
