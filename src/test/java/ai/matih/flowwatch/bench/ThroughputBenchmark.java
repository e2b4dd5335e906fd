package ai.matih.flowwatch.bench;

import ai.matih.flowwatch.demo.DemoRecords;
import ai.matih.flowwatch.demo.DemoTopics;
import ai.matih.flowwatch.demo.EmbeddedKafkaBroker;
import ai.matih.flowwatch.testing.ChildAuth;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end throughput of the packaged service against the bare Kafka consumer on the same records, same broker,
 * same run (issue 6). {@code ./mvnw -Pthroughput [-Dbench.records=2000000]}; prints one JSON line and exits non-zero
 * when any record is unaccounted for (flows + rejected + audit events counted by flowwatch must equal the documents
 * produced), or when flowwatch does not start.
 *
 * <p>Phases: start Apache Kafka's broker in-process (topics with {@value #PARTITIONS} partitions); preload N realistic
 * records from {@link DemoRecords} (mostly Hubble with its replies, some Calico Enterprise and Goldmane, a few audit
 * events, about 1 % violating connections) with several producer threads; (a) a bare {@code KafkaConsumer<byte[],
 * byte[]>} reads every partition of the three input topics, then one that also binds each document to a Jackson
 * {@code JsonNode} and does nothing else (the second yardstick), then one that decodes each record with flowwatch's
 * own decoder and judges nothing (the third: {@link BaselineConsumer}); (b) {@code target/quarkus-app/quarkus-run.jar} runs
 * as a child process with {@code -Xmx512m} and consumes them from scratch, timed black-box from its {@code /q/metrics};
 * then its maximum rate while records are produced live on the same machine, and, while records are produced at half
 * that rate, violations with unique ports are produced and timed until they appear on
 * {@code GET /api/v1/violations/stream}; finally two instances share the partitions in a
 * new consumer group (scale-out).
 *
 * <p>System properties: {@code bench.records} (2000000), {@code bench.app} (the quarkus-run.jar),
 * {@code bench.producers} (2), {@code bench.latency.seconds} (10), {@code bench.latency.warmup.seconds} (20: load
 * at the latency rate before the first probe), {@code bench.latency.rate} (0: half the maximum measured while producing),
 * {@code bench.soak.minutes} (0: no soak) and {@code bench.soak.fraction} (0.8 of the maximum measured while
 * producing),
 * {@code bench.scaleout} (true, false after a soak),
 * {@code bench.jfr} (false: when true the single instance records a JFR file next to its log),
 * {@code bench.out} (target/throughput: logs and recordings).
 */
public final class ThroughputBenchmark {

    static final int PARTITIONS = 6;
    private static final List<String> INPUTS = List.of(DemoTopics.HUBBLE, DemoTopics.CALICO, DemoTopics.AUDIT);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PORT = Pattern.compile("\"destination_port\":\\d+");
    private static final Pattern TIME = Pattern.compile("\"time\":\"[^\"]+\"");
    private static final Pattern UUID_FIELD = Pattern.compile("\"uuid\":\"[^\"]+\"");
    private static final byte[] UUID_KEY = "\"uuid\":\"".getBytes(StandardCharsets.UTF_8);

    /** Records of each measured mix. */
    private final long target = Long.getLong("bench.records", 1_000_000L);
    /** The measured mixes, in order. */
    private final List<Mix> measuredMixes = Stream.of(
                    System.getProperty("bench.mixes", "normal,attack").split(","))
            .map(m -> Mix.valueOf(m.trim().toUpperCase(Locale.ROOT)))
            .toList();
    /** The warm-up ends when the JIT compiler's share of the service's CPU stays below this. */
    private final double warmupJitShare = Double.parseDouble(System.getProperty("bench.warmup.jit.share", "0.05"));

    private final long warmupMinRecords = Long.getLong("bench.warmup.min.records", 500_000L);
    private final long warmupMaxSeconds = Long.getLong("bench.warmup.max.seconds", 600L);
    private final int producers = Integer.getInteger("bench.producers", 2);
    private final int latencySeconds = Integer.getInteger("bench.latency.seconds", 10);
    /** Load at the latency rate before the first probe: latency is a steady-state figure, not a start-up one. */
    private final int latencyWarmupSeconds = Integer.getInteger("bench.latency.warmup.seconds", 20);

    private final double soakMinutes = Double.parseDouble(System.getProperty("bench.soak.minutes", "0"));
    /** After a soak the topics hold tens of millions of records: the scale-out then runs only when asked for. */
    private final boolean scaleOut = Boolean.parseBoolean(System.getProperty("bench.scaleout", "false"));
    /** The mix whose phase is recorded with JFR (normal, attack), none by default. */
    private final String jfrMix = System.getProperty("bench.jfr.mix", "");

    private final double soakFraction = Double.parseDouble(System.getProperty("bench.soak.fraction", "0.8"));
    private final boolean jfr = Boolean.parseBoolean(System.getProperty("bench.jfr", "false"));
    private final Path app = Path.of(System.getProperty("bench.app", "target/quarkus-app/quarkus-run.jar"));
    private final Path out = Path.of(System.getProperty("bench.out", "target/throughput"));
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    // what was produced
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong documents = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong violatingConnections = new AtomicLong();
    private final List<byte[][]> replayPool = Collections.synchronizedList(new ArrayList<>());
    private volatile String probeTemplate;
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private int generation;
    private double produceRate;

    public static void main(String[] args) throws Exception {
        int code = new ThroughputBenchmark().run();
        System.exit(code);
    }

