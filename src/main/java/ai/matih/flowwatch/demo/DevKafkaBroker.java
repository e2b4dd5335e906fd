package ai.matih.flowwatch.demo;

import ai.matih.flowwatch.decode.FlowFormats;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Starts the {@link EmbeddedKafkaBroker} in dev mode ({@code ./mvnw quarkus:dev}) on {@code flowwatch.demo.broker-port}
 * and pre-creates the flowwatch topics (those of every input format found, and its own), before the messaging
 * channels connect.
 *
 * <p>Ordering: SmallRye Reactive Messaging connects its channels from a {@link StartupEvent} observer at priority
 * {@code LIBRARY_BEFORE} (1000); this observer runs at {@code PLATFORM_BEFORE} (0), so the broker is up first. It
 * stops in {@link PreDestroy}, which runs after the Kafka connector has closed its clients (the connector closes them
 * on {@code @BeforeDestroyed(ApplicationScoped.class)}), so shutdown never waits on a vanished broker.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DevKafkaBroker {

    private static final Logger LOGGER = Logger.getLogger(DevKafkaBroker.class);
    private static final int PARTITIONS = 3;

    private final DemoConfig config;
    private final FlowFormats formats;
    private EmbeddedKafkaBroker broker;

    public DevKafkaBroker(DemoConfig config, FlowFormats formats) {
        this.config = config;
        this.formats = formats;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        int port = config.brokerPort();
        if (portInUse(port)) {
            LOGGER.warnf(
                    "Port %d is in use: not starting the embedded Kafka broker, assuming a broker listens there", port);
            return;
        }
        broker = EmbeddedKafkaBroker.start(port, PARTITIONS);
        List<String> topics = DemoTopics.all(formats);
        broker.createTopics(topics.toArray(String[]::new));
        LOGGER.infof("Dev Kafka broker ready at %s with topics %s", broker.bootstrapServers(), topics);
    }

    @PreDestroy
    void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    private static boolean portInUse(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
