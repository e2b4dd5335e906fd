package ai.matih.flowwatch.bench;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.DecodeLimits;
import ai.matih.flowwatch.decode.DecodeSink;
import ai.matih.flowwatch.decode.FastPath;
import ai.matih.flowwatch.decode.FlowFormat;
import ai.matih.flowwatch.decode.FlowFormats;
import ai.matih.flowwatch.decode.FormatDecoder;
import ai.matih.flowwatch.decode.RecordDecoder;
import ai.matih.flowwatch.decode.Rejection;
import ai.matih.flowwatch.decode.Shape;
import ai.matih.flowwatch.decode.hubble.StreamingHubbleDecoder;
import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.flow.Flow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Time per record (ns/op) of decoding the same record values five ways, one record per invocation, cycling through
 * the records of one set ({@link ScannerBenchmarkRecords}: Hubble, Calico, label-heavy Hubble with the
 * same endpoints again and again, and with a new endpoint in every line):
 *
 * <ul>
 *   <li>{@code production}: {@link RecordDecoder} as the service runs it for one record (size and UTF-8 checks, the
 *       format's fast path, the tree path for what it declines);
 *   <li>{@code productionTreePath}: the same decoder with the fast path off, every record through Jackson's tree and
 *       the tree decoders;
 *   <li>{@code scannerFastPath}: the format's fast path alone (the hand-written scanner), without the record checks;
 *   <li>{@code jacksonStreaming}: Jackson's streaming parser reading the same fields into the same flows
 *       ({@link StreamingHubbleDecoder}, {@link StreamingCalicoDecoder}), every endpoint or label object read again;
 *   <li>{@code jacksonStreamingCached}: the same, with the fast path's memo of endpoint and label objects by their
 *       bytes, so that the scanner is compared with the parser on equal terms.
 * </ul>
 *
 * <p>Every contender yields flows equal to {@code production}'s on every record: {@link #setUp} checks it before
 * measuring and throws otherwise (JsonScannerBenchmarkEquivalenceTest checks it in the build). Run with {@code
 * ./mvnw -Pbench -Dbench=JsonScannerBenchmark}; with JMH options, such as allocation per record:
 * {@code ./mvnw -Pbench -Dexec.args='-classpath %classpath org.openjdk.jmh.Main JsonScannerBenchmark -prof gc'}
 * (docs/performance.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx1g"})
public class JsonScannerBenchmark {

    /** The Kafka timestamp given with every record. */
    static final Instant RECEIVED = Instant.parse("2026-12-01T10:00:00Z");

    @Param({"HUBBLE", "CALICO", "HUBBLE_LABEL_HEAVY", "HUBBLE_LABEL_HEAVY_DISTINCT"})
    ScannerBenchmarkRecords records;

    private byte[][] values;
    private Contenders contenders;
    private final BlackholeSink sink = new BlackholeSink();
    private final List<Flow> fastFlows = new ArrayList<>(2);
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        values = records.build(records.records());
        contenders = new Contenders(records.format());
        List<String> differences = contenders.differences(values);
        if (!differences.isEmpty()) {
            throw new IllegalStateException(
                    differences.size() + " records decode differently, first: " + differences.get(0));
        }
        long bytes = 0;
        for (byte[] value : values) {
            bytes += value.length;
        }
        System.out.printf(
                "%n%s: %d records, %d bytes on average, %d declined by the fast path%n",
                records, values.length, bytes / values.length, contenders.declined(values));
    }

    private byte[] next() {
        byte[] value = values[next];
        next = (next + 1) & (values.length - 1);
        return value;
    }

    @Benchmark
    public void production(Blackhole bh) {
        sink.bh = bh;
        contenders.production.decode(contenders.format, next(), RECEIVED, sink);
    }

    @Benchmark
    public void productionTreePath(Blackhole bh) {
        sink.bh = bh;
        contenders.treePath.decode(contenders.format, next(), RECEIVED, sink);
    }

    @Benchmark
    public void scannerFastPath(Blackhole bh) {
        fastFlows.clear();
        bh.consume(contenders.fastPath.decode(next(), RECEIVED, Contenders.MAX_DOCUMENTS, fastFlows));
        for (int i = 0; i < fastFlows.size(); i++) {
            bh.consume(fastFlows.get(i));
        }
    }

    @Benchmark
    public List<Flow> jacksonStreaming() {
        return contenders.streaming.apply(next(), RECEIVED);
    }

    @Benchmark
    public List<Flow> jacksonStreamingCached() {
        return contenders.streamingCached.apply(next(), RECEIVED);
    }

    /** The five decoders of one format, with the application's default limits. */
    static final class Contenders {

        static final int MAX_DOCUMENTS = RecordDecoder.DEFAULT_MAX_LINES_PER_RECORD;

        final FlowFormat format;
        final RecordDecoder production;
        final RecordDecoder treePath;
        final FastPath fastPath;
        final BiFunction<byte[], Instant, List<Flow>> streaming;
        final BiFunction<byte[], Instant, List<Flow>> streamingCached;

        Contenders(String formatName) {
            FlowFormats formats = FlowFormats.builtIn();
            this.format = formats.named(formatName);
            this.production = new RecordDecoder(
                    formats,
                    RecordDecoder.DEFAULT_MAX_RECORD_BYTES,
                    MAX_DOCUMENTS,
                    RecordDecoder.DEFAULT_MAX_REJECTIONS_PER_RECORD);
            this.treePath = new RecordDecoder(
                    new FlowFormats(List.of(new WithoutFastPath(format))),
                    RecordDecoder.DEFAULT_MAX_RECORD_BYTES,
                    MAX_DOCUMENTS,
                    RecordDecoder.DEFAULT_MAX_REJECTIONS_PER_RECORD);
            DecodeLimits limits = DecodeLimits.of(
                    RecordDecoder.DEFAULT_MAX_RECORD_BYTES,
                    MAX_DOCUMENTS,
                    RecordDecoder.DEFAULT_MAX_REJECTIONS_PER_RECORD);
            this.fastPath = format.fastPath(limits).orElseThrow();
            JsonCodec codec = limits.json();
            if ("hubble".equals(formatName)) {
                this.streaming = new StreamingHubbleDecoder(codec, false)::decode;
                this.streamingCached = new StreamingHubbleDecoder(codec, true)::decode;
            } else {
                this.streaming = new StreamingCalicoDecoder(codec, false)::decode;
                this.streamingCached = new StreamingCalicoDecoder(codec, true)::decode;
            }
        }

        /**
         * For every record where a contender's flows differ from the production decoder's (or the production decoder
         * rejects or skips anything, which no benchmark record should make it do): the record and what differed.
         */
        List<String> differences(byte[][] values) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                byte[] value = values[i];
                CollectingSink expected = new CollectingSink();
                production.decode(format, value, RECEIVED, expected);
                if (expected.flows.isEmpty() || !expected.other.isEmpty()) {
                    out.add("record " + i + ": production decoded " + expected.flows.size() + " flows and "
                            + expected.other);
                    continue;
                }
                CollectingSink tree = new CollectingSink();
                treePath.decode(format, value, RECEIVED, tree);
                check(out, i, "tree path", expected.flows, () -> tree.flows);
                List<Flow> fast = new ArrayList<>();
                if (fastPath.decode(value, RECEIVED, MAX_DOCUMENTS, fast)) {
                    check(out, i, "fast path", expected.flows, () -> fast);
                }
                check(out, i, "Jackson streaming", expected.flows, () -> streaming.apply(value, RECEIVED));
                check(
                        out,
                        i,
                        "Jackson streaming, cached",
                        expected.flows,
                        () -> streamingCached.apply(value, RECEIVED));
                // the second time, from the memo
                check(
                        out,
                        i,
                        "Jackson streaming, cached, again",
                        expected.flows,
                        () -> streamingCached.apply(value, RECEIVED));
            }
            return out;
        }

        /** How many of {@code values} the fast path declines (they then take the tree path in production). */
        long declined(byte[][] values) {
            long declined = 0;
            for (byte[] value : values) {
                if (!fastPath.decode(value, RECEIVED, MAX_DOCUMENTS, new ArrayList<>())) {
                    declined++;
                }
            }
            return declined;
        }

        private static void check(
                List<String> out, int record, String who, List<Flow> expected, Supplier<List<Flow>> decoder) {
            List<Flow> actual;
            try {
                actual = decoder.get();
            } catch (RuntimeException e) {
                out.add("record " + record + ": " + who + " threw " + e);
                return;
            }
            if (!Objects.equals(expected, actual)) {
                out.add("record " + record + ": " + who + " gave " + actual + " instead of " + expected);
            }
        }
    }

    /** A format as it is, but without its fast path: every record takes the tree path. */
    private record WithoutFastPath(FlowFormat format) implements FlowFormat {

        @Override
        public String name() {
            return format.name();
        }

        @Override
        public String channel() {
            return format.channel();
        }

        @Override
        public String topicKey() {
            return format.topicKey();
        }

        @Override
        public String defaultTopic() {
            return format.defaultTopic();
        }

        @Override
        public Set<Shape> shapes() {
            return format.shapes();
        }

        @Override
        public List<String> metricTags() {
            return format.metricTags();
        }

        @Override
        public FormatDecoder decoder(DecodeLimits limits) {
            return format.decoder(limits);
        }
    }

    /** Hands everything decoded to the benchmark's blackhole. */
    private static final class BlackholeSink implements DecodeSink {
        Blackhole bh;

        @Override
        public void flow(Flow flow) {
            bh.consume(flow);
        }

        @Override
        public void audit(AuditEvent event) {
            bh.consume(event);
        }

        @Override
        public void skipped(String kind, long lostEvents) {
            bh.consume(kind);
        }

        @Override
        public void rejected(Rejection rejection) {
            bh.consume(rejection);
        }
    }

    /** Keeps the flows, and describes anything else. */
    private static final class CollectingSink implements DecodeSink {
        final List<Flow> flows = new ArrayList<>(2);
        final List<String> other = new ArrayList<>(0);

        @Override
        public void flow(Flow flow) {
            flows.add(flow);
        }

        @Override
        public void audit(AuditEvent event) {
            other.add("an audit event");
        }

        @Override
        public void skipped(String kind, long lostEvents) {
            other.add("a skipped " + kind);
        }

        @Override
        public void rejected(Rejection rejection) {
            other.add("a rejection: " + rejection);
        }
    }
}
