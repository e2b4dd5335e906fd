package ai.matih.flowwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.demo.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lag of a topic as {@link ConsumerLag} reads it from a real Kafka consumer's metrics, against a real broker: the
 * records not yet consumed, per topic (a dotted topic name included), summed over its partitions.
 */
class ConsumerLagTest {

    private static final String DOTTED = "lag.flows";
    private static final String OTHER = "lag-other";
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(0, 2);
        broker.createTopics(new String[] {DOTTED, OTHER});
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(DOTTED, i % 2, null, new byte[] {(byte) i}));
            }
            for (int i = 0; i < 7; i++) {
                producer.send(new ProducerRecord<>(OTHER, 0, null, new byte[] {(byte) i}));
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theLagOfATopicIsWhatItsPartitionsHoldBeyondThePositionSummed() {
        // Given: a consumer of both partitions of one topic and one of another, taking five records a poll
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
            List<TopicPartition> partitions =
                    List.of(new TopicPartition(DOTTED, 0), new TopicPartition(DOTTED, 1), new TopicPartition(OTHER, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<String, Integer> consumed = new HashMap<>();

            // When: polled until every partition has given records at least once
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    consumed.merge(r.topic() + "-" + r.partition(), 1, Integer::sum);
                }
                return consumed.size() == 3;
            });

            // Then
            int dotted = consumed.get(DOTTED + "-0") + consumed.get(DOTTED + "-1");
            assertThat(ConsumerLag.lag(consumer.metrics(), DOTTED)).isEqualTo(100.0 - dotted);
            assertThat(ConsumerLag.lag(consumer.metrics(), OTHER)).isEqualTo(7.0 - consumed.get(OTHER + "-0"));
            assertThat(ConsumerLag.lag(consumer.metrics(), "not-assigned")).isZero();

            // When: everything consumed
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200));
                return ConsumerLag.lag(consumer.metrics(), DOTTED) == 0
                        && ConsumerLag.lag(consumer.metrics(), OTHER) == 0;
            });

            // Then
            assertThat(consumer.position(new TopicPartition(DOTTED, 0))
                            + consumer.position(new TopicPartition(DOTTED, 1)))
                    .isEqualTo(100);
        }
    }
}
