package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.kafka.AcknowledgedProducer;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes rejected records, unchanged (or the rejected line of an NDJSON record), to the dead-letter topic
 * with headers naming the source topic, partition, offset, line and reason.
 */
@ApplicationScoped
public class DeadLetterQueue {

    public static final String HEADER_TOPIC = "flowwatch-source-topic";
    public static final String HEADER_PARTITION = "flowwatch-source-partition";
    public static final String HEADER_OFFSET = "flowwatch-source-offset";
    public static final String HEADER_LINE = "flowwatch-source-line";
    public static final String HEADER_REASON = "flowwatch-reason";
    public static final String HEADER_REASON_CODE = "flowwatch-reason-code";

    private final String topic;
    private final AcknowledgedProducer<byte[]> producer;

    public DeadLetterQueue(TopicsConfig topics, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.topic = topics.dlq();
        this.producer = new AcknowledgedProducer<>(kafkaConfig, ByteArraySerializer.class, "flowwatch-dlq",
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024));
    }

    /** Sends the rejected part of a record; the future completes when the broker has it. */
    public CompletableFuture<?> send(String sourceTopic, int partition, long offset, byte[] key, byte[] value,
                                     Rejection r) {
        byte[] payload = value;
        if (value != null && r.line() > 0 && (r.offset() != 0 || r.length() != value.length)) {
            payload = Arrays.copyOfRange(value, r.offset(), Math.min(value.length, r.offset() + r.length()));
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_TOPIC, utf8(sourceTopic));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(partition)));
        headers.add(HEADER_OFFSET, utf8(Long.toString(offset)));
        if (r.line() > 0) {
            headers.add(HEADER_LINE, utf8(Integer.toString(r.line())));
        }
        headers.add(HEADER_REASON_CODE, utf8(r.reason().tag()));
        headers.add(HEADER_REASON, utf8(r.reason().tag() + ": " + oneLine(r.detail())));
        return producer.send(new ProducerRecord<>(topic, null, key, payload, headers));
    }

    @PreDestroy
    void close() {
        producer.close();
    }

    private static String oneLine(String s) {
        String t = s.replace('\n', ' ').replace('\r', ' ');
        return t.length() <= 300 ? t : t.substring(0, 297) + "...";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
