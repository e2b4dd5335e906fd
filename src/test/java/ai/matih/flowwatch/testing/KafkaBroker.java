package ai.matih.flowwatch.testing;

import ai.matih.flowwatch.demo.DemoTopics;
import ai.matih.flowwatch.demo.EmbeddedKafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.jboss.logging.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Kafka broker for every test that needs one: Testcontainers Kafka ({@value #KAFKA_IMAGE}) when a Docker engine
 * answers, else {@link EmbeddedKafkaBroker} in this JVM. Chosen at run time; force one with
 * {@code -Dflowwatch.test.kafka=embedded|container}. Started once per JVM, shared by all test classes, closed on JVM
 * exit; the five flowwatch topics ({@link DemoTopics#ALL}) are pre-created.
 *
 * <p>Use with {@code @WithTestResource(KafkaBroker.class)} (it sets {@code kafka.bootstrap.servers}), or call
 * {@link #bootstrapServers()} from plain JUnit tests.
 */
public class KafkaBroker implements QuarkusTestResourceLifecycleManager {

    /** The official Apache Kafka image, same release line as the kafka-clients of the Quarkus BOM. */
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    /** System property: {@code embedded} or {@code container} to force a kind; unset means detect Docker. */
    public static final String KIND_PROPERTY = "flowwatch.test.kafka";

    private static final Logger LOGGER = Logger.getLogger(KafkaBroker.class);
    /*
     * Quarkus may load this class in more than one class loader (one per test application); the JVM-wide system
     * property makes them share the one broker the first of them started.
     */
    private static final String SHARED_PROPERTY = "flowwatch.test.kafka.bootstrap-servers";
    /* Strong references: java.util.logging forgets the level of a logger that is garbage collected. */
    private static final List<java.util.logging.Logger> QUIETED = new ArrayList<>();

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM: closed by the shutdown hook, not per test class.
    }

    /** The shared broker's {@code bootstrap.servers}, starting it on first use. */
    public static String bootstrapServers() {
        synchronized (System.class) {
            String shared = System.getProperty(SHARED_PROPERTY);
            if (shared == null) {
                shared = startShared();
                System.setProperty(SHARED_PROPERTY, shared);
            }
            return shared;
        }
    }

    private static String startShared() {
        long started = System.nanoTime();
        String kind = System.getProperty(KIND_PROPERTY, "");
        boolean container = switch (kind) {
            case "container" -> true;
            case "embedded" -> false;
            case "" -> dockerAvailable();
            default ->
                throw new IllegalArgumentException(
                        KIND_PROPERTY + " must be 'embedded' or 'container', got '" + kind + "'");
        };
        long detectedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        String bootstrap;
        if (container) {
            KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
            kafka.start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "kafka-container-stop"));
            bootstrap = kafka.getBootstrapServers();
        } else {
            quietBrokerLogging();
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-stop"));
            bootstrap = broker.bootstrapServers();
        }
        EmbeddedKafkaBroker.createTopics(bootstrap, DemoTopics.ALL.toArray(String[]::new));
        LOGGER.infof(
                "Test Kafka: %s at %s, ready in %d ms (broker choice took %d ms)",
                container
                        ? "Testcontainers " + KAFKA_IMAGE
                        : kind.isEmpty()
                                ? "embedded broker (no Docker engine)"
                                : "embedded broker (" + KIND_PROPERTY + "=embedded)",
                bootstrap,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                detectedMillis);
        return bootstrap;
    }

    /** True when a Docker engine answers; never throws (Testcontainers reports failures as false). */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            LOGGER.debugf("Docker detection failed: %s", e.toString());
            return false;
        }
    }

    /* Outside Quarkus nothing reads application.properties: keep the broker's INFO chatter out of test output. */
    private static void quietBrokerLogging() {
        for (String category : EmbeddedKafkaBroker.LOG_CATEGORIES) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(category);
            if (logger.getLevel() == null) {
                logger.setLevel(Level.WARNING);
                QUIETED.add(logger);
            }
        }
    }
}
