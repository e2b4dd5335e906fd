package ai.matih.flowwatch.e2e;

import static ai.matih.flowwatch.e2e.HostileKafka.header;
import static ai.matih.flowwatch.e2e.HostileKafka.scrape;
import static ai.matih.flowwatch.e2e.HostileKafka.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.ingest.DeadLetterQueue;
import ai.matih.flowwatch.kafka.MessageLimit;
import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Output topics that take less than flowwatch writes never stop a channel: a dead-letter topic that takes at most 4 KB
 * gets a dead letter cut to fit it, a violations topic that takes at most 100 bytes gets none (counted as skipped),
 * and the records sent afterwards on the same partition are still judged, with liveness and readiness UP.
 */
@QuarkusTest
@TestProfile(RefusedWritesEndToEndTest.Profile.class)
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class RefusedWritesEndToEndTest {

    static final HostileKafka KAFKA = new HostileKafka("refused-writes");

    public static final class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return KAFKA.settings();
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(
                    HostileKafka.Topics.class,
                    Map.of(
                            "topic." + KAFKA.hubble(), "",
                            "topic." + KAFKA.dlq(), "max.message.bytes=4096",
                            "topic." + KAFKA.violations(), "max.message.bytes=100")));
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aDeadLetterLargerThanTheTopicTakesIsWrittenCutToFitAndTheChannelGoesOn() throws Exception {
        // Given a 20 KB record that is not JSON
        byte[] hostile = ("{\"flow\": not json " + "z".repeat(20_000)).getBytes(StandardCharsets.UTF_8);
        String before = scrape();
        RecordMetadata sent;
        RecordMetadata good;

        // When
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(bootstrap)) {
            sent = HostileKafka.send(producer, KAFKA.hubble(), hostile);
            good = HostileKafka.send(producer, KAFKA.hubble(), HostileKafka.goodHubble(new Random(11), false));
        }

        // Then
        KAFKA.awaitCommittedPastAndUp(bootstrap, good);
        List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.deadLetters(bootstrap, sent, 1);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(header(letter, DeadLetterQueue.HEADER_TRUNCATED)).isEqualTo(Integer.toString(hostile.length));
            assertThat(letter.value().length)
                    .isGreaterThan(2_048)
                    .isLessThanOrEqualTo(4096 - MessageLimit.OVERHEAD_BYTES);
            assertThat(letter.value()).containsExactly(Arrays.copyOf(hostile, letter.value().length));
            assertThat(header(letter, DeadLetterQueue.HEADER_REASON_CODE)).isEqualTo("invalid-json");
        });
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(sum(
                                        scrape(),
                                        "flowwatch_dead_letters_truncated_total",
                                        "topic=\"" + KAFKA.hubble() + "\"")
                                - sum(
                                        before,
                                        "flowwatch_dead_letters_truncated_total",
                                        "topic=\"" + KAFKA.hubble() + "\""))
                        .isEqualTo(1.0));
    }

    @Test
    void aViolationTheTopicRefusesIsCountedAsSkippedAndTheChannelGoesOn() throws Exception {
        // Given
        String before = scrape();
        int stored = Tokens.asAdmin()
                .get("/api/v1/violations?limit=500")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items")
                .size();

        RecordMetadata good;

        // When: breaches (their writes refused), then a normal connection
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(bootstrap)) {
            Random random = new Random(12);
            for (int i = 0; i < 3; i++) {
                HostileKafka.send(producer, KAFKA.hubble(), HostileKafka.goodHubble(random, true));
            }
            good = HostileKafka.send(producer, KAFKA.hubble(), HostileKafka.goodHubble(random, false));
        }

        // Then: the violations are judged and kept in the store, their writes skipped and counted, and the batch acked
        KAFKA.awaitCommittedPastAndUp(bootstrap, good);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(sum(
                                        scrape(), "flowwatch_violation_writes_skipped_total", "reason=\"too-large\"")
                                - sum(before, "flowwatch_violation_writes_skipped_total", "reason=\"too-large\""))
                        .isGreaterThanOrEqualTo(1.0));
        assertThat(Tokens.asAdmin()
                        .get("/api/v1/violations?limit=500")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("items")
                        .size())
                .isGreaterThan(stored);
    }
}
