package ai.matih.flowwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.KafkaBroker;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The producer sized to its topic, against the real broker: records that together exceed a small topic's limit are
 * all written, records too large on their own fail alone, and the producer goes on writing afterwards.
 */
class AcknowledgedProducerTest {

    /** Far below the producer's default batch.size (16 KiB). */
    private static final int SMALL_LIMIT = 2048;

    private static final List<AcknowledgedProducer<byte[]>> OPENED = new ArrayList<>();
    private static String bootstrap;
    private static Admin admin;

    @BeforeAll
    static void broker() {
        bootstrap = KafkaBroker.bootstrapServers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void close() {
        OPENED.forEach(AcknowledgedProducer::close);
        admin.close();
    }

    static Stream<Arguments> batchSizes() {
        // configured batch.size (null: the producer's default), topic limit, expected batch.size
        return Stream.of(
                Arguments.of(null, MessageLimit.BROKER_DEFAULT_BYTES, 16_384),
                Arguments.of("65536", MessageLimit.BROKER_DEFAULT_BYTES, 65_536),
                Arguments.of(null, 4096, 4096 - MessageLimit.OVERHEAD_BYTES),
                Arguments.of(1_000, 4096, 1_000),
                Arguments.of(null, MessageLimit.OVERHEAD_BYTES, 0),
                Arguments.of(null, 100, 0),
                Arguments.of("not a number", 2048, 2048 - MessageLimit.OVERHEAD_BYTES));
    }

    @ParameterizedTest(name = "batch.size {0}, limit {1} -> {2}")
    @MethodSource("batchSizes")
    void theBatchSizeIsNeverLargerThanTheTopicTakes(Object configured, int limit, int expected) {
        // Given
        Map<String, Object> config =
                configured == null ? Map.of() : Map.of(ProducerConfig.BATCH_SIZE_CONFIG, configured);

        // When
        int got = AcknowledgedProducer.batchSize(config, new MessageLimit(limit, "test"));

        // Then
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void theLimitIsTheTopicsOwnWhenItHasOne() {
        // Given
        String topic = topic(SMALL_LIMIT);

        // When
        MessageLimit limit = MessageLimit.learn(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic, Duration.ofSeconds(10));

        // Then
        assertThat(limit.bytes()).isEqualTo(SMALL_LIMIT);
        assertThat(limit.source()).contains(topic).contains("max.message.bytes");
    }

    @Test
    void theLimitOfATopicThatDoesNotExistYetIsTheBrokers() {
        // When
        MessageLimit limit = MessageLimit.learn(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                "not-created-" + UUID.randomUUID(),
                Duration.ofSeconds(10));

        // Then
        assertThat(limit.bytes()).isEqualTo(MessageLimit.BROKER_DEFAULT_BYTES);
        assertThat(limit.source()).contains("does not exist yet").contains("message.max.bytes");
    }

    @Test
    void theBrokersDefaultIsAssumedWithinTheTimeoutWhenKafkaDoesNotAnswer() throws Exception {
        // Given a port nothing listens on
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long started = System.nanoTime();

        // When
        MessageLimit limit = MessageLimit.learn(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort),
                "flowwatch-dlq",
                Duration.ofSeconds(2));

        // Then
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(6_000);
        assertThat(limit.bytes()).isEqualTo(MessageLimit.BROKER_DEFAULT_BYTES);
        assertThat(limit.source()).startsWith("assumed");
    }

    @Test
    void recordsThatTogetherExceedASmallTopicsLimitAreAllWritten() throws Exception {
        // Given 40 records of 1,000 bytes: two of them already exceed what the topic takes in one batch
        String topic = topic(SMALL_LIMIT);
        AcknowledgedProducer<byte[]> producer = producer(topic);

        // When sent at once, so that the producer batches them
        List<CompletableFuture<RecordMetadata>> writes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            writes.add(producer.send(new ProducerRecord<>(topic, null, new byte[1_000])));
        }

        // Then
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(writes).allSatisfy(w -> assertThat(w.join().offset()).isNotNegative());
        assertThat(endOffset(topic)).isEqualTo(40);
    }

    @Test
    void tooLargeRecordsSentTogetherFailOneByOneAndTheProducerGoesOn() throws Exception {
        // Given 20 records of 3,000 bytes, each larger than the topic takes
        String topic = topic(SMALL_LIMIT);
        AcknowledgedProducer<byte[]> producer = producer(topic);

        // When sent at once, then a small record
        List<CompletableFuture<RecordMetadata>> refused = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            refused.add(producer.send(new ProducerRecord<>(topic, null, new byte[3_000])));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> refused.stream().allMatch(CompletableFuture::isDone));
        CompletableFuture<RecordMetadata> small = producer.send(new ProducerRecord<>(topic, null, new byte[100]));

        // Then each refused record failed as too large, on its own, and the small one is written
        assertThat(refused).allSatisfy(w -> {
            assertThat(w).isCompletedExceptionally();
            assertThat(WriteFailure.permanent(w.handle((ok, e) -> e).join())).isEqualTo(WriteFailure.TOO_LARGE);
        });
        assertThat(small.get(60, TimeUnit.SECONDS).offset()).isZero();
        assertThat(producer.limit().bytes()).isEqualTo(SMALL_LIMIT);
    }

    // ------------------------------------------------------------------------------------------------ support

    private static AcknowledgedProducer<byte[]> producer(String topic) {
        AcknowledgedProducer<byte[]> producer = new AcknowledgedProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 50),
                ByteArraySerializer.class,
                "acknowledged-producer-test",
                topic,
                Map.of());
        OPENED.add(producer);
        return producer;
    }

    private static String topic(int maxMessageBytes) {
        String name = "limit-test-" + UUID.randomUUID();
        try {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(1), Optional.empty())
                            .configs(Map.of("max.message.bytes", Integer.toString(maxMessageBytes)))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + name, e);
        }
        return name;
    }

    private static long endOffset(String topic) throws Exception {
        var partition = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(partition)
                .offset();
    }
}
