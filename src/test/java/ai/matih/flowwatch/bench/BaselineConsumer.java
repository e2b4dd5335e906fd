package ai.matih.flowwatch.bench;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.DecodeSink;
import ai.matih.flowwatch.decode.FlowFormat;
import ai.matih.flowwatch.decode.FlowFormats;
import ai.matih.flowwatch.decode.RecordDecoder;
import ai.matih.flowwatch.decode.Rejection;
import ai.matih.flowwatch.demo.DemoTopics;
import ai.matih.flowwatch.flow.Flow;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongBiFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The throughput benchmark's yardsticks, run in a JVM of their own so that their CPU time is counted as the service's
 * is (every thread of the process: consumer, JIT compiler, GC) and the broker's is not: {@code bare} reads each
 * record's bytes and does nothing else (the machine's limit); {@code jackson} also binds every document to a Jackson
 * {@code JsonNode}; {@code decode} instead decodes every record with flowwatch's own decoder as the service does
 * (size and UTF-8 checks, the scanner's fast path, the name and label checks), judging nothing: the least any service
 * that reads these records into flows must spend. Reads the phases the spec file names (per partition, the offsets
 * from start to end), the first once more unmeasured before all (its JIT warm-up), then each phase three times;
 * prints one JSON line: per phase, records/s and CPU µs per record of the pass of median CPU, and the three passes'
 * CPU.
 */
public final class BaselineConsumer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PASSES = 3;

    private BaselineConsumer() {}

    public static void main(String[] args) throws IOException {
        JsonNode spec = JSON.readTree(Path.of(args[0]).toFile());
        String bootstrap = spec.get("bootstrap").asText();
        ToLongBiFunction<String, byte[]> work = work(spec.get("mode").asText());
        List<JsonNode> phases = new ArrayList<>();
        spec.get("phases").forEach(phases::add);
        consume(bootstrap, work, phases.get(0));
        Map<String, Object> out = new LinkedHashMap<>();
        for (JsonNode phase : phases) {
            out.put(phase.get("name").asText(), median(bootstrap, work, phase));
        }
        System.out.println(JSON.writeValueAsString(out));
    }

    private static ToLongBiFunction<String, byte[]> work(String mode) {
        if ("bare".equals(mode)) {
            return (topic, value) -> value.length;
        }
        if ("decode".equals(mode)) {
            return decoder();
        }
        ObjectReader reader = JSON.readerFor(JsonNode.class);
        return (topic, value) -> {
            long n = 0;
            long fields = 0;
            try (MappingIterator<JsonNode> docs = reader.readValues(value)) {
                while (docs.hasNextValue()) {
                    fields += docs.nextValue().size();
                    n++;
                }
            } catch (IOException e) {
                throw new IllegalStateException("a produced record is not JSON", e);
            }
            if (fields == 0) {
                throw new IllegalStateException("a document bound no field");
            }
            return n;
        };
    }

    /**
     * flowwatch's decoder with the service's default limits, the format by the demo topics' names; returns the number
     * of documents a record held (each a flow, an audit event or a skipped document; a rejection fails the run).
     */
    private static ToLongBiFunction<String, byte[]> decoder() {
        FlowFormats formats = FlowFormats.builtIn();
        Map<String, FlowFormat> byTopic = Map.of(
                DemoTopics.HUBBLE, formats.named("hubble"),
                DemoTopics.CALICO, formats.named("calico"),
                DemoTopics.AUDIT, formats.named("audit"));
        RecordDecoder decoder = new RecordDecoder(); // the built-in formats, found by name
        CountingSink sink = new CountingSink();
        Instant received = Instant.now();
        return (topic, value) -> {
            FlowFormat format = byTopic.get(topic);
            if (format == null) {
                throw new IllegalStateException("no format reads topic " + topic);
            }
            long before = sink.documents;
            decoder.decode(format, value, received, sink);
            return sink.documents - before;
        };
    }

    /** Counts what the decoder yields. */
    private static final class CountingSink implements DecodeSink {
        long documents;

        @Override
        public void flow(Flow flow) {
            documents++;
        }

        @Override
        public void audit(AuditEvent event) {
            documents++;
        }

        @Override
        public void skipped(String kind, long lostEvents) {
            documents++;
        }

        @Override
        public void rejected(Rejection rejection) {
            // the mixes hold no bad record: a rejection means this yardstick measures the wrong path
            throw new IllegalStateException("a produced record was rejected: " + rejection);
        }
    }

    /**
     * The phase read {@value #PASSES} times: the pass of median CPU per record, with every pass's figure. One pass
     * varied by a third between runs (its collector's cycles come or not within a few seconds), which alone could
     * move a ratio to it by as much.
     */
    private static Map<String, Object> median(String bootstrap, ToLongBiFunction<String, byte[]> work, JsonNode phase) {
        List<Map<String, Object>> passes = new ArrayList<>();
        for (int i = 0; i < PASSES; i++) {
            passes.add(consume(bootstrap, work, phase));
        }
        List<Map<String, Object>> byCpu = new ArrayList<>(passes);
        byCpu.sort(Comparator.comparingDouble(p -> (double) p.get("cpu_us_per_record")));
        Map<String, Object> median = new LinkedHashMap<>(byCpu.get(PASSES / 2));
        median.put( // in the order they ran
                "cpu_us_per_record_passes",
                passes.stream().map(p -> p.get("cpu_us_per_record")).toList());
        return median;
    }

    /**
     * Reads a phase's records, applying {@code work} to each value; fails unless the sum of what it returned equals
     * the phase's {@code expected}. Timed from the first poll that returned records, with the CPU time this JVM used
     * meanwhile.
     */
    private static Map<String, Object> consume(
            String bootstrap, ToLongBiFunction<String, byte[]> work, JsonNode phase) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // large fetches and polls: the consumer at its fastest (flowwatch's channels fetch 256 KB and poll 500
        // records at a time, for latency and for its small heap), so the yardstick is not made easier to approach;
        // 1 MB per partition, so that little is fetched past a phase's end (a partition is paused there)
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024 * 1024);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        Map<TopicPartition, Long> end = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> empty = new ArrayList<>();
            List<TopicPartition> all = new ArrayList<>();
            Map<TopicPartition, Long> start = new HashMap<>();
            for (JsonNode r : phase.get("ranges")) {
                TopicPartition tp = new TopicPartition(
                        r.get("topic").asText(), r.get("partition").asInt());
                all.add(tp);
                start.put(tp, r.get("start").asLong());
                end.put(tp, r.get("end").asLong());
                if (r.get("start").asLong() >= r.get("end").asLong()) {
                    empty.add(tp);
                }
            }
            consumer.assign(all);
            start.forEach(consumer::seek);
            consumer.pause(empty);
            long total = phase.get("records").asLong();
            long expected = phase.get("expected").asLong();
            long seen = 0;
            long checksum = 0;
            long first = 0;
            double cpuAtFirst = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (seen < total && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
                if (polled.isEmpty()) {
                    continue;
                }
                if (first == 0) {
                    first = System.nanoTime();
                    cpuAtFirst = ownCpuSeconds();
                }
                for (TopicPartition tp : polled.partitions()) {
                    long last = end.get(tp);
                    for (ConsumerRecord<byte[], byte[]> r : polled.records(tp)) {
                        if (r.offset() >= last) {
                            break;
                        }
                        checksum += work.applyAsLong(r.topic(), r.value());
                        seen++;
                    }
                    if (consumer.position(tp) >= last) {
                        consumer.pause(List.of(tp));
                    }
                }
            }
            long elapsed = System.nanoTime() - first;
            double cpu = ownCpuSeconds() - cpuAtFirst;
            if (seen != total || checksum != expected) {
                throw new IllegalStateException("read " + seen + " records (checksum " + checksum + ") of " + total
                        + " (checksum " + expected + ")");
            }
            return Map.of("records_per_s", seen / (elapsed / 1e9), "cpu_us_per_record", cpu * 1e6 / seen);
        }
    }

    /** CPU seconds (user + system) this JVM has used so far, all threads, from /proc; 0 where there is none. */
    private static double ownCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
