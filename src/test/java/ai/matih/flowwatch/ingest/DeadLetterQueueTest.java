package ai.matih.flowwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.decode.Formats;
import ai.matih.flowwatch.decode.RecordDecoder;
import ai.matih.flowwatch.decode.RecordingSink;
import ai.matih.flowwatch.decode.RejectReason;
import ai.matih.flowwatch.decode.Rejection;
import ai.matih.flowwatch.kafka.MessageLimit;
import ai.matih.flowwatch.metrics.PipelineMetrics;
import ai.matih.flowwatch.testing.KafkaBroker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dead letters against the real broker: sized before they are sent, cut when the topic refuses them as too large,
 * counted and dropped when it refuses even that, and only a transient failure fails the write.
 */
class DeadLetterQueueTest {

    private static final int BUDGET = 1_000_000;
    private static final Header[] HEADERS = {
        new RecordHeader(DeadLetterQueue.HEADER_TOPIC, "hubble-flows".getBytes(StandardCharsets.UTF_8)),
        new RecordHeader(DeadLetterQueue.HEADER_REASON, "invalid-json: x".getBytes(StandardCharsets.UTF_8))
    };

    private static final List<DeadLetterQueue> OPENED = new ArrayList<>();
    private static String bootstrap;
    private static Admin admin;

