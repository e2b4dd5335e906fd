package ai.matih.flowwatch.topology.kubernetes;

import static ai.matih.flowwatch.topology.kubernetes.KubeObjects.denyAll;
import static ai.matih.flowwatch.topology.kubernetes.KubeObjects.exception;
import static ai.matih.flowwatch.topology.kubernetes.KubeObjects.namespace;
import static ai.matih.flowwatch.topology.kubernetes.KubeObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.TestConfig;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyChange;
import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.topology.TopologyReadinessCheck;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology follows the Kubernetes API (the fabric8 test server in CRUD mode, with watches). */
@EnableKubernetesMockClient(crud = true)
class ClusterWatchTest {

    static final String ACME = "matih-data-plane-acme-corp";
    static final String GLOBEX = "matih-data-plane-globex";
    static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    static KubernetesMockServer server;
    static KubernetesClient client;

    private TopologyHolder holder;
    private ClusterWatch watch;

    @BeforeEach
    void crd() {
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .load(Path.of("deploy/kubernetes/base/egressexceptions.flowwatch.matih.ai.yaml")
                        .toFile())
                .createOr(c -> c.update());
        holder = holder();
    }

    @AfterEach
    void stop() {
        if (watch != null) {
            watch.close();
        }
        client.namespaces().delete();
        client.pods().inAnyNamespace().delete();
        client.network().networkPolicies().inAnyNamespace().delete();
        client.resources(EgressExceptionResource.class).inAnyNamespace().delete();
    }

