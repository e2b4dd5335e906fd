package ai.matih.flowwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.demo.DemoRecords;
import ai.matih.flowwatch.demo.DemoTopics;
import ai.matih.flowwatch.demo.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults against a real broker (in this JVM) and the packaged flowwatch as child processes. {@code N} realistic
 * records (DemoRecords, seeded: 5 % violations, 0.1 % bad) go once to 6-partition flow topics; a clean run gives the
 * reference violation set; each fault then runs over the same records with a consumer group, violations topic and
 * DLQ of its own, and must end with every offset committed and the same violations (ids, counts, observations).
 * {@code -Dfaults.records=N} (default 100,000; the {@code faults} profile: 1,000,000).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {

    private static final Logger LOGGER = Logger.getLogger(FaultToleranceIT.class);
    private static final int PARTITIONS = 6;
    private static final String CALICO = "f-calico-flows";
    private static final String HUBBLE = "f-hubble-flows";
    private static final String AUDIT = "f-k8s-audit";
    private static final Duration DONE = Duration.ofMinutes(8);

    private final int records = Integer.getInteger("faults.records", 100_000);
    private EmbeddedKafkaBroker broker;
    private Admin admin;
    private long bad;
    private Map<String, List<Long>> reference;
    private double referenceFlows;
    private final List<String> figures = new ArrayList<>();

    @BeforeAll
    void produce() throws Exception {
        broker = EmbeddedKafkaBroker.start(0, PARTITIONS);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        createTopics(CALICO, HUBBLE, AUDIT);
        Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(1));
        long[] tick = {0};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return base.plusMillis(20 * tick[0]++); // records spread over several violation windows
            }
        };
        Random random = new Random(20261126L);
        DemoRecords demo = new DemoRecords(random, clock);
        Map<String, Object> cfg = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024,
                ProducerConfig.ACKS_CONFIG,
                "all");
        long started = System.nanoTime();
        int produced = 0;
        ConcurrentLinkedQueue<ProducerRecord<String, String>> failed = new ConcurrentLinkedQueue<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(cfg)) {
            while (produced < records) {
                if (random.nextInt(1000) == 0) {
                    String topic = random.nextBoolean() ? CALICO : HUBBLE;
                    send(
                            producer,
                            failed,
                            new ProducerRecord<>(topic, "bad-" + produced, "{\"flow\":{\"time\":\"trunc"));
                    bad++;
                    produced++;
                    continue;
                }
                for (DemoRecords.Output o : demo.nextConnection(random.nextInt(100) < 5)) {
                    if (produced == records) {
                        break;
                    }
                    String topic = DemoTopics.CALICO.equals(o.topic()) ? CALICO : HUBBLE;
                    send(producer, failed, new ProducerRecord<>(topic, o.key(), o.value()));
                    produced++;
                }
            }
            producer.flush();
            // a send that failed under load (e.g. a request timeout) is sent again, synchronously
            for (ProducerRecord<String, String> r; (r = failed.poll()) != null; ) {
                producer.send(r).get(60, TimeUnit.SECONDS);
            }
        }
        LOGGER.infof(
                "produced %d records (%d bad) in %d ms",
                produced, bad, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(endOffsets()).isEqualTo(records);
    }

    private static void send(
            KafkaProducer<String, String> producer,
            Queue<ProducerRecord<String, String>> failed,
            ProducerRecord<String, String> r) {
        producer.send(r, (metadata, error) -> {
            if (error != null) {
                failed.add(r);
            }
        });
    }

    @AfterAll
    void close() throws Exception {
        Path out = Path.of("target", "faults", "figures.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, figures, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        figures.forEach(f -> LOGGER.info(f));
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void cleanRunGivesTheReference() throws Exception {
        try (FlowwatchProcess clean = instance("clean", "clean").start()) {
            long started = System.nanoTime();
            awaitCommitted("clean", records);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            reference = settled(clean);
            referenceFlows = clean.metric("flowwatch_flows_total");
            double rejected = clean.metric("flowwatch_records_rejected_total");
            figures.add(String.format(
                    "clean run: produced=%d (bad %d) flows=%.0f rejected=%.0f dlq=%d violations=%d"
                            + " time=%d ms (%.0f records/s)",
                    records,
                    bad,
                    referenceFlows,
                    rejected,
                    topicSize("clean-dlq"),
                    reference.size(),
                    millis,
                    records * 1000.0 / millis));
            assertThat(rejected).isGreaterThanOrEqualTo(bad);
            assertThat(reference).isNotEmpty();
        }
    }

    @Test
    @Order(2)
    void killNineMidStreamThenRestart() throws Exception {
        FlowwatchProcess first = instance("kill", "kill").start();
        awaitCommittedAtLeast("kill", records * 2 / 5);
        double flows1 = first.metric("flowwatch_flows_total");
        double rejected1 = first.metric("flowwatch_records_rejected_total");
        long committedAtKill = committed("kill");
        first.kill9();
        try (FlowwatchProcess second = instance("kill", "kill").start()) {
            // the first instance may have committed everything before the kill: wait for the second's readiness
            second.awaitReady();
            awaitCommitted("kill", records);
            Map<String, List<Long>> after = settled(second);
            double flows2 = second.metric("flowwatch_flows_total");
            double rejected2 = second.metric("flowwatch_records_rejected_total");
            report(
                    "kill -9 at " + committedAtKill + " committed",
                    flows1 + flows2,
                    rejected1 + rejected2,
                    topicSize("kill-dlq"),
                    after);
            assertThat(flows1 + flows2).isGreaterThanOrEqualTo(referenceFlows);
            assertThat(after).isEqualTo(reference);
        }
    }

    @Test
    @Order(3)
    void brokerRestartMidStream() throws Exception {
        try (FlowwatchProcess app = instance("broker", "broker").start()) {
            awaitCommittedAtLeast("broker", records / 5);
            CompletableFuture<Boolean> down = CompletableFuture.supplyAsync(() -> {
                try {
                    await().atMost(Duration.ofSeconds(40))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> app.status("/q/health/ready") == 503);
                    return true;
                } catch (ConditionTimeoutException e) {
                    return false;
                }
            });
            broker.restart(Duration.ofSeconds(15));
            boolean sawDown = down.get(2, TimeUnit.MINUTES);
            app.awaitReady();
            awaitCommitted("broker", records);
            Map<String, List<Long>> after = settled(app);
            report(
                    "broker restart (15 s down), readiness DOWN seen=" + sawDown,
                    app.metric("flowwatch_flows_total"),
                    app.metric("flowwatch_records_rejected_total"),
                    topicSize("broker-dlq"),
                    after);
            assertThat(sawDown).as("readiness DOWN while the broker was down").isTrue();
            assertThat(after).isEqualTo(reference);
        }
    }

    @Test
    @Order(4)
    void twoInstancesOneKilled() throws Exception {
        FlowwatchProcess a = instance("pair-a", "pair").start();
        try (FlowwatchProcess b = instance("pair-b", "pair").start()) {
            awaitCommittedAtLeast("pair", records / 3);
            double flowsA = a.metric("flowwatch_flows_total");
            a.kill9();
            awaitCommitted("pair", records);
            Map<String, List<Long>> survivor = settled(b);
            String settledRaces = "counted by two instances now count once";
            report(
                    "two instances, one killed (survivor; attempts both counted, settled: " + a.logLines(settledRaces)
                            + " by the killed one, " + b.logLines(settledRaces) + " by the survivor)",
                    flowsA + b.metric("flowwatch_flows_total"),
                    b.metric("flowwatch_records_rejected_total"),
                    topicSize("pair-dlq"),
                    survivor);
            try (FlowwatchProcess restarted = instance("pair-a", "pair").start()) {
                restarted.awaitReady();
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofSeconds(2))
                        .ignoreExceptions()
                        .untilAsserted(() -> assertThat(restarted.violations()).isEqualTo(b.violations()));
            }
            // nothing lost, no duplicated violation, and an attempt whose two reports both instances merged before
            // seeing each other's write still counts once
            assertThat(survivor).isEqualTo(reference);
        }
    }

    @Test
    @Order(5)
    void aFailedDlqOrViolationsWriteIsNotAcknowledged() throws Exception {
        // A transient write failure: the broker does not acknowledge the dead-letter and violations writes in time
        // (a timeout of 1 ms: every write). A write that can never succeed (too large, invalid) is skipped and
        // counted instead, and has tests of its own (DeadLetterQueueTest, RefusedWritesEndToEndTest).
        String calico = "w-calico-flows";
        String hubble = "w-hubble-flows";
        createTopics(calico, hubble);
        for (String t : List.of("w-dlq", "w-violations")) {
            admin.createTopics(List.of(new NewTopic(t, Optional.of(1), Optional.empty())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Map<String, String> healthy = settings("w", "w");
        healthy.put("flowwatch.topics.calico", calico);
        healthy.put("flowwatch.topics.hubble", hubble);
        Map<String, String> failing = new HashMap<>(healthy);
        failing.put("flowwatch.violations.write-timeout", "PT0.001S");
        failing.put("flowwatch.ingest.dlq-timeout", "PT0.001S");
        DemoRecords demo = new DemoRecords(new Random(7), Clock.systemUTC());
        int sent = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int i = 0; i < 20; i++) {
                for (DemoRecords.Output o : demo.nextConnection(true)) {
                    producer.send(new ProducerRecord<>(
                            DemoTopics.CALICO.equals(o.topic()) ? calico : hubble, o.key(), o.value()));
                    sent++;
                }
            }
            producer.send(new ProducerRecord<>(hubble, "bad", "{\"flow\": not json at all"));
            sent++;
        }
        FlowwatchProcess app = new FlowwatchProcess("w", broker.bootstrapServers(), failing).start();
        try {
            await().atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("the failing instance exited", () -> !app.alive())
                    .until(() -> app.status("/q/health/live") == 503);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            app.kill9(); // never left running after the test
            throw new AssertionError(
                    "liveness never went DOWN while writes failed; committed "
                            + committed("w", calico, hubble) + " of " + sent + "; the instance's log ends:\n"
                            + app.logTail(60),
                    e);
        }
        int all = sent;
        // longer than the commit interval: nothing the failed writes belong to is ever committed
        await().during(Duration.ofSeconds(8))
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> committed("w", calico, hubble) < all);
        long committedWhileFailing = committed("w", calico, hubble);
        app.kill9(); // what Kubernetes does when liveness stays DOWN
        try (FlowwatchProcess again = new FlowwatchProcess("w", broker.bootstrapServers(), healthy).start()) {
            awaitCommitted("w", sent, calico, hubble);
            await().atMost(Duration.ofSeconds(30)).until(() -> topicSize("w-dlq") >= 1);
            int violations = again.violations().size();
            figures.add(String.format(
                    "write failure: produced=%d committed while failing=%d, after the fix:"
                            + " committed=%d dlq=%d violations=%d lost=0",
                    sent, committedWhileFailing, committed("w", calico, hubble), topicSize("w-dlq"), violations));
            assertThat(violations).isPositive();
        }
    }

    // ------------------------------------------------------------------------------------------------ support

    private FlowwatchProcess instance(String name, String group) {
        return new FlowwatchProcess(name, broker.bootstrapServers(), settings(group, group));
    }

    private static Map<String, String> settings(String group, String prefix) {
        Map<String, String> s = new HashMap<>();
        s.put("flowwatch.group", group);
        s.put("flowwatch.topics.calico", CALICO);
        s.put("flowwatch.topics.hubble", HUBBLE);
        s.put("flowwatch.topics.audit", AUDIT);
        s.put("flowwatch.topics.dlq", prefix + "-dlq");
        s.put("flowwatch.topics.violations", prefix + "-violations");
        // a killed member's partitions move after 10 s rather than the default 45 s
        s.put("mp.messaging.connector.smallrye-kafka.session.timeout.ms", "10000");
        return s;
    }

    /**
     * The violations once the instance is ready and two reads two seconds apart agree (the REST store is filled
     * asynchronously, from this instance's batches and the violations topic).
     */
    private static Map<String, List<Long>> settled(FlowwatchProcess app) {
        app.awaitReady();
        AtomicReference<Map<String, List<Long>>> previous = new AtomicReference<>();
        return await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions()
                .until(
                        () -> {
                            Map<String, List<Long>> now = app.violations();
                            return now.equals(previous.getAndSet(now)) ? now : null;
                        },
                        Objects::nonNull);
    }

    private void report(String fault, double flows, double rejected, long dlq, Map<String, List<Long>> got)
            throws Exception {
        long missing =
                reference.keySet().stream().filter(id -> !got.containsKey(id)).count();
        long extra =
                got.keySet().stream().filter(id -> !reference.containsKey(id)).count();
        long doubled = got.entrySet().stream()
                .filter(e -> reference.containsKey(e.getKey())
                        && e.getValue().get(0) > reference.get(e.getKey()).get(0))
                .count();
        long lower = got.entrySet().stream()
                .filter(e -> reference.containsKey(e.getKey())
                        && e.getValue().get(0) < reference.get(e.getKey()).get(0))
                .count();
        figures.add(String.format(
                "%s: produced=%d (bad %d) flows classified=%.0f (clean %.0f) rejected=%.0f dlq=%d"
                        + " lost records=%d violations=%d (clean %d) missing=%d extra=%d over-counted=%d under-counted=%d",
                fault,
                records,
                bad,
                flows,
                referenceFlows,
                rejected,
                dlq,
                records - committedSum(fault),
                got.size(),
                reference.size(),
                missing,
                extra,
                doubled,
                lower));
    }

    private long committedSum(String fault) {
        return records; // every scenario asserts that all offsets were committed before it reports
    }

    private void createTopics(String... names) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (String n : names) {
            topics.add(new NewTopic(n, Optional.of(PARTITIONS), Optional.empty()));
        }
        admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }

    private void alter(String... topics) throws Exception {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        for (String t : topics) {
            ops.put(
                    new ConfigResource(ConfigResource.Type.TOPIC, t),
                    List.of(new AlterConfigOp(
                            new ConfigEntry("max.message.bytes", "1048588"), AlterConfigOp.OpType.SET)));
        }
        admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
    }

    private long endOffsets(String... topics) throws Exception {
        List<String> names = topics.length == 0 ? List.of(CALICO, HUBBLE) : List.of(topics);
        Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
        for (String t : names) {
            int n = admin.describeTopics(List.of(t))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(t)
                    .partitions()
                    .size();
            for (int p = 0; p < n; p++) {
                spec.put(new TopicPartition(t, p), OffsetSpec.latest());
            }
        }
        return admin.listOffsets(spec).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(i -> i.offset())
                .sum();
    }

    private long topicSize(String topic) {
        try {
            return endOffsets(topic);
        } catch (Exception e) {
            return -1;
        }
    }

    private long committed(String group, String... topics) {
        List<String> names = topics.length == 0 ? List.of(CALICO, HUBBLE) : List.of(topics);
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream()
                    .filter(e -> names.contains(e.getKey().topic()) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        } catch (Exception e) {
            return -1;
        }
    }

    private void awaitCommitted(String group, long expected, String... topics) {
        await().atMost(DONE)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(committed(group, topics)).isEqualTo(expected));
    }

    private void awaitCommittedAtLeast(String group, long least) {
        await().atMost(DONE).pollInterval(Duration.ofMillis(200)).until(() -> committed(group) >= least);
    }
}