    @BeforeAll
    static void broker() {
        bootstrap = KafkaBroker.bootstrapServers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void close() {
        OPENED.forEach(DeadLetterQueue::close);
        admin.close();
    }

    static Stream<Arguments> sizes() {
        // payload length, key length, expected payload length, expected key length, truncated header, key header
        int headers = headerBytes();
        int fits = BUDGET - headers - 100;
        return Stream.of(
                Arguments.of(1_000, 10, 1_000, 10, null, null),
                Arguments.of(fits, 100, fits, 100, null, null),
                Arguments.of(fits + 1, 100, BUDGET - headers - 100 - 32, 100, fits + 1, null),
                Arguments.of(2_000_000, 0, BUDGET - headers - 32, 0, 2_000_000, null),
                Arguments.of(10, 100_000, 10, DeadLetterQueue.MAX_KEY_BYTES, null, 100_000),
                Arguments.of(
                        2_000_000,
                        100_000,
                        BUDGET - headers - 64 - DeadLetterQueue.MAX_KEY_BYTES,
                        DeadLetterQueue.MAX_KEY_BYTES,
                        2_000_000,
                        100_000));
    }

    @ParameterizedTest(name = "payload {0} key {1}")
    @MethodSource("sizes")
    void aDeadLetterIsCutToFitItsBudgetBeforeItIsSent(
            int payloadLength, int keyLength, int keptPayload, int keptKey, Integer truncated, Integer keyTruncated) {
        // Given
        byte[] value = new byte[payloadLength + 20];
        byte[] key = keyLength == 0 ? null : new byte[keyLength];

        // When
        ProducerRecord<byte[], byte[]> letter = DeadLetterQueue.fit(
                "dlq",
                HEADERS,
                key,
                value,
                20,
                payloadLength,
                BUDGET,
                DeadLetterQueue.MAX_KEY_BYTES,
                Integer.MAX_VALUE);

        // Then
        assertThat(letter.value()).hasSize(keptPayload);
        assertThat(letter.key() == null ? 0 : letter.key().length).isEqualTo(keptKey);
        assertThat(header(letter.headers().toArray(), DeadLetterQueue.HEADER_TRUNCATED))
                .isEqualTo(truncated == null ? null : truncated.toString());
        assertThat(header(letter.headers().toArray(), DeadLetterQueue.HEADER_KEY_TRUNCATED))
                .isEqualTo(keyTruncated == null ? null : keyTruncated.toString());
        assertThat(size(letter)).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void aRecordJustUnderTheRecordLimitWithOneInvalidByteIsDeadLetteredWhole() throws Exception {
        // Given a record of the largest size accepted, with a long key, rejected as invalid UTF-8
        String topic = topic(Map.of());
        byte[] value = new byte[RecordDecoder.DEFAULT_MAX_RECORD_BYTES];
        Arrays.fill(value, (byte) 'a');
        value[value.length / 2] = (byte) 0xC3;
        byte[] key = new byte[DeadLetterQueue.MAX_KEY_BYTES];
        RecordingSink sink = new RecordingSink();
        RecordingSink.DECODER.decode(Formats.HUBBLE, value, sink);
        Rejection rejection = sink.rejections.get(0);
        Fixture f = new Fixture(topic, Map.of());

        // When
        f.dlq.send("hubble-flows", 3, 42L, key, value, rejection).get(60, TimeUnit.SECONDS);

        // Then
        ConsumerRecord<byte[], byte[]> letter = f.readOne();
        assertThat(letter.value()).isEqualTo(value);
        assertThat(letter.key()).isEqualTo(key);
        assertThat(letter.headers().lastHeader(DeadLetterQueue.HEADER_TRUNCATED))
                .isNull();
        assertThat(rejection.reason()).isEqualTo(RejectReason.INVALID_UTF8);
        assertThat(f.count(PipelineMetrics.DEAD_LETTERS_TRUNCATED) + f.count(PipelineMetrics.DEAD_LETTERS_SKIPPED))
                .isZero();
    }

    @Test
    void aDeadLetterLargerThanTheBudgetIsCutBeforeItIsSent() throws Exception {
        // Given a record just under the broker's limit, rejected whole
        String topic = topic(Map.of());
        byte[] value = new byte[1_040_000];
        Fixture f = new Fixture(topic, Map.of());

        // When
        f.dlq.send("hubble-flows", 0, 7L, null, value, Rejection.whole(RejectReason.OVERSIZED, "too big", value.length))
                .get(60, TimeUnit.SECONDS);

        // Then
        ConsumerRecord<byte[], byte[]> letter = f.readOne();
        assertThat(letter.value().length).isLessThanOrEqualTo(BUDGET).isGreaterThan(BUDGET - 2_000);
        assertThat(text(letter, DeadLetterQueue.HEADER_TRUNCATED)).isEqualTo("1040000");
        assertThat(text(letter, DeadLetterQueue.HEADER_OFFSET)).isEqualTo("7");
        assertThat(f.count(PipelineMetrics.DEAD_LETTERS_TRUNCATED)).isEqualTo(1.0);
    }

    @Test
    void aDeadLetterLargerThanTheTopicTakesIsCutToFitItBeforeItIsSent() throws Exception {
        // Given a topic that takes at most 4 KB, smaller than the budget
        String topic = topic(Map.of("max.message.bytes", "4096"));
        byte[] value = "x".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        Fixture f = new Fixture(topic, Map.of());

        // When
        f.dlq.send(
                        "calico-flows",
                        1,
                        9L,
                        "key".getBytes(StandardCharsets.UTF_8),
                        value,
                        Rejection.whole(RejectReason.INVALID_JSON, "bad", value.length))
                .get(60, TimeUnit.SECONDS);

        // Then: cut once, up front, to the topic's limit less the batch overhead
        ConsumerRecord<byte[], byte[]> letter = f.readOne();
        assertThat(f.dlq.budget()).isEqualTo(4096 - MessageLimit.OVERHEAD_BYTES);
        assertThat(letter.value().length)
                .isGreaterThan(DeadLetterQueue.RETRY_PAYLOAD_BYTES)
                .isLessThanOrEqualTo(4096 - MessageLimit.OVERHEAD_BYTES);
        assertThat(letter.key()).isEqualTo("key".getBytes(StandardCharsets.UTF_8));
        assertThat(text(letter, DeadLetterQueue.HEADER_TRUNCATED)).isEqualTo("20000");
        assertThat(f.count(PipelineMetrics.DEAD_LETTERS_TRUNCATED)).isEqualTo(1.0);
        assertThat(f.count(PipelineMetrics.DEAD_LETTERS_SKIPPED)).isZero();
    }

    @Test
    void aDeadLetterTheTopicRefusesAsTooLargeIsWrittenAgainCut() throws Exception {
        // Given a topic that takes at most 4 KB, while the queue takes it for one of the broker's default (its limit
        // was lowered after the queue learned it)
        String topic = topic(Map.of("max.message.bytes", "4096"));
        byte[] value = "x".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        Fixture f = new Fixture(topic, Map.of(), MessageLimit.assumed("test"));

        // When
        f.dlq.send(
                        "calico-flows",
                        1,
                        9L,
                        "key".getBytes(StandardCharsets.UTF_8),
                        value,
                        Rejection.whole(RejectReason.INVALID_JSON, "bad", value.length))
                .get(60, TimeUnit.SECONDS);

        // Then
        ConsumerRecord<byte[], byte[]> letter = f.readOne();
        assertThat(letter.value()).hasSize(DeadLetterQueue.RETRY_PAYLOAD_BYTES);
        assertThat(letter.key()).isNull();
        assertThat(text(letter, DeadLetterQueue.HEADER_TRUNCATED)).isEqualTo("20000");
        assertThat(text(letter, DeadLetterQueue.HEADER_KEY_TRUNCATED)).isEqualTo("3");
        assertThat(text(letter, DeadLetterQueue.HEADER_REASON_CODE)).isEqualTo("invalid-json");
        assertThat(f.count(PipelineMetrics.DEAD_LETTERS_TRUNCATED)).isEqualTo(1.0);
        assertThat(f.count(PipelineMetrics.DEAD_LETTERS_SKIPPED)).isZero();
    }

    @Test
    void deadLettersRefusedEvenCutAreEachCountedAndDroppedWithoutFailing() throws Exception {
        // Given a topic that takes less than the headers of a dead letter, far less than a producer batch
        String topic = topic(Map.of("max.message.bytes", "100"));
        byte[] value = "x".repeat(5_000).getBytes(StandardCharsets.UTF_8);
        Fixture f = new Fixture(topic, Map.of());

        // When 20 dead letters are sent at once (one batch, were they batched)
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            writes.add(f.dlq.send(
                    "k8s-audit", 0, i, null, value, Rejection.whole(RejectReason.INVALID_JSON, "bad", value.length)));
        }

        // Then: every write completes (the batch goes on), each counted as skipped
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(f.count(PipelineMetrics.DEAD_LETTERS_SKIPPED)).isEqualTo(20.0);
        assertThat(f.registry
                        .get(PipelineMetrics.DEAD_LETTERS_SKIPPED)
                        .tag("topic", "k8s-audit")
                        .tag("reason", "too-large")
                        .counter()
                        .count())
                .isEqualTo(20.0);
        assertThat(f.count(PipelineMetrics.DEAD_LETTERS_TRUNCATED)).isZero();
    }

    @Test
    void aBurstOfDeadLettersThatTogetherExceedASmallTopicIsWrittenWhole() throws Exception {
        // Given a topic of 8 KB, far below a producer batch, and 30 dead letters of 2 KB that each fit
        String topic = topic(Map.of("max.message.bytes", "8192"));
        byte[] value = "y".repeat(2_000).getBytes(StandardCharsets.UTF_8);
        Fixture f = new Fixture(topic, Map.of());

        // When sent at once
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            writes.add(f.dlq.send(
                    "hubble-flows",
                    0,
                    i,
                    null,
                    value,
                    Rejection.whole(RejectReason.INVALID_JSON, "bad", value.length)));
        }

        // Then
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(f.readAll(30))
                .hasSize(30)
                .allSatisfy(letter -> assertThat(letter.value()).isEqualTo(value));
        assertThat(f.count(PipelineMetrics.DEAD_LETTERS_SKIPPED) + f.count(PipelineMetrics.DEAD_LETTERS_TRUNCATED))
                .isZero();
    }

