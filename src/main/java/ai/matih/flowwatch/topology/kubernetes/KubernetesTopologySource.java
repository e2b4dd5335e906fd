package ai.matih.flowwatch.topology.kubernetes;

import ai.matih.flowwatch.topology.TopologyConfig;
import ai.matih.flowwatch.topology.TopologyHolder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import java.time.Clock;
import java.time.Duration;

/**
 * The Kubernetes API as the topology source, when {@code flowwatch.topology.kubernetes.enabled=true}: starts a
 * {@link ClusterWatch} with the client configured by the {@code quarkus.kubernetes-client.*} keys (in a pod, its
 * service account). When disabled no client is created, so nothing connects to any API server.
 */
@ApplicationScoped
public class KubernetesTopologySource {

    private final TopologyConfig config;
    private final TopologyHolder holder;
    private final Instance<KubernetesClient> clients;
    private ClusterWatch watch;

    /**
     * @throws ConfigurationException naming the key and the value when a setting is invalid
     */
    public KubernetesTopologySource(TopologyConfig config, TopologyHolder holder, Instance<KubernetesClient> clients) {
        this.config = config;
        this.holder = holder;
        this.clients = clients;
        TopologyConfig.Kubernetes k = config.kubernetes();
        if (k.rebuildDelay().isNegative()) {
            throw new ConfigurationException(
                    "flowwatch.topology.kubernetes.rebuild-delay='" + k.rebuildDelay() + "' must not be negative");
        }
        if (k.deletedPodGrace().isNegative()) {
            throw new ConfigurationException("flowwatch.topology.kubernetes.deleted-pod-grace='" + k.deletedPodGrace()
                    + "' must not be negative");
        }
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) StartupEvent event) {
        if (config.kubernetes().enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts watching the API (idempotent); the topology is loaded once the initial lists are synced. */
    public synchronized void start() {
        if (watch != null) {
            return;
        }
        TopologyConfig.Kubernetes k = config.kubernetes();
        Duration grace = k.deletedPodGrace();
        watch = new ClusterWatch(clients.get(), holder, k.rebuildDelay(), grace, Clock.systemUTC());
        watch.start();
    }

    /** Stops watching. */
    public synchronized void stop() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }
}