    @Test
    void initialSyncLoadsEveryKindAndReadinessWaitsForIt() throws Exception {
        // Given a cluster with a tenant namespace, a policy, a pod and an egress exception
        client.namespaces()
                .resource(namespace(ACME, Map.of("matih.ai/tenant", "acme-corp")))
                .create();
        client.network()
                .networkPolicies()
                .resource(denyAll(ACME, "default-deny"))
                .create();
        KubeObjects.create(client, pod(ACME, "web-1", "10.244.1.10", "worker-1", false));
        client.resources(EgressExceptionResource.class)
                .resource(exception(ACME, "payments", "acme-corp", "203.0.113.0/28"))
                .create();
        watch = watch(Duration.ofMinutes(2));
        assertThat(readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);

        // When the informers have listed everything
        watch.start().get(10, TimeUnit.SECONDS);

        // Then
        Topology t = holder.current();
        assertThat(readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(t.namespaces().get(ACME).role()).isEqualTo(Role.TENANT);
        assertThat(t.namespaces().get(ACME).tenant()).isEqualTo("acme-corp");
        assertThat(t.networkPolicies())
                .extracting(p ->
                        p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())
                .containsExactly(ACME + "/default-deny");
        PodInfo web = t.podByIp("10.244.1.10");
        assertThat(web.name()).isEqualTo("web-1");
        assertThat(web.owner()).isEqualTo("ReplicaSet/web-7d9f8c6b5");
        assertThat(web.node()).isEqualTo("worker-1");
        assertThat(web.ports()).containsExactly(new PodInfo.ContainerPort("http", 8080, "TCP"));
        assertThat(t.nodeByIp("192.168.0.11")).isEqualTo("worker-1");
        assertThat(t.egressExceptions()).singleElement().satisfies(e -> {
            assertThat(e.tenant()).isEqualTo("acme-corp");
            assertThat(e.owner()).isEqualTo("payments-team");
        });
        assertThat(t.podsKnown()).isTrue();
        assertThat(t.origin()).isEqualTo("kubernetes");
    }

    @Test
    void addModifyAndDeleteOfEachKindShowWithinFiveSeconds() throws Exception {
        // Given a synced, empty cluster
        watch = watch(Duration.ofMinutes(2));
        watch.start().get(10, TimeUnit.SECONDS);

        // When a tenant namespace with a policy, a pod and an exception are added, Then they show
        client.namespaces()
                .resource(namespace(GLOBEX, Map.of("matih.ai/tenant", "globex")))
                .create();
        client.network().networkPolicies().resource(denyAll(GLOBEX, "deny")).create();
        KubeObjects.create(client, pod(GLOBEX, "db-0", "10.244.2.12", "worker-2", false));
        client.resources(EgressExceptionResource.class)
                .resource(exception(GLOBEX, "partners", "globex", "198.51.100.0/24"))
                .create();
        await().atMost(FIVE_SECONDS).untilAsserted(() -> {
            Topology t = holder.current();
            assertThat(t.namespaces().get(GLOBEX).role()).isEqualTo(Role.TENANT);
            assertThat(t.networkPolicies()).hasSize(1);
            assertThat(t.podByIp("10.244.2.12").name()).isEqualTo("db-0");
            assertThat(t.egressExceptions()).hasSize(1);
        });

        // When each is modified, Then the change shows
        client.namespaces()
                .withName(GLOBEX)
                .edit(n -> new NamespaceBuilder(n)
                        .editMetadata()
                        .withLabels(Map.of("matih.ai/role", "shared-infra"))
                        .endMetadata()
                        .build());
        client.pods().inNamespace(GLOBEX).withName("db-0").edit(p -> {
            p.getMetadata().setLabels(Map.of("app", "db", "tier", "data"));
            return p;
        });
        client.network().networkPolicies().inNamespace(GLOBEX).withName("deny").edit(p -> {
            p.getSpec().setPolicyTypes(java.util.List.of("Ingress"));
            return p;
        });
        client.resources(EgressExceptionResource.class)
                .inNamespace(GLOBEX)
                .withName("partners")
                .edit(e -> {
                    e.getSpec().setOwner("partners-team");
                    return e;
                });
        await().atMost(FIVE_SECONDS).untilAsserted(() -> {
            Topology t = holder.current();
            assertThat(t.namespaces().get(GLOBEX).role()).isEqualTo(Role.SHARED_INFRA);
            assertThat(t.podByIp("10.244.2.12").labels()).containsEntry("tier", "data");
            assertThat(t.networkPolicies().get(0).getSpec().getPolicyTypes()).containsExactly("Ingress");
            assertThat(t.egressExceptions().get(0).owner()).isEqualTo("partners-team");
        });

        // When each is deleted, Then it is gone
        client.network().networkPolicies().inNamespace(GLOBEX).withName("deny").delete();
        client.pods().inNamespace(GLOBEX).withName("db-0").delete();
        client.resources(EgressExceptionResource.class)
                .inNamespace(GLOBEX)
                .withName("partners")
                .delete();
        client.namespaces().withName(GLOBEX).delete();
        await().atMost(FIVE_SECONDS).untilAsserted(() -> {
            Topology t = holder.current();
            assertThat(t.namespaces()).doesNotContainKey(GLOBEX);
            assertThat(t.networkPolicies()).isEmpty();
            assertThat(t.podsByName()).isEmpty();
            assertThat(t.egressExceptions()).isEmpty();
        });
    }

    @Test
    void relabelMovesANamespaceBetweenRoles() throws Exception {
        // Given a namespace without a role
        client.namespaces().resource(namespace("team-x", Map.of("team", "x"))).create();
        watch = watch(Duration.ofMinutes(2));
        watch.start().get(10, TimeUnit.SECONDS);
        assertThat(holder.current().namespaces().get("team-x").role()).isEqualTo(Role.OTHER);

        // When it is labelled as a tenant's, and then as control plane
        relabel("team-x", Map.of("matih.ai/tenant", "x-corp"));
        await().atMost(FIVE_SECONDS)
                .untilAsserted(() -> assertThat(
                                holder.current().namespaces().get("team-x").tenant())
                        .isEqualTo("x-corp"));
        relabel("team-x", Map.of("matih.ai/role", "control-plane"));

        // Then it moved
        await().atMost(FIVE_SECONDS)
                .untilAsserted(() -> assertThat(
                                holder.current().namespaces().get("team-x").role())
                        .isEqualTo(Role.CONTROL_PLANE));
    }

    @Test
    void deletedPodsIpIsRememberedForTheGracePeriodMarkedDeleted() throws Exception {
        // Given a pod, watched with a grace period of 1 s
        KubeObjects.create(client, pod(ACME, "web-1", "10.244.1.10", "worker-1", false));
        watch = watch(Duration.ofSeconds(1));
        watch.start().get(10, TimeUnit.SECONDS);

        // When it is deleted
        client.pods().inNamespace(ACME).withName("web-1").delete();

        // Then its IP still names it, marked deleted, and is forgotten after the grace period
        await().atMost(FIVE_SECONDS).untilAsserted(() -> {
            assertThat(holder.current().podsByName()).isEmpty();
            PodInfo remembered = holder.current().podByIp("10.244.1.10");
            assertThat(remembered).isNotNull();
            assertThat(remembered.deleted()).isTrue();
            assertThat(remembered.name()).isEqualTo("web-1");
        });
        await().atMost(FIVE_SECONDS)
                .untilAsserted(() ->
                        assertThat(holder.current().podByIp("10.244.1.10")).isNull());
    }

    @Test
    void aNewPodTakesOverARememberedIpAtOnce() throws Exception {
        // Given a deleted pod whose IP is remembered
        KubeObjects.create(client, pod(ACME, "web-1", "10.244.1.10", "worker-1", false));
        watch = watch(Duration.ofMinutes(2));
        watch.start().get(10, TimeUnit.SECONDS);
        client.pods().inNamespace(ACME).withName("web-1").delete();
        await().atMost(FIVE_SECONDS)
                .untilAsserted(
                        () -> assertThat(holder.current().podByIp("10.244.1.10").deleted())
                                .isTrue());

        // When a new pod gets the IP
        KubeObjects.create(client, pod(GLOBEX, "db-0", "10.244.1.10", "worker-1", false));

        // Then the IP is the new pod's
        await().atMost(FIVE_SECONDS).untilAsserted(() -> {
            PodInfo now = holder.current().podByIp("10.244.1.10");
            assertThat(now.name()).isEqualTo("db-0");
            assertThat(now.deleted()).isFalse();
        });
    }

    @Test
    void hostNetworkPodsAreTheirNodeNotAPod() throws Exception {
        // Given a hostNetwork pod (its IP is the node's)
        KubeObjects.create(client, pod("kube-system", "node-exporter-abc", "192.168.0.12", "worker-2", true));
        watch = watch(Duration.ofMinutes(2));

        // When synced
        watch.start().get(10, TimeUnit.SECONDS);

        // Then its IP is the node's, not a pod's
        assertThat(holder.current().podByIp("192.168.0.12")).isNull();
        assertThat(holder.current().nodeByIp("192.168.0.12")).isEqualTo("worker-2");
        assertThat(holder.current().pod("kube-system", "node-exporter-abc").hostNetwork())
                .isTrue();
    }

    @Test
    void anOlderAuditChangeNeverOverridesANewerObjectOfTheApi() throws Exception {
        // Given a tenant namespace the API reports at some resourceVersion
        client.namespaces()
                .resource(namespace(ACME, Map.of("matih.ai/tenant", "acme-corp")))
                .create();
        watch = watch(Duration.ofMinutes(2));
        watch.start().get(10, TimeUnit.SECONDS);
        long apiVersion = Long.parseLong(
                client.namespaces().withName(ACME).get().getMetadata().getResourceVersion());
        Instant late = Instant.now().plusSeconds(60);

        // When the audit stream reports an older write of it, even with a later timestamp
        boolean olderApplied = holder.apply(new TopologyChange.NamespaceLabels(
                ACME, Map.of("matih.ai/role", "control-plane"), late, apiVersion - 1));

        // Then it is ignored
        assertThat(olderApplied).isFalse();
        assertThat(holder.current().namespaces().get(ACME).role()).isEqualTo(Role.TENANT);

        // When it reports a newer write the informer has not delivered yet
        boolean newerApplied = holder.apply(
                new TopologyChange.NamespaceLabels(ACME, Map.of("matih.ai/role", "ingress"), late, apiVersion + 1000));

        // Then it shows at once, and a rebuild from the older API state keeps it
        assertThat(newerApplied).isTrue();
        assertThat(holder.current().namespaces().get(ACME).role()).isEqualTo(Role.INGRESS);
        watch.rebuild();
        assertThat(holder.current().namespaces().get(ACME).role()).isEqualTo(Role.INGRESS);
    }

    @Test
    void anAuditChangeGivesWayWhenTheApiReportsTheObjectAgain() throws Exception {
        // Given an audit-learnt relabel on top of the API's namespace
        client.namespaces()
                .resource(namespace(ACME, Map.of("matih.ai/tenant", "acme-corp")))
                .create();
        watch = watch(Duration.ofMinutes(2));
        watch.start().get(10, TimeUnit.SECONDS);
        holder.apply(new TopologyChange.NamespaceLabels(ACME, Map.of("matih.ai/role", "ingress"), Instant.now()));
        assertThat(holder.current().namespaces().get(ACME).role()).isEqualTo(Role.INGRESS);

        // When the API reports the namespace again (the informer is authoritative)
        relabel(ACME, Map.of("matih.ai/tenant", "acme-corp", "tier", "gold"));

        // Then the API's object is in force and the overlay forgot the change
        await().atMost(FIVE_SECONDS).untilAsserted(() -> {
            assertThat(holder.current().namespaces().get(ACME).role()).isEqualTo(Role.TENANT);
            assertThat(holder.overlay().size()).isZero();
        });
    }

    @Test
    void restartResyncsFromTheApi() throws Exception {
        // Given a watch that saw a namespace, then stopped
        client.namespaces()
                .resource(namespace(ACME, Map.of("matih.ai/tenant", "acme-corp")))
                .create();
        watch = watch(Duration.ofMinutes(2));
        watch.start().get(10, TimeUnit.SECONDS);
        watch.close();

        // When the cluster changes while flowwatch is down, and a new process starts
        client.network().networkPolicies().resource(denyAll(ACME, "deny")).create();
        KubeObjects.create(client, pod(ACME, "web-2", "10.244.1.11", "worker-1", false));
        holder = holder();
        watch = watch(Duration.ofMinutes(2));
        watch.start().get(10, TimeUnit.SECONDS);

        // Then it knows everything again
        Topology t = holder.current();
        assertThat(t.namespaces()).containsKey(ACME);
        assertThat(t.networkPolicies()).hasSize(1);
        assertThat(t.podByIp("10.244.1.11").name()).isEqualTo("web-2");
    }

    @Test
    void aBurstOfChangesSharesRebuilds() throws Exception {
        // Given a synced watch
        watch = watch(Duration.ofMinutes(2));
        watch.start().get(10, TimeUnit.SECONDS);
        long before = watch.rebuilds();

        // When 200 pods arrive
        for (int i = 0; i < 200; i++) {
            KubeObjects.create(client, pod(ACME, "burst-" + i, "10.244.3." + (i + 1), "worker-1", false));
        }

        // Then they all show, with far fewer rebuilds than events
        await().atMost(FIVE_SECONDS)
                .untilAsserted(() -> assertThat(holder.current().podsByName()).hasSize(200));
        assertThat(watch.rebuilds() - before).isLessThan(100);
    }

    private void relabel(String name, Map<String, String> labels) {
        client.namespaces()
                .withName(name)
                .edit(n -> new NamespaceBuilder(n)
                        .editMetadata()
                        .withLabels(labels)
                        .endMetadata()
                        .build());
    }

    private ClusterWatch watch(Duration grace) {
        return new ClusterWatch(client, holder, Duration.ofMillis(50), grace, Clock.systemUTC());
    }

    private HealthCheckResponse readiness() {
        return new TopologyReadinessCheck(holder).call();
    }

    static TopologyHolder holder() {
        Map<String, String> properties = new HashMap<>();
        properties.put("flowwatch.topology.kubernetes.enabled", "true");
        TestConfig config = TestConfig.of(properties);
        TopologyHolder holder =
                new TopologyHolder(config.tenancy(), config.cluster(), config.topology(), new SimpleMeterRegistry());
        holder.start();
        return holder;
    }
}
