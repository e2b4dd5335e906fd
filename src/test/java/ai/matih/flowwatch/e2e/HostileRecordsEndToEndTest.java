package ai.matih.flowwatch.e2e;

import static ai.matih.flowwatch.e2e.HostileKafka.header;
import static ai.matih.flowwatch.e2e.HostileKafka.scrape;
import static ai.matih.flowwatch.e2e.HostileKafka.sum;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.ingest.DeadLetterQueue;
import ai.matih.flowwatch.testing.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
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
 * Hostile records on the real broker, with the default limits: each is dead-lettered within its bounds (whole when it
 * fits, one dead letter per document, at most {@code max-rejections-per-record} plus one per record), and the record
 * sent after it on the same partition is still judged, with liveness and readiness UP.
 */
@QuarkusTest
@TestProfile(HostileRecordsEndToEndTest.Profile.class)
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class HostileRecordsEndToEndTest {

    static final HostileKafka KAFKA = new HostileKafka("hostile-records");
    /** flowwatch.ingest.max-record-bytes by default. */
    static final int MAX_RECORD_BYTES = 983_040;

    static final int MAX_REJECTIONS = 100;

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
                            "topic." + KAFKA.hubble(),
                            "",
                            "topic." + KAFKA.dlq(),
                            "",
                            "topic." + KAFKA.violations(),
                            "")));
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aRecordJustUnderTheLimitWithOneInvalidByteIsDeadLetteredWholeAndTheChannelGoesOn() throws Exception {
        // Given
        byte[] hostile = new byte[MAX_RECORD_BYTES - 1];
        Arrays.fill(hostile, (byte) ' ');
        hostile[0] = '{';
        hostile[hostile.length / 2] = (byte) 0xFF;
        hostile[hostile.length - 1] = '}';
        String before = scrape();
        RecordMetadata sent;
        RecordMetadata good;

        // When
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(bootstrap)) {
            sent = HostileKafka.send(producer, KAFKA.hubble(), hostile);
            good = HostileKafka.send(producer, KAFKA.hubble(), HostileKafka.goodHubble(new Random(1), false));
        }

        // Then
        KAFKA.awaitCommittedPastAndUp(bootstrap, good);
        List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.deadLetters(bootstrap, sent, 1);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo(hostile);
            assertThat(header(letter, DeadLetterQueue.HEADER_REASON_CODE)).isEqualTo("invalid-utf8");
            assertThat(header(letter, DeadLetterQueue.HEADER_TRUNCATED)).isNull();
        });
        assertThat(sum(scrape(), "flowwatch_records_rejected_total", "reason=\"invalid-utf8\"")
                        - sum(before, "flowwatch_records_rejected_total", "reason=\"invalid-utf8\""))
                .isEqualTo(1.0);
    }

    @Test
    void aRecordJustUnderTheBrokersLimitIsDeadLetteredCutAndTheChannelGoesOn() throws Exception {
        // Given a record the broker just accepts (1 MiB + 12 bytes for the whole batch), with one invalid byte
        byte[] hostile = new byte[1_048_480];
        Arrays.fill(hostile, (byte) 'a');
        hostile[10] = (byte) 0xC3;
        String before = scrape();
        RecordMetadata sent;
        RecordMetadata good;

        // When
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(bootstrap)) {
            sent = HostileKafka.send(producer, KAFKA.hubble(), hostile);
            good = HostileKafka.send(producer, KAFKA.hubble(), HostileKafka.goodHubble(new Random(4), false));
        }

        // Then: oversized for flowwatch, dead-lettered with as much of it as fits in 1,000,000 bytes
        KAFKA.awaitCommittedPastAndUp(bootstrap, good);
        List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.deadLetters(bootstrap, sent, 1);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(header(letter, DeadLetterQueue.HEADER_REASON_CODE)).isEqualTo("oversized");
            assertThat(header(letter, DeadLetterQueue.HEADER_TRUNCATED)).isEqualTo("1048480");
            assertThat(letter.value().length).isLessThan(1_000_000).isGreaterThan(990_000);
            assertThat(letter.value()).startsWith(Arrays.copyOf(hostile, 100));
        });
        assertThat(sum(scrape(), "flowwatch_dead_letters_truncated_total", "topic=\"" + KAFKA.hubble() + "\"")
                        - sum(before, "flowwatch_dead_letters_truncated_total", "topic=\"" + KAFKA.hubble() + "\""))
                .isEqualTo(1.0);
    }

    @Test
    void anArrayOfAThousandInvalidObjectsMakesOneDeadLetterOfItsOwnBytes() throws Exception {
        // Given a 100 KB record: a JSON array of 1,000 flows with an invalid time
        StringBuilder array = new StringBuilder("[");
        for (int i = 0; i < 1_000; i++) {
            array.append(i == 0 ? "" : ",")
                    .append("{\"flow\":{\"time\":\"yesterday\",\"verdict\":\"FORWARDED\",\"n\":")
                    .append(i)
                    .append(",\"pad\":\"")
                    .append("x".repeat(50))
                    .append("\"}}");
        }
        byte[] hostile = array.append(']').toString().getBytes(StandardCharsets.UTF_8);
        String before = scrape();
        RecordMetadata sent;
        RecordMetadata good;

        // When
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(bootstrap)) {
            sent = HostileKafka.send(producer, KAFKA.hubble(), hostile);
            good = HostileKafka.send(producer, KAFKA.hubble(), HostileKafka.goodHubble(new Random(2), false));
        }

        // Then
        KAFKA.awaitCommittedPastAndUp(bootstrap, good);
        List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.deadLetters(bootstrap, sent, 1);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo(hostile);
            assertThat(header(letter, DeadLetterQueue.HEADER_REASON)).contains("1000 of 1000 elements rejected");
        });
        assertThat(sum(scrape(), "flowwatch_records_rejected_total", "topic=\"" + KAFKA.hubble() + "\"")
                        - sum(before, "flowwatch_records_rejected_total", "topic=\"" + KAFKA.hubble() + "\""))
                .isEqualTo(1.0);
    }

    @Test
    void aRecordOfManyBadDocumentsMakesAtMostTheCapPlusOneDeadLettersWithinItsOwnBytes() throws Exception {
        // Given 300 unparsable NDJSON lines of 300 bytes
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            lines.append("{\"flow\": not json ")
                    .append(i)
                    .append(' ')
                    .append("y".repeat(280))
                    .append('\n');
        }
        byte[] hostile = lines.toString().getBytes(StandardCharsets.UTF_8);
        String before = scrape();
        RecordMetadata sent;
        RecordMetadata good;

        // When
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(bootstrap)) {
            sent = HostileKafka.send(producer, KAFKA.hubble(), hostile);
            good = HostileKafka.send(producer, KAFKA.hubble(), HostileKafka.goodHubble(new Random(3), false));
        }

        // Then: 100 dead letters of one line each, and one of the remaining 200 lines
        KAFKA.awaitCommittedPastAndUp(bootstrap, good);
        List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.deadLetters(bootstrap, sent, MAX_REJECTIONS + 1);
        assertThat(letters).hasSize(MAX_REJECTIONS + 1);
        assertThat(letters)
                .filteredOn(l -> "too-many-rejections".equals(header(l, DeadLetterQueue.HEADER_REASON_CODE)))
                .singleElement()
                .satisfies(rest -> {
                    assertThat(header(rest, DeadLetterQueue.HEADER_LINE)).isEqualTo("101");
                    assertThat(new String(rest.value(), StandardCharsets.UTF_8)).startsWith("{\"flow\": not json 100 ");
                });
        long bytes = letters.stream().mapToLong(l -> l.value().length).sum();
        assertThat(bytes).isLessThanOrEqualTo(hostile.length);
    }
}