    private int run() throws Exception {
        if (!Files.isRegularFile(app)) {
            System.err.println("No packaged service at " + app + ": run ./mvnw package -DskipTests first");
            return 2;
        }
        Files.createDirectories(out);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("load_average_start", loadAverage());
        // members of a group that start together get their partitions in one rebalance, so no record is redelivered
        // (and counted twice) because an instance lost partitions it had not committed yet
        try (EmbeddedKafkaBroker broker =
                EmbeddedKafkaBroker.start(0, PARTITIONS, Map.of("group.initial.rebalance.delay.ms", "10000"))) {
            broker.createTopics(DemoTopics.ALL.toArray(String[]::new));
            String bootstrap = broker.bootstrapServers();
            boolean accounted;
            Map<Mix, Phase> phases = new LinkedHashMap<>();
            Map<String, Object> mixes = new LinkedHashMap<>();
            result.put("mixes", mixes);
            try (Instance one = Instance.start(this, bootstrap, "bench-single", 1, jfr)) {
                one.awaitUp();
                accounted = warmUp(bootstrap, one, result);
                for (Mix mix : measuredMixes) {
                    if (!accounted) {
                        break;
                    }
                    Phase phase = phase(bootstrap, one, mix);
                    phases.put(mix, phase);
                    mixes.put(mix.key, phase.result);
                    accounted = phase.accounted;
                }
                double slowest = phases.values().stream()
                        .mapToDouble(ph -> ph.recordsPerSecond)
                        .min()
                        .orElse(0);
                result.put("flowwatch_steady_records_per_s_slowest_mix", Math.round(slowest));
                // The maximum rate end to end: records produced while the service consumes them, on this machine
                // (broker, producer and service sharing its cores). Offered more than the service consumed alone, so
                // that it falls behind and what it counts is its maximum; but no more than the producer can send
                // without itself taking the cores.
                double latencyRate = Double.parseDouble(System.getProperty("bench.latency.rate", "0"));
                boolean probing = accounted && latencySeconds > 0 && probeTemplate != null;
                double live = 0;
                if (probing && latencyRate <= 0 || accounted && soakMinutes > 0) {
                    live = maxUnderLoad(bootstrap, one, Math.min(1.25 * slowest, 0.8 * produceRate), result);
                }
                if (probing && latencyRate <= 0 && live <= 0) {
                    log("LATENCY NOT MEASURED: nothing was counted while producing");
                    result.put("latency_measured", false);
                } else if (probing) {
                    latency(bootstrap, one, latencyRate > 0 ? latencyRate : live / 2, result);
                }
                if (accounted && soakMinutes > 0) {
                    accounted &= soak(bootstrap, one, live * soakFraction, result);
                }
                if (Boolean.getBoolean("bench.histogram")) {
                    one.jcmdTo(out.resolve("flowwatch-histogram.txt"), "GC.class_histogram");
                }
                result.put("peak_heap_mb", round(one.peakHeap / 1048576.0));
                result.put("rss_hwm_mb", round(one.rssHighWaterKb() / 1024.0));
            }
            result.put("records", records.get());
            result.put("documents", documents.get());
            if (accounted) {
                baselines(bootstrap, phases);
            }
            if (accounted && scaleOut) {
                try (Instance a = Instance.start(this, bootstrap, "bench-scale", 2, false);
                        Instance b = Instance.start(this, bootstrap, "bench-scale", 3, false)) {
                    Measured m = measure(List.of(a, b), committedOffsets(bootstrap, "bench-scale"));
                    accounted &= m.accounted;
                    result.put("scaleout_redelivered", m.counted - documents.get());
                    result.put("scaleout_instances", 2);
                    result.put("scaleout_partitions", PARTITIONS);
                    result.put("scaleout_records_per_s", Math.round(m.recordsPerSecond));
                    result.put("scaleout_steady_records_per_s", Math.round(m.steadyRecordsPerSecond));
                    result.put("scaleout_accounted", m.accounted);
                    result.put("scaleout_peak_heap_mb", round(Math.max(a.peakHeap, b.peakHeap) / 1048576.0));
                    result.put("load_average_scaleout", loadAverage());
                    log("scale-out: %.0f records/s, counted %d of %d", m.recordsPerSecond, m.counted, documents.get());
                }
            }
            result.put("accounted", accounted);
            result.put("load_average_end", loadAverage());
            System.out.println(JSON.writeValueAsString(result));
            if (!accounted) {
                System.err.println("UNACCOUNTED RECORDS: flowwatch's flows + rejected + audit events do not equal "
                        + "the " + documents.get() + " documents produced");
                return 1;
            }
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------ mixes and phases

    /** What a phase produces. */
    enum Mix {
        /** The demo generator's mix: mostly Hubble with replies, some Calico and Goldmane, audit events, 1 % violating. */
        NORMAL("normal"),
        /** {@link AttackTraffic}: Hubble only, unknown label-heavy pods, 5 %+ denied forbidden connections, a scan. */
        ATTACK("attack"),
        /** Both, alternating every thousand connections: the warm-up. */
        BOTH("warm-up");

        final String key;

        Mix(String key) {
            this.key = key;
        }
    }

    /** One measured phase: its records' offsets (for the baselines), rate and result entry. */
    private static final class Phase {
        final Map<TopicPartition, Long> start;
        final Map<TopicPartition, Long> end;
        final long records;
        final long documents;
        final long bytes;
        final Map<String, Object> result = new LinkedHashMap<>();
        double recordsPerSecond;
        double cpuMicrosPerRecord;
        boolean accounted;

        Phase(
                Map<TopicPartition, Long> start,
                Map<TopicPartition, Long> end,
                long records,
                long documents,
                long bytes) {
            this.start = start;
            this.end = end;
            this.records = records;
            this.documents = documents;
            this.bytes = bytes;
        }
    }

    /**
     * Warms the service up, unmeasured: both mixes are produced live while it consumes them, until the JIT compiler's
     * share of the service's CPU stays under {@code bench.warmup.jit.share} (5 %) over two consecutive 5-second windows
     * (after at least {@code bench.warmup.min.records}), or {@code bench.warmup.max.seconds} pass; then waits until it
     * has counted every document. False when it does not count them all.
     */
    private boolean warmUp(String bootstrap, Instance one, Map<String, Object> result) throws Exception {
        long t0 = System.nanoTime();
        AtomicLong stop = new AtomicLong(Long.MAX_VALUE);
        List<Thread> threads = producers(bootstrap, measuredMixes.contains(Mix.ATTACK) ? Mix.BOTH : Mix.NORMAL, stop);
        Map<String, Double> before = cpuSecondsByThreads(List.of(one));
        List<Double> shares = new ArrayList<>();
        boolean reached = false;
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(warmupMaxSeconds)) {
            Thread.sleep(5_000);
            one.sample();
            Map<String, Double> now = cpuSecondsByThreads(List.of(one));
            double total = sum(now) - sum(before);
            double jit = now.getOrDefault("jit", 0.0) - before.getOrDefault("jit", 0.0);
            before = now;
            double share = total <= 0 ? 1 : jit / total;
            shares.add(round(share));
            int n = shares.size();
            if (records.get() >= warmupMinRecords
                    && n >= 2
                    && shares.get(n - 1) < warmupJitShare
                    && shares.get(n - 2) < warmupJitShare) {
                reached = true;
                break;
            }
        }
        stop.set(0);
        join(threads);
        boolean drained = one.awaitCount(documents.get(), log -> {});
        double seconds = (System.nanoTime() - t0) / 1e9;
        result.put(
                "warmup",
                Map.of(
                        "records", records.get(),
                        "seconds", round(seconds),
                        "jit_share_every_5s", shares,
                        "jit_share_reached", reached,
                        "accounted", drained));
        log(
                "warm-up: %d records in %.0f s, JIT share of the service's CPU every 5 s %s (%s)",
                records.get(), seconds, shares, reached ? "below " + warmupJitShare : "NOT below " + warmupJitShare);
        return drained;
    }

    /**
     * One measured phase: the service is stopped (SIGSTOP) while the phase's records are produced, so that it then
     * reads them at its own pace, alone on the machine, as the baselines do; continued (SIGCONT) and timed until it has
     * counted every document, with the CPU time of each kind of its threads over that time.
     */
    private Phase phase(String bootstrap, Instance one, Mix mix) throws Exception {
        boolean recording = mix.key.equals(jfrMix);
        if (recording) {
            one.jcmd("JFR.start", "name=phase", "settings=profile");
        }
        one.awaitIdle();
        one.signal("STOP");
        Map<TopicPartition, Long> start = endOffsets(bootstrap);
        long r0 = records.get();
        long d0 = documents.get();
        long b0 = bytes.get();
        long v0 = violatingConnections.get();
        long t0 = System.nanoTime();
        AtomicLong stop = new AtomicLong(r0 + target);
        join(producers(bootstrap, mix, stop));
        double produceSeconds = (System.nanoTime() - t0) / 1e9;
        produceRate = (records.get() - r0) / produceSeconds;
        Map<TopicPartition, Long> end = endOffsets(bootstrap);
        Phase phase = new Phase(start, end, records.get() - r0, documents.get() - d0, bytes.get() - b0);
        Map<String, Map.Entry<String, Double>> cpu0 = cpuByThread(one);
        double process0 = cpuSeconds(List.of(one));
        long from = System.nanoTime();
        one.signal("CONT");
        long[] doneAt = new long[1];
        phase.accounted = one.awaitCount(documents.get(), at -> doneAt[0] = at);
        Map<String, Map.Entry<String, Double>> cpu1 = one.busyThreads;
        double process1 = one.busyProcess;
        if (recording) {
            one.jcmd("JFR.stop", "name=phase", "filename=" + out.resolve("flowwatch-" + mix.key + ".jfr"));
        }
        double seconds = (doneAt[0] - from) / 1e9;
        Map<String, Double> used = new TreeMap<>();
        cpu1.forEach((tid, now) -> {
            Map.Entry<String, Double> was = cpu0.get(tid);
            used.merge(now.getKey(), now.getValue() - (was == null ? 0 : was.getValue()), Double::sum);
        });
        // threads that ended during the phase: their time is in the process's total, no longer in any thread's
        double ended = (process1 - process0) - sum(used);
        if (ended > 0.01) {
            used.put("ended_threads", ended);
        }
        Map<String, Double> perRecord = new TreeMap<>();
        used.forEach((kind, cpu) -> perRecord.put(kind, round(cpu * 1e6 / phase.records)));
        double total = (process1 - process0) * 1e6 / phase.records;
        phase.recordsPerSecond = seconds <= 0 ? 0 : phase.records / seconds;
        phase.cpuMicrosPerRecord = total;
        Map<String, Object> r = phase.result;
        r.put("records", phase.records);
        r.put("documents", phase.documents);
        r.put("mean_record_bytes", phase.bytes / Math.max(1, phase.records));
        r.put("violating_or_denied_connections", violatingConnections.get() - v0);
        r.put("flowwatch_records_per_s", Math.round(phase.recordsPerSecond));
        r.put("flowwatch_cpu_us_per_record", round(total));
        r.put("flowwatch_cpu_us_per_record_without_jit", round(total - perRecord.getOrDefault("jit", 0.0)));
        r.put("flowwatch_cpu_us_per_record_by_threads", perRecord);
        r.put("jit_share", round(total <= 0 ? 0 : perRecord.getOrDefault("jit", 0.0) / total));
        r.put("accounted", phase.accounted);
        r.put("load_average", loadAverage());
        Instant finished = Instant.now().minusNanos(System.nanoTime() - doneAt[0]);
        r.put("consumed_from", finished.minusNanos(doneAt[0] - from).toString());
        r.put("consumed_to", finished.toString());
        log(
                "%s mix: %d records (%d B each on average) in %.1f s: %.0f records/s, %.1f µs CPU per record %s, %s",
                mix.key,
                phase.records,
                phase.bytes / Math.max(1, phase.records),
                seconds,
                phase.recordsPerSecond,
                total,
                perRecord,
                phase.accounted ? "every document counted" : "NOT every document counted");
        return phase;
    }

    /**
     * The three yardsticks on each phase's records, each in a JVM of its own started for it once the service has stopped
     * ({@link BaselineConsumer}: its CPU time counted like the service's, all its threads, and not the broker's, which
     * runs in this JVM); each reads the normal records once unmeasured first (its JIT warm-up).
     */
    private void baselines(String bootstrap, Map<Mix, Phase> phases) throws Exception {
        for (String mode : List.of("bare", "jackson", "decode")) {
            List<Map<String, Object>> specs = new ArrayList<>();
            for (Map.Entry<Mix, Phase> e : phases.entrySet()) {
                Phase ph = e.getValue();
                List<Map<String, Object>> ranges = new ArrayList<>();
                ph.start.forEach((tp, start) -> ranges.add(Map.of(
                        "topic", tp.topic(), "partition", tp.partition(), "start", start, "end", ph.end.get(tp))));
                specs.add(Map.of(
                        "name",
                        e.getKey().key,
                        "ranges",
                        ranges,
                        "records",
                        ph.records,
                        "expected",
                        "bare".equals(mode) ? ph.bytes : ph.documents));
            }
            Path spec = out.resolve("baseline-" + mode + ".json");
            JSON.writeValue(spec.toFile(), Map.of("bootstrap", bootstrap, "mode", mode, "phases", specs));
            Path log = out.resolve("baseline-" + mode + ".log");
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx1g",
                            "-cp",
                            System.getProperty("java.class.path"),
                            BaselineConsumer.class.getName(),
                            spec.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("the " + mode + " baseline failed; see " + log);
            }
            List<String> lines = Files.readAllLines(log);
            JsonNode measured = JSON.readTree(lines.get(lines.size() - 1));
            phases.forEach((mix, phase) -> {
                JsonNode m = measured.get(mix.key);
                double cpu = m.get("cpu_us_per_record").asDouble();
                double rate = m.get("records_per_s").asDouble();
                phase.result.put(mode + "_records_per_s", Math.round(rate));
                phase.result.put(mode + "_cpu_us_per_record", round(cpu));
                phase.result.put(mode + "_cpu_us_per_record_passes", m.get("cpu_us_per_record_passes"));
                phase.result.put("cpu_ratio_to_" + mode, round(phase.cpuMicrosPerRecord / cpu));
                if ("bare".equals(mode)) {
                    phase.result.put("rate_ratio_to_bare", round(phase.recordsPerSecond / rate));
                }
                log(
                        "%s mix: %s consumer %.0f records/s at %.2f µs CPU per record (median of %s, in the order run);"
                                + " flowwatch %.2f µs = %.2f × that",
                        mix.key,
                        mode,
                        rate,
                        cpu,
                        m.get("cpu_us_per_record_passes"),
                        phase.cpuMicrosPerRecord,
                        phase.cpuMicrosPerRecord / cpu);
            });
        }
    }