    @Test
    void aTransientFailureFailsTheWrite() throws Exception {
        // Given a broker that cannot be reached, and a producer that waits at most 2 s for it
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Fixture f = new Fixture(
                "flowwatch-dlq",
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "127.0.0.1:" + closedPort,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        2_000));
        byte[] value = "{\"bad\"".getBytes(StandardCharsets.UTF_8);

        // When
        CompletableFuture<Void> write = f.dlq.send(
                "hubble-flows", 0, 1L, null, value, Rejection.whole(RejectReason.INVALID_JSON, "bad", value.length));

        // Then
        await().atMost(Duration.ofSeconds(30)).until(write::isDone);
        assertThat(write).isCompletedExceptionally();
        assertThat(f.count(PipelineMetrics.DEAD_LETTERS_SKIPPED)).isZero();
        assertThatThrownBy(write::get)
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RetriableException.class);
    }

    // ------------------------------------------------------------------------------------------------ support

    private final class Fixture {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final DeadLetterQueue dlq;
        final String topic;

        Fixture(String topic, Map<String, Object> producer) {
            this(topic, producer, null);
        }

        /** With {@code limit} taken as the topic's limit; null: asked of the broker. */
        Fixture(String topic, Map<String, Object> producer, MessageLimit limit) {
            this.topic = topic;
            HashMap<String, Object> config = new HashMap<>(producer);
            config.putIfAbsent(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            PipelineMetrics metrics = new PipelineMetrics(registry, () -> 10);
            this.dlq = limit == null
                    ? new DeadLetterQueue(topic, BUDGET, metrics, config)
                    : new DeadLetterQueue(topic, BUDGET, metrics, config, limit);
            OPENED.add(dlq);
        }

        double count(String name) {
            return registry.find(name).counters().stream()
                    .mapToDouble(Counter::count)
                    .sum();
        }

        ConsumerRecord<byte[], byte[]> readOne() {
            List<ConsumerRecord<byte[], byte[]>> out = readAll(1);
            assertThat(out).hasSize(1);
            return out.get(0);
        }

        /** The topic's records, read until there are at least {@code expected}, and what else came with them. */
        List<ConsumerRecord<byte[], byte[]>> readAll(int expected) {
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "dlq-test-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName()))) {
                consumer.subscribe(List.of(topic));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                    return out.size() >= expected;
                });
            }
            return out;
        }
    }

    private static String topic(Map<String, String> configs) {
        String name = "dlq-test-" + UUID.randomUUID();
        try {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(1), Optional.empty()).configs(configs)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + name, e);
        }
        return name;
    }

    private static int headerBytes() {
        int n = 0;
        for (Header h : HEADERS) {
            n += h.key().length() + h.value().length;
        }
        return n;
    }

    private static long size(ProducerRecord<byte[], byte[]> letter) {
        long n =
                (letter.key() == null ? 0 : letter.key().length) + (letter.value() == null ? 0 : letter.value().length);
        for (Header h : letter.headers()) {
            n += h.key().length() + h.value().length;
        }
        return n;
    }

    private static String header(Header[] headers, String name) {
        for (Header h : headers) {
            if (h.key().equals(name)) {
                return new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String text(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
