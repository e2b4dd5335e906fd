package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.demo.DemoRecords;
import ai.matih.flowwatch.demo.DemoTopics;
import ai.matih.flowwatch.ingest.DeadLetterQueue;
import ai.matih.flowwatch.testing.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Support of the hostile-input end-to-end tests: an application of their own (its own consumer group and topics, so
 * other test classes never see these records), its topics created with the given settings before it starts, records
 * sent in order to one partition, dead letters read back by the source offset they name, and metric sums.
 */
final class HostileKafka {

    /** All records of one test go to one partition (one key), so "after" means processed after. */
    static final byte[] KEY = "hostile".getBytes(StandardCharsets.UTF_8);

    private final String prefix;

    HostileKafka(String prefix) {
        this.prefix = prefix;
    }

    String hubble() {
        return prefix + "-hubble-flows";
    }

    String dlq() {
        return prefix + "-dlq";
    }

    String violations() {
        return prefix + "-violations";
    }

    /** The settings of the application: its own group and topics. */
    Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("flowwatch.group", prefix);
        s.put("flowwatch.topics.calico", prefix + "-calico-flows");
        s.put("flowwatch.topics.hubble", hubble());
        s.put("flowwatch.topics.audit", prefix + "-k8s-audit");
        s.put("flowwatch.topics.dlq", dlq());
        s.put("flowwatch.topics.violations", violations());
        return s;
    }

    /**
     * Creates the topics before the application starts: args name each topic ({@code topic.<name>}) with its
     * settings ({@code k=v,k=v}, may be empty).
     */
    public static final class Topics implements QuarkusTestResourceLifecycleManager {

        private Map<String, String> topics = Map.of();

        @Override
        public void init(Map<String, String> initArgs) {
            topics = initArgs;
        }

        @Override
        public Map<String, String> start() {
            List<NewTopic> create = new ArrayList<>();
            topics.forEach((key, settings) -> {
                Map<String, String> configs = new HashMap<>();
                for (String kv : settings.split(",")) {
                    if (!kv.isBlank()) {
                        configs.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                    }
                }
                create.add(new NewTopic(key.substring("topic.".length()), Optional.of(1), Optional.empty())
                        .configs(configs));
            });
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()))) {
                for (var result : admin.createTopics(create).values().values()) {
                    try {
                        result.get(30, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new IllegalStateException("cannot create a topic", e.getCause());
                        }
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot create the topics " + topics.keySet(), e);
            }
            return Map.of();
        }

        @Override
        public void stop() {
            // the topics live as long as the shared broker
        }
    }

    KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                2 * 1024 * 1024));
    }

    static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, KEY, value)).get(30, TimeUnit.SECONDS);
    }

    /** A Hubble record of a realistic connection (a violation when {@code violation}). */
    static byte[] goodHubble(Random random, boolean violation) {
        DemoRecords demo = new DemoRecords(random, Clock.systemUTC());
        while (true) {
            for (DemoRecords.Output o : demo.nextConnection(violation)) {
                if (DemoTopics.HUBBLE.equals(o.topic())) {
                    return o.value().getBytes(StandardCharsets.UTF_8);
                }
            }
        }
    }

    /** The dead letters of the record at {@code source} of the input topic, read until {@code expected} are there. */
    List<ConsumerRecord<byte[], byte[]>> deadLetters(String bootstrap, RecordMetadata source, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false))) {
            TopicPartition partition = new TopicPartition(dlq(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> {
                    if (of(r, source)) {
                        out.add(r);
                    }
                });
                return out.size() >= expected;
            });
            // anything more of the same record is there by now: the tests await a later record first
            consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                if (of(r, source)) {
                    out.add(r);
                }
            });
        }
        return out;
    }

    private static boolean of(ConsumerRecord<byte[], byte[]> letter, RecordMetadata source) {
        return source.topic().equals(header(letter, DeadLetterQueue.HEADER_TOPIC))
                && Integer.toString(source.partition()).equals(header(letter, DeadLetterQueue.HEADER_PARTITION))
                && Long.toString(source.offset()).equals(header(letter, DeadLetterQueue.HEADER_OFFSET));
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A URL of the management interface (its own port; the root already ends in {@code /q}). */
    static String management(String path) {
        return TestHTTPResourceManager.getManagementUri() + path;
    }

    static String scrape() {
        return given().get(management("/metrics"))
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    /** The sum of the series of {@code name} whose labels contain all of {@code labels}; 0 when there is none. */
    static double sum(String scrape, String name, String... labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /**
     * Waits until the application committed its offsets past {@code last} (so every record up to it was processed and
     * its writes acknowledged: the channel went on), then checks that liveness and readiness are UP.
     */
    void awaitCommittedPastAndUp(String bootstrap, RecordMetadata last) {
        TopicPartition partition = new TopicPartition(last.topic(), last.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(prefix)
                                .partitionsToOffsetAndMetadata()
                                .get(30, TimeUnit.SECONDS)
                                .get(partition);
                        assertThat(committed)
                                .as("committed offset of " + partition)
                                .isNotNull();
                        assertThat(committed.offset()).isGreaterThan(last.offset());
                    });
        }
        given().get(management("/health/live")).then().statusCode(200);
        given().get(management("/health/ready")).then().statusCode(200);
    }
}
