package ai.matih.flowwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.matih.flowwatch.demo.DemoTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    @Test
    void resourceReturnsTheSharedBrokerAsKafkaBootstrapServers() {
        // Given
        KafkaBroker resource = new KafkaBroker();

        // When
        Map<String, String> config = resource.start();

        // Then
        assertThat(config).containsOnlyKeys("kafka.bootstrap.servers");
        assertThat(config.get("kafka.bootstrap.servers")).isEqualTo(KafkaBroker.bootstrapServers());
        resource.stop();
        assertThat(new KafkaBroker().start()).isEqualTo(config);
    }

    @Test
    void dockerDetectionAnswersQuicklyWithoutThrowing() {
        // When / Then: with only a docker client and no engine, detection must fall back, not hang
        assertTimeoutPreemptively(Duration.ofSeconds(30), KafkaBroker::dockerAvailable);
    }

    @Test
    void preCreatesTheFlowwatchTopics() throws Exception {
        // When
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaBroker.bootstrapServers()))) {
            // Then
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(DemoTopics.ALL);
        }
    }

    @Test
    void recordRoundTrips() throws Exception {
        // Given
        String bootstrap = KafkaBroker.bootstrapServers();
        String key = UUID.randomUUID().toString();
        byte[] value = "{\"flow\":{\"verdict\":\"FORWARDED\"}}".getBytes(StandardCharsets.UTF_8);

        // When
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(DemoTopics.HUBBLE, key, value)).get(30, TimeUnit.SECONDS);
        }

        // Then
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "round-trip-" + key,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(DemoTopics.HUBBLE));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.stream().noneMatch(r -> key.equals(r.key())) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        assertThat(received)
                .filteredOn(r -> key.equals(r.key()))
                .singleElement()
                .satisfies(r -> assertThat(r.value()).isEqualTo(value));
    }
}
