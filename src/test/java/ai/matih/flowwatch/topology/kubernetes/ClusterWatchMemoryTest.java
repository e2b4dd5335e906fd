package ai.matih.flowwatch.topology.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.topology.TopologyHolder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 20,000 pods: what the informers' cache and the topology retain per pod, and that a burst of changes costs a few
 * rebuilds. Runs in a JVM of its own (surefire execution heap-measuring-tests).
 */
@EnableKubernetesMockClient(crud = true)
class ClusterWatchMemoryTest {

    static final int PODS = 20_000;
    /**
     * Bound per pod, informer caches and topology together (measured: about 1,500 bytes): 20,000 pods then take
     * under 60 MiB, less than a tenth of the default heap (75% of the 1 GiB limit of the Deployment).
     */
    static final long MAX_BYTES_PER_POD = 3_072;

    static KubernetesMockServer server;
    static KubernetesClient client;

    @BeforeAll
    static void quietTestServer() {
        // the test server logs every request at INFO: 20,000 of them
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    }

    @Test
    void twentyThousandPodsFitTheDefaultHeapWithMargin() throws Exception {
        // Given 20,000 pods (of 400 workloads, 50 each) in the API server
        long creating = System.nanoTime();
        ExecutorService creators = Executors.newFixedThreadPool(4);
        List<Future<?>> created = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            created.add(creators.submit(() -> {
                for (int i = first; i < PODS; i += 4) {
                    String ip = "10." + (100 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
                    KubeObjects.create(
                            client,
                            KubeObjects.pod(
                                    "matih-data-plane-t" + (i % 40),
                                    "web-" + (i / 50) + "-" + i,
                                    ip,
                                    "worker-" + (i % 30),
                                    false));
                }
            }));
        }
        for (Future<?> f : created) {
            f.get();
        }
        creators.shutdown();
        System.out.printf(
                "%d pods created in the test server in %d ms%n", PODS, (System.nanoTime() - creating) / 1_000_000);
        TopologyHolder holder = ClusterWatchTest.holder();
        long before = usedAfterGc();

        // When the informers have synced them
        ClusterWatch watch =
                new ClusterWatch(client, holder, Duration.ofMillis(200), Duration.ofMinutes(2), Clock.systemUTC());
        watch.start().get(120, TimeUnit.SECONDS);
        long retained = usedAfterGc() - before;

        // Then each pod costs a bounded number of bytes
        long perPod = retained / PODS;
        System.out.printf(
                "Informer cache + topology for %d pods: %d bytes retained (%d MiB), %d bytes per pod; heap max %d MiB%n",
                PODS, retained, retained >> 20, perPod, Runtime.getRuntime().maxMemory() >> 20);
        assertThat(holder.current().podsByName()).hasSize(PODS);
        assertThat(perPod).isLessThan(MAX_BYTES_PER_POD);

        // When 2,000 of them are relabelled in a burst
        long rebuilds = watch.rebuilds();
        long editing = System.nanoTime();
        for (int i = 0; i < 2_000; i++) {
            String ns = "matih-data-plane-t" + (i % 40);
            client.pods().inNamespace(ns).withName("web-" + (i / 50) + "-" + i).edit(p -> {
                p.getMetadata().getLabels().put("rolled", "yes");
                return p;
            });
        }

        // Then they show after far fewer rebuilds than changes
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(holder.current()
                                .pod("matih-data-plane-t39", "web-39-1999")
                                .labels())
                        .containsEntry("rolled", "yes"));
        long rebuildCount = watch.rebuilds() - rebuilds;
        long millis = (System.nanoTime() - editing) / 1_000_000;
        System.out.printf("2000 pod changes over %d ms took %d snapshot rebuilds%n", millis, rebuildCount);
        assertThat(rebuildCount).isLessThanOrEqualTo(millis / 200 + 2).isLessThan(2_000);
        watch.close();
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
