package ai.matih.flowwatch.demo;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Produces demo traffic for the demo topology ({@link DemoRecords}) to Kafka at {@code flowwatch.demo.rate} records per
 * second, a {@code flowwatch.demo.violation-ratio} share of them violations. Runs only when
 * {@code flowwatch.demo.enabled=true} (off by default; on in {@code %dev}).
 *
 * <p>Starts after the dev broker ({@link DevKafkaBroker}) and the messaging channels; stops first on shutdown.
 */
@ApplicationScoped
public class DemoTrafficGenerator {

    private static final Logger LOGGER = Logger.getLogger(DemoTrafficGenerator.class);
    private static final long TICK_MILLIS = 100;
    /** Share of the record budget spent on audit events; the rest are flow records. */
    private static final double AUDIT_SHARE = 0.1;
    /** Share of Hubble connections followed by an exporter lost_events line. */
    private static final double LOST_EVENTS_SHARE = 0.01;

    private final DemoConfig config;
    private final String bootstrapServers;
    private ScheduledExecutorService executor;
    private KafkaProducer<String, byte[]> producer;
    private DemoRecords records;
    private Random random;
    private double budget;
    private final AtomicBoolean sendFailureLogged = new AtomicBoolean();

    public DemoTrafficGenerator(
            DemoConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 500) StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        if (config.rate() <= 0 || config.violationRatio() < 0 || config.violationRatio() > 1) {
            throw new IllegalArgumentException("flowwatch.demo.rate must be > 0 and flowwatch.demo.violation-ratio"
                    + " within 0..1, got " + config.rate() + " and " + config.violationRatio());
        }
        random = new Random();
        records = new DemoRecords(random, Clock.systemUTC());
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "flowwatch-demo-generator",
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.ACKS_CONFIG,
                        "1",
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        5_000),
                new StringSerializer(),
                new ByteArraySerializer());
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "flowwatch-demo-generator");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOGGER.infof(
                "Demo traffic generator producing %.0f records/s (%.0f%% violations) to %s",
                config.rate(), config.violationRatio() * 100, bootstrapServers);
    }

    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
        executor = null;
    }

    /* Spends the records of one tick; a connection's records stay together, so the budget may go briefly negative. */
    private void tick() {
        try {
            budget = Math.min(budget + config.rate() * TICK_MILLIS / 1000.0, config.rate());
            while (budget >= 1 && !Thread.currentThread().isInterrupted()) {
                boolean violation = random.nextDouble() < config.violationRatio();
                List<DemoRecords.Output> batch;
                if (random.nextDouble() < AUDIT_SHARE) {
                    batch = records.nextAudit(violation);
                } else {
                    batch = records.nextConnection(violation);
                    if (random.nextDouble() < LOST_EVENTS_SHARE) {
                        batch = append(batch, records.lostEvents());
                    }
                }
                for (DemoRecords.Output output : batch) {
                    producer.send(
                            new ProducerRecord<>(
                                    output.topic(), output.key(), output.value().getBytes(StandardCharsets.UTF_8)),
                            this::onSent);
                }
                budget -= batch.size();
            }
        } catch (RuntimeException e) {
            // Never let one failure end the schedule (a broker not yet up, a full buffer); try again next tick.
            LOGGER.debugf("Demo traffic tick failed: %s", e.toString());
        }
    }

    /* Says once that records are not arriving (broker down, topic missing); never logs per record. */
    private void onSent(RecordMetadata metadata, Exception failure) {
        if (failure != null && !sendFailureLogged.getAndSet(true)) {
            LOGGER.warnf(
                    "Demo traffic generator cannot produce to %s: %s (further failures not logged)",
                    bootstrapServers, failure.toString());
        }
    }

    private static List<DemoRecords.Output> append(List<DemoRecords.Output> batch, DemoRecords.Output extra) {
        List<DemoRecords.Output> all = new ArrayList<>(batch);
        all.add(extra);
        return all;
    }
}
