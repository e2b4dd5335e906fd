package ai.matih.flowwatch.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.jboss.logging.Logger;

/**
 * A single-node Apache Kafka broker running in this JVM: Kafka's own {@link KafkaRaftServer} in KRaft combined mode
 * ({@code process.roles=broker,controller}), listening on loopback only, with replication factors of 1 and automatic
 * topic creation. Used by dev mode ({@link DevKafkaBroker}) and by the tests; its classes come from the
 * {@code provided}-scope {@code kafka_2.13} artifacts, so it never ships in the packaged application.
 *
 * <p>The broker logs a lot at INFO. Set these categories to WARN where it runs (application.properties does for
 * {@code %dev} and {@code %test}): {@code kafka}, {@code org.apache.kafka}, {@code state.change.logger}.
 *
 * <p>Not thread-safe; start it once, close it once. The broker's threads are not daemons: always close it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Log categories of the broker, to quiet in application.properties. */
    public static final List<String> LOG_CATEGORIES = List.of("kafka", "org.apache.kafka", "state.change.logger");

    private static final Logger LOGGER = Logger.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";

    private final int port;
    private final int tlsPort;
    private final Path logDir;
    private final KafkaConfig config;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafkaBroker(int port, int tlsPort, Path logDir, KafkaConfig config, KafkaRaftServer server) {
        this.port = port;
        this.tlsPort = tlsPort;
        this.logDir = logDir;
        this.config = config;
        this.server = server;
    }

    /** Starts a broker on a random free port pair with 3 partitions per auto-created topic. */
    public static EmbeddedKafkaBroker start() {
        return start(0, 3);
    }

    /**
     * Starts a broker and returns once it accepts clients.
     *
     * @param port          the client port, or 0 for a random free one; the controller gets another free port
     * @param numPartitions {@code num.partitions} of auto-created topics
     * @throws IllegalStateException when the broker cannot start (port taken, formatting failed)
     */
    public static EmbeddedKafkaBroker start(int port, int numPartitions) {
        return start(port, numPartitions, Map.of());
    }

    /**
     * Starts a broker with a second, TLS-only client listener ({@code SSL}) on a free port, beside the plaintext one
     * (which the broker keeps for itself and for {@link #createTopics}).
     *
     * @param tls the listener's {@code ssl.*} settings, e.g. {@code ssl.keystore.location},
     *            {@code ssl.keystore.password}, {@code ssl.keystore.type}, {@code ssl.client.auth}
     */
    public static EmbeddedKafkaBroker startWithTls(int numPartitions, Map<String, String> tls) {
        if (tls.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener needs at least ssl.keystore.location");
        }
        return start(0, numPartitions, tls, Map.of());
    }

    /**
     * Starts a broker with some broker properties set (or replaced), e.g. {@code group.initial.rebalance.delay.ms} for
     * a group whose members start together (the throughput benchmark's scale-out run).
     */
    public static EmbeddedKafkaBroker start(int port, int numPartitions, Map<String, String> overrides) {
        return start(port, numPartitions, Map.of(), overrides);
    }

    private static EmbeddedKafkaBroker start(
            int port, int numPartitions, Map<String, String> tls, Map<String, String> overrides) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be at least 1, got " + numPartitions);
        }
        long started = System.nanoTime();
        int clientPort = port == 0 ? freePort() : port;
        int controllerPort = freePort(clientPort);
        int tlsPort = tls.isEmpty() ? -1 : freePort(clientPort, controllerPort);
        Path logDir = createTempDir();
        try {
            Properties properties = brokerProperties(clientPort, controllerPort, numPartitions, logDir);
            if (tlsPort > 0) {
                addTlsListener(properties, tlsPort, tls);
            }
            properties.putAll(overrides);
            KafkaConfig config = KafkaConfig.fromProps(properties);
            format(config, logDir);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(clientPort, tlsPort, logDir, config, server);
            try {
                server.startup();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            LOGGER.infof(
                    "Embedded Kafka broker %s started in %d ms (log dir %s)",
                    broker.bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logDir);
            return broker;
        } catch (RuntimeException e) {
            deleteRecursively(logDir);
            throw new IllegalStateException(
                    "Embedded Kafka broker failed to start on " + HOST + ":" + clientPort + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a standalone broker until the process is stopped: {@code ./mvnw -Pkafka-broker -Dkafka.port=9092},
     * with the flowwatch topics created. For trying the packaged service without installing Kafka.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
        EmbeddedKafkaBroker broker = start(port, 3);
        broker.createTopics(DemoTopics.ALL.toArray(String[]::new));
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
        System.out.println("Kafka broker ready at " + broker.bootstrapServers() + " (Ctrl-C stops it)");
        Thread.currentThread().join();
    }

    /** The {@code bootstrap.servers} value for clients. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The client port. */
    public int port() {
        return port;
    }

    /** The {@code bootstrap.servers} value of the TLS-only listener ({@link #startWithTls}). */
    public String tlsBootstrapServers() {
        if (tlsPort < 0) {
            throw new IllegalStateException("this broker has no TLS listener: start it with startWithTls");
        }
        return HOST + ":" + tlsPort;
    }

    /**
     * Creates the topics (with the broker's {@code num.partitions}, replication factor 1) and waits for them; topics
     * that already exist are left alone.
     */
    public void createTopics(String... names) {
        createTopics(bootstrapServers(), names);
    }

    /** Creates topics on any broker reachable at {@code bootstrapServers}; existing topics are left alone. */
    public static void createTopics(String bootstrapServers, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, Optional.empty(), Optional.empty()));
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000))) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "Cannot create topic " + entry.getKey() + ": "
                                        + e.getCause().getMessage(),
                                e.getCause());
                    }
                }
            }
            // Metadata propagates asynchronously; wait until every topic is listed.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(Set.of(names))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topics not visible after 30 s: " + List.of(names));
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot list topics on " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    /** Shuts the broker down, waits for it, and deletes its log directory. Idempotent. */
    /**
     * Stops the broker as a crash or a rolling restart would (its data stays), waits {@code down}, and starts it again
     * on the same ports with the same data (fault tests).
     */
    public void restart(Duration down) throws InterruptedException {
        server.shutdown();
        server.awaitShutdown();
        LOGGER.infof("Embedded Kafka broker %s stopped for %s", bootstrapServers(), down);
        Thread.sleep(down.toMillis());
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        LOGGER.infof("Embedded Kafka broker %s started again", bootstrapServers());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            deleteRecursively(logDir);
            LOGGER.infof("Embedded Kafka broker %s stopped", bootstrapServers());
        }
    }

    private static Properties brokerProperties(int port, int controllerPort, int numPartitions, Path logDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", Integer.toString(numPartitions));
        p.put("auto.create.topics.enable", "true");
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Small thread pools: the broker shares the JVM (and often 2 cores) with the application.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("num.replica.fetchers", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        return p;
    }

    private static void addTlsListener(Properties p, int tlsPort, Map<String, String> tls) {
        p.put("listeners", p.getProperty("listeners") + ",SSL://" + HOST + ":" + tlsPort);
        p.put("advertised.listeners", p.getProperty("advertised.listeners") + ",SSL://" + HOST + ":" + tlsPort);
        p.put("listener.security.protocol.map", p.getProperty("listener.security.protocol.map") + ",SSL:SSL");
        tls.forEach((key, value) -> p.put("listener.name.ssl." + key, value));
    }

    private static void format(KafkaConfig config, Path logDir) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setUnstableFeatureVersionsEnabled(false)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka log dir " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static int freePort(int... exclude) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                socket.setReuseAddress(true);
                int candidate = socket.getLocalPort();
                if (Arrays.stream(exclude).noneMatch(p -> p == candidate)) {
                    return candidate;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("No free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("No free port on " + HOST);
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("flowwatch-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temp dir for the Kafka log", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOGGER.debugf("Cannot delete %s: %s", path, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOGGER.warnf("Cannot delete Kafka log dir %s: %s", dir, e.getMessage());
        }
    }
}