    private static double sum(Map<String, Double> cpu) {
        return cpu.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The end offset of every input partition. */
    private static Map<TopicPartition, Long> endOffsets(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (var d : admin.describeTopics(INPUTS)
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS)
                    .values()) {
                d.partitions()
                        .forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> out = new LinkedHashMap<>();
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    // ------------------------------------------------------------------------------------------ producing

    /** Starts the producer threads for a mix; each stops once {@link #records} reaches {@code stop}. */
    private List<Thread> producers(String bootstrap, Mix mix, AtomicLong stop) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            int seed = i + 1000 * mix.ordinal() + 17 * generation++;
            Thread t = new Thread(
                    () -> {
                        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 20)) {
                            generate(producer, new Random(42 + seed), mix, stop);
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    },
                    "bench-producer-" + i);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    private void join(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("producing failed", failures.get(0));
        }
    }

    /** Produces a mix until {@link #records} reaches {@code stop}. */
    private void generate(KafkaProducer<byte[], byte[]> producer, Random random, Mix mix, AtomicLong stop) {
        DemoRecords demo = new DemoRecords(random, Clock.systemUTC());
        AttackTraffic attack = new AttackTraffic(random, Clock.systemUTC());
        long connections = 0;
        while (records.get() < stop.get()) {
            boolean attacking = mix == Mix.ATTACK || (mix == Mix.BOTH && (connections++ / 1000) % 2 == 1);
            List<DemoRecords.Output> batch;
            boolean violation = false;
            if (attacking) {
                batch = attack.next();
                violation = batch.get(0).value().contains("\"verdict\":\"DROPPED\"");
            } else if (random.nextInt(100) < 2) {
                // harmless audit events only: a detection (a policy deleted, a namespace relabelled) changes the live
                // topology, and thousands of them over millions of records would leave the probes' namespaces
                // unjudged and make the runs differ; the cost of a topology change is IsolationAuditCostTest's
                batch = demo.nextAudit(false);
            } else {
                violation = random.nextInt(100) == 0;
                batch = demo.nextConnection(violation);
                // DemoRecords spreads connections evenly over four formats; a Cilium cluster is mostly Hubble
                if (!batch.isEmpty() && !DemoTopics.HUBBLE.equals(batch.get(0).topic()) && random.nextInt(100) >= 35) {
                    continue;
                }
            }
            if (violation) {
                violatingConnections.incrementAndGet();
            }
            for (DemoRecords.Output o : batch) {
                if (probeTemplate == null
                        && violation
                        && !attacking
                        && DemoTopics.HUBBLE.equals(o.topic())
                        && o.value().contains("\"verdict\":\"DROPPED\"")
                        && PORT.matcher(o.value()).find()) {
                    probeTemplate = o.value();
                }
                byte[] value = o.value().getBytes(StandardCharsets.UTF_8);
                byte[] key = o.key() == null ? null : o.key().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(o.topic(), key, value));
                records.incrementAndGet();
                documents.addAndGet(documentsIn(value));
                bytes.addAndGet(value.length);
                if (replayPool.size() < 50_000 && mix != Mix.ATTACK) {
                    replayPool.add(new byte[][] {o.topic().getBytes(StandardCharsets.UTF_8), key, value});
                }
            }
        }
        producer.flush();
    }

    /** Documents in a value as the demo writes them: one compact JSON document per non-blank line. */
    static int documentsIn(byte[] value) {
        int n = 0;
        boolean content = false;
        for (byte b : value) {
            if (b == '\n') {
                n += content ? 1 : 0;
                content = false;
            } else if (b != ' ' && b != '\r' && b != '\t') {
                content = true;
            }
        }
        return n + (content ? 1 : 0);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }

    // ------------------------------------------------------------------------------------------ (a) baselines

    // ------------------------------------------------------------------------------------------ (b) flowwatch

    /**
     * @param steadyRecordsPerSecond the rate over the second half of the documents, once the JIT compiler has
     *                               done most of its work (a long-running service runs at this rate)
     * @param cpuMicrosPerRecord     CPU time the instances used per record (all their threads, JIT included)
     */
    private record Measured(
            double recordsPerSecond,
            double documentsPerSecond,
            long counted,
            boolean accounted,
            double steadyRecordsPerSecond,
            double cpuMicrosPerRecord,
            Map<String, Double> cpuMicrosPerRecordByThreads) {
        Measured(long counted) {
            this(0, 0, counted, false, 0, 0, Map.of());
        }
    }

    /**
     * CPU seconds the instances' threads have used so far, by kind: {@code processing} (the worker threads that
     * decode, judge and store), {@code jit} (the JIT compiler), {@code gc}, {@code kafka_clients} (consumer and
     * producer threads), {@code event_loop} (Vert.x: the connector's batch wrapping and acknowledgements, HTTP) and
     * {@code other}; empty where there is no /proc.
     */
    private static Map<String, Double> cpuSecondsByThreads(List<Instance> instances) {
        Map<String, Double> out = new TreeMap<>();
        for (Instance i : instances) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + i.process.pid() + "/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String name = Files.readString(task.resolve("comm")).trim();
                        out.merge(
                                threadKind(name), statCpuSeconds(Files.readString(task.resolve("stat"))), Double::sum);
                    } catch (IOException | RuntimeException gone) {
                        // a thread that ended meanwhile
                    }
                }
            } catch (IOException | RuntimeException e) {
                return Map.of();
            }
        }
        return out;
    }

    /** CPU seconds each thread of an instance has used so far, with its kind, by thread id; empty without /proc. */
    private static Map<String, Map.Entry<String, Double>> cpuByThread(Instance i) {
        Map<String, Map.Entry<String, Double>> out = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + i.process.pid() + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    double cpu = statCpuSeconds(Files.readString(task.resolve("stat")));
                    out.put(task.getFileName().toString(), Map.entry(threadKind(name), cpu));
                } catch (IOException | RuntimeException gone) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    /** User + system CPU seconds of a /proc stat line (of a process or of one of its threads). */
    private static double statCpuSeconds(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ is 100 on Linux
    }

    private static String threadKind(String name) {
        if (name.startsWith("executor-thread")) {
            return "processing";
        }
        if (name.startsWith("C2 Compiler") || name.startsWith("C1 Compiler")) {
            return "jit";
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return "gc";
        }
        if (name.startsWith("smallrye-kafka") || name.startsWith("kafka-")) {
            return "kafka_clients";
        }
        if (name.startsWith("vert.x-eventloo")) { // comm holds 15 characters
            return "event_loop";
        }
        return "other";
    }

    /** CPU seconds (user + system) a process has used so far, from /proc; 0 where there is no /proc. */
    private static double cpuSeconds(List<Instance> instances) {
        double total = 0;
        for (Instance i : instances) {
            try {
                total += statCpuSeconds(Files.readString(Path.of("/proc/" + i.process.pid() + "/stat")));
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
        return total;
    }

    /**
     * True once the consumer group has committed every input partition to its end. Two instances rebalance while they
     * start (and, on a starved machine, later): Kafka then redelivers what was processed but not yet committed, so
     * the scale-out run counts documents at least once and is done when the group has committed everything.
     */
    private static BooleanSupplier committedOffsets(String bootstrap, String group) {
        return () -> {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
                for (var d : admin.describeTopics(INPUTS)
                        .allTopicNames()
                        .get(10, TimeUnit.SECONDS)
                        .values()) {
                    d.partitions()
                            .forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
                }
                for (var e : admin.listOffsets(latest)
                        .all()
                        .get(10, TimeUnit.SECONDS)
                        .entrySet()) {
                    var c = committed.get(e.getKey());
                    if (e.getValue().offset() > 0
                            && (c == null || c.offset() < e.getValue().offset())) {
                        return false;
                    }
                }
                return true;
            } catch (Exception e) {
                return false;
            }
        };
    }

    /**
     * Milliseconds until the next sample: 100 ms before the first document and when the next milestone (half, or all,
     * of the documents) is near, so that both are timed within 0.1 s; otherwise up to a second. Rendering
     * {@code /q/metrics} costs the service CPU (and the JIT compiler work), so scraping it ten times a second
     * throughout, where Prometheus scrapes every 15–60 s, would slow what is measured.
     */
    private static long samplingPause(long firstAt, long firstCount, long now, long count, long milestone) {
        if (firstAt == 0 || now <= firstAt || count <= firstCount) {
            return 100;
        }
        double perNano = (count - firstCount) / (double) (now - firstAt);
        double etaMillis = (milestone - count) / perNano / 1e6;
        return Math.max(100, Math.min(1000, Math.round(etaMillis / 2)));
    }

    /**
     * Waits until the instances together count every document produced (and, when {@code committed} is given, the
     * group has committed everything: redeliveries then count twice); the rate runs from the first to the last.
     */
    private Measured measure(List<Instance> instances, BooleanSupplier committed) throws InterruptedException {
        long expected = documents.get();
        long firstAt = 0;
        long firstCount = 0;
        long lastChange = System.nanoTime();
        long previous = -1;
        long count = 0;
        long doneAt = 0;
        long halfAt = 0;
        long halfCount = 0;
        double cpuAtFirst = 0;
        Map<String, Double> threadsAtFirst = Map.of();
        while (true) {
            long now = System.nanoTime();
            count = 0;
            for (Instance i : instances) {
                count += i.sample();
            }
            if (count > 0 && firstAt == 0) {
                firstAt = now;
                firstCount = count;
                cpuAtFirst = cpuSeconds(instances);
                threadsAtFirst = cpuSecondsByThreads(instances);
            }
            if (count >= expected / 2 && halfAt == 0) {
                halfAt = now;
                halfCount = count;
            }
            if (count != previous) {
                lastChange = now;
                previous = count;
            }
            if (count >= expected && (committed == null || committed.getAsBoolean())) {
                doneAt = now;
                break;
            }
            for (Instance i : instances) {
                if (!i.process.isAlive()) {
                    log("instance %d exited with %d; see %s", i.number, i.process.exitValue(), i.log);
                    return new Measured(count);
                }
            }
            if (now - lastChange > TimeUnit.SECONDS.toNanos(firstAt == 0 ? 120 : 30)) {
                log("no progress for 30 s at %d of %d documents", count, expected);
                return new Measured(count);
            }
            Thread.sleep(samplingPause(firstAt, firstCount, now, count, halfAt == 0 ? expected / 2 : expected));
        }
        double cpu = cpuSeconds(instances) - cpuAtFirst;
        Map<String, Double> threads = new TreeMap<>(cpuSecondsByThreads(instances));
        Map<String, Double> before = threadsAtFirst;
        threads.replaceAll((kind, seconds) -> seconds - before.getOrDefault(kind, 0.0));
        // a fast wrong answer could overshoot: look again once everything is in
        Thread.sleep(1500);
        long settled = 0;
        for (Instance i : instances) {
            settled += i.sample();
        }
        double seconds = (doneAt - firstAt) / 1e9;
        double docsPerSecond = seconds <= 0 ? 0 : (Math.min(count, expected) - firstCount) / seconds;
        double recordsPerSecond = docsPerSecond * records.get() / expected;
        double halfSeconds = (doneAt - halfAt) / 1e9;
        double steady =
                halfSeconds <= 0 ? 0 : (Math.min(count, expected) - halfCount) / halfSeconds * records.get() / expected;
        double processed = (Math.min(count, expected) - firstCount) * (double) records.get() / expected;
        threads.replaceAll((kind, used) -> processed <= 0 ? 0 : round(used * 1e6 / processed));
        return new Measured(
                recordsPerSecond,
                docsPerSecond,
                settled,
                committed == null ? settled == expected : settled >= expected,
                steady,
                processed <= 0 ? 0 : cpu * 1e6 / processed,
                threads);
    }

    /**
     * Produces the replay pool at {@code rate} records/s (fresh Hubble uuids) plus, every 50 ms, one violating Hubble
     * record with a port of its own; each probe is timed from send to its arrival on the violations SSE stream.
     */
    private void latency(String bootstrap, Instance instance, double rate, Map<String, Object> result)
            throws Exception {
        Map<Integer, Long> sent = new ConcurrentHashMap<>();
        Map<Integer, Long> arrived = new ConcurrentHashMap<>();
        AtomicLong streamed = new AtomicLong();
        HttpRequest request = HttpRequest.newBuilder(URI.create(instance.base + "/api/v1/violations/stream"))
                .header("Accept", "text/event-stream")
                .header("Authorization", ChildAuth.adminHeader())
                .build();
        var stream = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> response = stream.get(10, TimeUnit.SECONDS);
        Thread reader = new Thread(
                () -> {
                    try {
                        response.body().forEach(line -> {
                            if (!line.startsWith("data:")) {
                                return;
                            }
                            long at = System.nanoTime();
                            streamed.incrementAndGet();
                            try {
                                JsonNode v = JSON.readTree(line.substring(5));
                                JsonNode port = v.get("port");
                                if (port != null && port.isInt() && sent.containsKey(port.intValue())) {
                                    arrived.putIfAbsent(port.intValue(), at);
                                }
                            } catch (IOException ignored) {
                                // not a violation document
                            }
                        });
                    } catch (UncheckedIOException closed) {
                        // the stream ends when the instance stops after the measurement; a probe not seen by then is
                        // missing
                    }
                },
                "bench-sse");
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(500);
        List<byte[][]> pool = new ArrayList<>(replayPool);
        try (KafkaProducer<byte[], byte[]> load = producer(bootstrap, 5);
                KafkaProducer<byte[], byte[]> probes = producer(bootstrap, 0)) {
            long start = System.nanoTime();
            long warmup = TimeUnit.SECONDS.toNanos(latencyWarmupSeconds);
            long end = start + warmup + TimeUnit.SECONDS.toNanos(latencySeconds);
            long produced = 0;
            int probe = 0;
            int index = 0;
            while (System.nanoTime() < end) {
                long elapsed = System.nanoTime() - start;
                long due = (long) (rate * elapsed / 1e9);
                while (produced < due) {
                    byte[][] r = pool.get(index++ % pool.size());
                    send(load, r);
                    produced++;
                }
                if (elapsed >= warmup && elapsed - warmup >= probe * 50_000_000L) {
                    int port = 20_000 + probe++;
                    String value = probe(port);
                    sent.put(port, System.nanoTime());
                    probes.send(new ProducerRecord<>(DemoTopics.HUBBLE, null, value.getBytes(StandardCharsets.UTF_8)));
                    records.incrementAndGet();
                    documents.incrementAndGet();
                }
                Thread.sleep(1);
            }
            result.put("latency_load_records_per_s", Math.round(produced / ((System.nanoTime() - start) / 1e9)));
            result.put("latency_warmup_s", latencyWarmupSeconds);
        }
        long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (arrived.size() < sent.size() && System.nanoTime() < wait) {
            Thread.sleep(50);
        }
        List<Long> millis = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : sent.entrySet()) {
            Long at = arrived.get(e.getKey());
            millis.add(at == null ? Long.MAX_VALUE : TimeUnit.NANOSECONDS.toMillis(at - e.getValue()));
        }
        Collections.sort(millis);
        List<Integer> missing = new ArrayList<>(sent.keySet());
        missing.removeAll(arrived.keySet());
        Collections.sort(missing);
        if (!missing.isEmpty()) {
            log(
                    "probes that never reached the stream (port = 20000 + probe number): %s",
                    missing.subList(0, Math.min(30, missing.size())));
        }
        result.put("latency_probes", sent.size());
        result.put("latency_stream_events", streamed.get());
        result.put("latency_missing", sent.size() - arrived.size());
        result.put("latency_p50_ms", percentile(millis, 0.50));
        result.put("latency_p99_ms", percentile(millis, 0.99));
        result.put("latency_max_ms", millis.isEmpty() ? null : millis.get(millis.size() - 1));
        result.put("load_average_latency", loadAverage());
        List<Integer> order = new ArrayList<>(sent.keySet());
        Collections.sort(order);
        StringBuilder timeline = new StringBuilder();
        for (int port : order) {
            Long at = arrived.get(port);
            timeline.append(at == null ? "-" : TimeUnit.NANOSECONDS.toMillis(at - sent.get(port)))
                    .append(' ');
        }
        log(
                "latency of each probe in the order sent (ms): %s",
                timeline.toString().trim());
        log(
                "latency at %.0f records/s: p50 %s ms, p99 %s ms, %d of %d probes arrived",
                rate, percentile(millis, 0.50), percentile(millis, 0.99), arrived.size(), sent.size());
    }

    /**
     * The most the instance processes while the records are also being produced on this machine (the soak's
     * "measured maximum"): offers {@code offered} records/s for 40 s and takes the rate counted in the last 30 s,
     * then waits until the backlog is gone.
     */
    private double maxUnderLoad(String bootstrap, Instance instance, double offered, Map<String, Object> result)
            throws Exception {
        List<byte[][]> pool = new ArrayList<>(replayPool);
        long before = instance.sample();
        long producedDocs = 0;
        long countedAt10 = 0;
        long at10 = 0;
        try (KafkaProducer<byte[], byte[]> load = producer(bootstrap, 5)) {
            long start = System.nanoTime();
            long produced = 0;
            int index = 0;
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(40)) {
                long now = System.nanoTime();
                long due = (long) (offered * (now - start) / 1e9);
                while (produced < due) {
                    byte[][] r = pool.get(index++ % pool.size());
                    send(load, r);
                    produced++;
                    producedDocs += documentsIn(r[2]);
                }
                if (at10 == 0 && now - start >= TimeUnit.SECONDS.toNanos(10)) {
                    at10 = now;
                    countedAt10 = instance.sample();
                }
                Thread.sleep(1);
            }
        }
        double seconds = (System.nanoTime() - at10) / 1e9;
        double documentsPerSecond = (instance.sample() - countedAt10) / seconds;
        double max = documentsPerSecond * records.get() / documents.get();
        result.put("max_under_load_records_per_s", Math.round(max));
        result.put("max_under_load_offered_records_per_s", Math.round(offered));
        log(
                "maximum while producing on this machine: %.0f records/s (offered %.0f%s)",
                max, offered, max > 0.95 * offered ? "; it kept up, so this is a lower bound" : "");
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (instance.sample() - before < producedDocs && System.nanoTime() < drainUntil) {
            Thread.sleep(500);
        }
        return max;
    }

    /**
     * Soak (issue 5): produces the replay pool (fresh Hubble uuids) at {@code rate} records/s for
     * {@code bench.soak.minutes}, printing every 30 s the documents produced and counted, the lag between them, heap
     * and old generation in use, RSS and the violation store's size; then waits for the instance to drain. True when
     * every document produced was counted in the end.
     */
    private boolean soak(String bootstrap, Instance instance, double rate, Map<String, Object> result)
            throws Exception {
        log("soak: %.1f minutes at %.0f records/s (%.0f %% of that maximum)", soakMinutes, rate, soakFraction * 100);
        List<byte[][]> pool = new ArrayList<>(replayPool);
        long before = instance.sample();
        long producedDocs = 0;
        List<long[]> samples = new ArrayList<>(); // elapsed s, produced, counted, lag, heap MB, old MB, rss MB, stored
        System.out.printf(
                "[throughput] %9s %11s %11s %9s %8s %8s %8s %8s%n",
                "elapsed_s", "produced", "counted", "lag", "heap_MB", "old_MB", "rss_MB", "stored");
        try (KafkaProducer<byte[], byte[]> load = producer(bootstrap, 5)) {
            long start = System.nanoTime();
            long end = start + (long) (soakMinutes * 60e9);
            long produced = 0;
            long nextSample = start + TimeUnit.SECONDS.toNanos(30);
            int index = 0;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                long due = (long) (rate * (now - start) / 1e9);
                while (produced < due) {
                    byte[][] r = pool.get(index++ % pool.size());
                    send(load, r);
                    produced++;
                    producedDocs += documentsIn(r[2]);
                }
                if (now >= nextSample) {
                    nextSample += TimeUnit.SECONDS.toNanos(30);
                    long counted = instance.sample() - before;
                    long[] row = {
                        TimeUnit.NANOSECONDS.toSeconds(now - start),
                        producedDocs,
                        counted,
                        producedDocs - counted,
                        instance.lastHeap / 1048576,
                        instance.lastOldGen / 1048576,
                        instance.rssKb() / 1024,
                        instance.stored()
                    };
                    samples.add(row);
                    System.out.printf(
                            "[throughput] %9d %11d %11d %9d %8d %8d %8d %8d%n",
                            row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]);
                }
                Thread.sleep(1);
            }
            load.flush();
            result.put("soak_records_per_s", Math.round(produced / ((System.nanoTime() - start) / 1e9)));
        }
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long counted = instance.sample() - before;
        while (counted < producedDocs && System.nanoTime() < drainUntil) {
            Thread.sleep(200);
            counted = instance.sample() - before;
        }
        result.put("soak_minutes", soakMinutes);
        result.put("soak_documents", producedDocs);
        result.put("soak_counted", counted);
        result.put("soak_lag_max", samples.stream().mapToLong(r -> r[3]).max().orElse(0));
        int third = Math.max(1, samples.size() / 3);
        result.put("soak_old_gen_mb_first_third", average(samples.subList(0, third), 5));
        result.put("soak_old_gen_mb_last_third", average(samples.subList(samples.size() - third, samples.size()), 5));
        result.put("soak_rss_mb_first_third", average(samples.subList(0, third), 6));
        result.put("soak_rss_mb_last_third", average(samples.subList(samples.size() - third, samples.size()), 6));
        result.put("soak_stored_first", samples.isEmpty() ? 0 : samples.get(0)[7]);
        result.put("soak_stored_last", samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[7]);
        log("soak: %d documents produced, %d counted after draining", producedDocs, counted);
        return counted == producedDocs;
    }

    private static double average(List<long[]> rows, int column) {
        return round(rows.stream().mapToLong(r -> r[column]).average().orElse(0));
    }

    /**
     * Produces a record of the replay pool with a fresh Hubble uuid, counted in {@link #records} and
     * {@link #documents} (which hold everything on the topics, so that the scale-out run expects it all).
     */
    private void send(KafkaProducer<byte[], byte[]> producer, byte[][] r) {
        producer.send(new ProducerRecord<>(new String(r[0], StandardCharsets.UTF_8), r[1], freshUuid(r[2])));
        records.incrementAndGet();
        documents.addAndGet(documentsIn(r[2]));
    }

    private String probe(int port) {
        String v = PORT.matcher(probeTemplate).replaceAll("\"destination_port\":" + port);
        v = TIME.matcher(v).replaceAll(Matcher.quoteReplacement("\"time\":\"" + Instant.now() + "\""));
        return UUID_FIELD.matcher(v).replaceAll("\"uuid\":\"" + UUID.randomUUID() + "\"");
    }

    /** A copy with a new Hubble uuid (so that a replayed flow is a new observation, not a redelivery). */
    private static byte[] freshUuid(byte[] value) {
        int at = indexOf(value, UUID_KEY);
        if (at < 0 || at + UUID_KEY.length + 36 > value.length) {
            return value;
        }
        byte[] copy = value.clone();
        byte[] id = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(id, 0, copy, at + UUID_KEY.length, 36);
        return copy;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    // ------------------------------------------------------------------------------------------ child processes

    /** One packaged flowwatch, sampled through its metrics endpoint. */
    private static final class Instance implements AutoCloseable {

        private final ThroughputBenchmark bench;
        private final int number;
        private final Process process;
        private final String base;
        /** Base URL of the management port, where /q/metrics and /q/health are served. */
        private final String management;

        private final Path log;
        private long peakHeap;
        private boolean metricsUp;
        /** The CPU time of each thread, and of the process, at the last busy moment {@link #awaitCount} saw. */
        private Map<String, Map.Entry<String, Double>> busyThreads = Map.of();

        private double busyProcess;
        private long lastHeap;
        private long lastOldGen;

        private Instance(
                ThroughputBenchmark bench, int number, Process process, String base, String management, Path log) {
            this.bench = bench;
            this.number = number;
            this.process = process;
            this.base = base;
            this.management = management;
            this.log = log;
        }

        static Instance start(ThroughputBenchmark bench, String bootstrap, String group, int number, boolean jfr)
                throws IOException {
            int port = freePort();
            int managementPort = freePort();
            Path log = bench.out.resolve("flowwatch-" + number + ".log");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
            if (jfr) {
                cmd.add("-XX:StartFlightRecording=filename=" + bench.out.resolve("flowwatch-" + number + ".jfr")
                        + ",settings=profile");
            }
            cmd.addAll(List.of(
                    "-Dkafka.bootstrap.servers=" + bootstrap,
                    "-Dflowwatch.topology.path=classpath:demo/topology.yaml",
                    "-Dflowwatch.demo.enabled=false",
                    "-Dflowwatch.group=" + group,
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.management.port=" + managementPort,
                    "-Dquarkus.management.host=127.0.0.1"));
            cmd.addAll(ChildAuth.jvmArgs());
            String extra = System.getProperty("bench.app.args", "").trim();
            if (!extra.isEmpty()) {
                cmd.addAll(List.of(extra.split("\\s+")));
            }
            cmd.addAll(List.of("-jar", bench.app.toString()));
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new Instance(
                    bench, number, p, "http://127.0.0.1:" + port, "http://127.0.0.1:" + managementPort, log);
        }

        /** Waits until the metrics endpoint answers. */
        void awaitUp() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (sample() >= 0 && metricsUp) {
                    return;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("flowwatch exited with " + process.exitValue() + "; see " + log);
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("flowwatch did not start in 120 s; see " + log);
        }

        /** Runs a jcmd command against the process, its output into {@code file}. */
        void jcmdTo(Path file, String... command) throws IOException, InterruptedException {
            jcmd(ProcessBuilder.Redirect.to(file.toFile()), command);
        }

        /** Runs a jcmd command against the process. */
        void jcmd(String... command) throws IOException, InterruptedException {
            jcmd(ProcessBuilder.Redirect.DISCARD, command);
        }

        private void jcmd(ProcessBuilder.Redirect output, String... command) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(process.pid())));
            cmd.addAll(List.of(command));
            new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(output)
                    .start()
                    .waitFor();
        }

        /** Waits until the process has used less than 20 ms of CPU in each 50 ms for 0.5 s (at most 60 s). */
        void awaitIdle() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long idleSince = System.nanoTime();
            double cpu = cpuSeconds(List.of(this));
            while (System.nanoTime() < deadline) {
                Thread.sleep(50);
                double used = cpuSeconds(List.of(this));
                if (used - cpu >= 0.02) {
                    idleSince = System.nanoTime();
                }
                cpu = used;
                if (System.nanoTime() - idleSince > TimeUnit.MILLISECONDS.toNanos(500)) {
                    return;
                }
            }
        }

        /** Sends a signal (STOP, CONT) to the process. */
        void signal(String name) throws IOException, InterruptedException {
            int code = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
            if (code != 0) {
                throw new IllegalStateException("kill -" + name + " failed with " + code);
            }
        }

        /**
         * Waits until the instance has counted {@code expected} documents and gives {@code doneAt} the time its work
         * ended: the end of the last 50 ms in which the process used at least 20 ms of CPU (read from /proc, which
         * costs the service nothing), confirmed by its metrics once it has been idle for 0.5 s. Rendering
         * {@code /q/metrics} costs the service CPU, so it is read only then and every 5 s for progress. Looks again
         * 1.5 s later (a fast wrong answer could overshoot). True when it counted exactly {@code expected}. The CPU
         * time of the threads and the process at the last busy moment is kept ({@link #busyThreads}), so that what
         * the idle tail, the confirming scrapes and the settling cost is not charged to the work.
         */
        boolean awaitCount(long expected, LongConsumer doneAt) throws InterruptedException {
            long lastBusy = System.nanoTime();
            long lastScrape = lastBusy;
            long lastChange = lastBusy;
            long previous = sample();
            double cpu = cpuSeconds(List.of(this));
            busyThreads = cpuByThread(this);
            busyProcess = cpu;
            while (true) {
                Thread.sleep(50);
                long now = System.nanoTime();
                double used = cpuSeconds(List.of(this));
                if (used - cpu >= 0.02) {
                    lastBusy = now;
                    busyThreads = cpuByThread(this);
                    busyProcess = cpuSeconds(List.of(this));
                }
                cpu = used;
                boolean idle = now - lastBusy > TimeUnit.MILLISECONDS.toNanos(500);
                if (!idle && now - lastScrape < TimeUnit.SECONDS.toNanos(5)) {
                    continue;
                }
                long count = sample();
                lastScrape = System.nanoTime();
                cpu = cpuSeconds(List.of(this)); // the scrape's own CPU is not work
                if (count >= expected) {
                    doneAt.accept(idle ? lastBusy : now);
                    break;
                }
                if (count != previous) {
                    lastChange = now;
                    previous = count;
                }
                if (!process.isAlive()) {
                    ThroughputBenchmark.log("instance %d exited with %d; see %s", number, process.exitValue(), log);
                    return false;
                }
                if (now - lastChange > TimeUnit.SECONDS.toNanos(60)) {
                    ThroughputBenchmark.log("no progress for 60 s at %d of %d documents", count, expected);
                    return false;
                }
            }
            Thread.sleep(1500);
            long settled = sample();
            if (settled != expected) {
                ThroughputBenchmark.log("counted %d documents, expected %d", settled, expected);
            }
            return settled == expected;
        }

        /** flows + rejected + audit events so far (0 while not up); samples the heap. */
        long sample() {
            String text;
            try {
                HttpResponse<String> r = bench.http.send(
                        HttpRequest.newBuilder(URI.create(management + "/q/metrics"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return 0;
                }
                metricsUp = true;
                text = r.body();
            } catch (IOException e) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            double counted = 0;
            double heap = 0;
            double old = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith("flowwatch_flows_total{")
                        || line.startsWith("flowwatch_records_rejected_total{")
                        || line.startsWith("flowwatch_audit_events_total{")) {
                    counted += value(line);
                } else if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    heap += value(line);
                    if (line.contains("Old Gen")) {
                        old += value(line);
                    }
                }
            }
            peakHeap = Math.max(peakHeap, (long) heap);
            lastHeap = (long) heap;
            lastOldGen = (long) old;
            return Math.round(counted);
        }

        private static double value(String line) {
            return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }

        /** Violations in the store, from the readiness check's data; -1 when unknown. */
        long stored() {
            try {
                HttpResponse<String> r = bench.http.send(
                        HttpRequest.newBuilder(URI.create(management + "/q/health"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher m = Pattern.compile("\"stored\"\\s*:\\s*(\\d+)").matcher(r.body());
                return m.find() ? Long.parseLong(m.group(1)) : -1;
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        long rssKb() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                return 0;
            }
            return 0;
        }

        long rssHighWaterKb() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
            return -1;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void log(String format, Object... args) {
        System.err.println("[throughput] " + String.format(Locale.ROOT, format, args));
    }
}
