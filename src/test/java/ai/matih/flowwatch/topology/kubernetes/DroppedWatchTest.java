package ai.matih.flowwatch.topology.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.topology.TopologyHolder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When the API server drops the watches (it restarts), the informers watch again and the topology follows. */
class DroppedWatchTest {

    @Test
    void afterTheApiServerDropsItsWatchesChangesShowAgain() throws Exception {
        // Given a watch of a running API server (its objects kept by one dispatcher across restarts)
        KubernetesCrudDispatcher objects = new KubernetesCrudDispatcher();
        KubernetesMockServer first = server(objects);
        first.init(InetAddress.getLoopbackAddress(), 0);
        int port = first.getPort();
        KubernetesClient client = first.createClient();
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .load(Path.of("deploy/kubernetes/base/egressexceptions.flowwatch.matih.ai.yaml")
                        .toFile())
                .create();
        client.namespaces()
                .resource(KubeObjects.namespace("matih-data-plane-acme-corp", Map.of("matih.ai/tenant", "acme-corp")))
                .create();
        TopologyHolder holder = ClusterWatchTest.holder();
        ClusterWatch watch =
                new ClusterWatch(client, holder, Duration.ofMillis(50), Duration.ofMinutes(2), Clock.systemUTC());
        watch.start().get(10, TimeUnit.SECONDS);
        KubernetesMockServer second = null;
        try {
            // When the server goes away, dropping every watch, and comes back on the same port
            first.destroy();
            Thread.sleep(500);
            second = server(objects);
            second.init(InetAddress.getLoopbackAddress(), port);
            KubernetesClient again = second.createClient();

            // Then a namespace created afterwards shows, and what was known is kept
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        if (again.namespaces()
                                        .withName("matih-data-plane-globex")
                                        .get()
                                == null) {
                            again.namespaces()
                                    .resource(KubeObjects.namespace(
                                            "matih-data-plane-globex", Map.of("matih.ai/tenant", "globex")))
                                    .create();
                        }
                        assertThat(holder.current().namespaces())
                                .containsKeys("matih-data-plane-acme-corp", "matih-data-plane-globex");
                    });
        } finally {
            watch.close();
            if (second != null) {
                second.destroy();
            }
        }
    }

    private static KubernetesMockServer server(KubernetesCrudDispatcher objects) {
        return new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), objects, false);
    }
}
