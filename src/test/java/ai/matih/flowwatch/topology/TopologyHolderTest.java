package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyHolderTest {

    private static final String ACME = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: matih-data-plane-acme-corp}
            """;
    private static final String GLOBEX = """
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: matih-data-plane-globex}
            """;
    private static final String CONTROL_PLANE = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: matih-control-plane, labels: {matih.ai/role: control-plane}}
            """;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyHolder holder;

    @AfterEach
    void stop() {
        if (holder != null) {
            holder.stop();
        }
    }

    @Test
    void shouldCountEmptyTopologyAsLoadedWhenNoPathIsConfigured() {
        // Given
        holder = holder(Map.of());

        // When
        holder.start();

        // Then
        assertThat(holder.loaded()).isTrue();
        assertThat(holder.current().origin()).isEqualTo(Topology.EMPTY_ORIGIN);
        assertThat(holder.current().namespaces()).isEmpty();
        assertThat(holder.lastError()).isNull();
        assertThat(readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void shouldLoadClasspathDemoAndPublishNamespaceGaugePerRole() {
        // Given
        holder = holder(Map.of("flowwatch.topology.path", ManifestLoaderTest.DEMO));
        assertThat(holder.loaded()).isFalse();

        // When
        holder.start();

        // Then
        assertThat(holder.loaded()).isTrue();
        assertThat(holder.current().origin()).isEqualTo(ManifestLoaderTest.DEMO);
        assertThat(gauge(Role.TENANT)).isEqualTo(3.0);
        assertThat(gauge(Role.CONTROL_PLANE)).isEqualTo(1.0);
        assertThat(gauge(Role.INGRESS)).isEqualTo(1.0);
        assertThat(gauge(Role.SHARED_INFRA)).isEqualTo(1.0);
        assertThat(gauge(Role.OTHER)).isEqualTo(2.0);
        assertThat(registry.get(TopologyHolder.NAMESPACES_METER).gauge().getId().getDescription())
                .isEqualTo("Namespaces in the current topology snapshot, by tenancy role");
    }

    @Test
    void shouldReloadChangedFilesAndKeepPreviousSnapshotWhenChangeIsBroken() throws IOException {
        // Given
        Path file = Files.writeString(dir.resolve("namespaces.yaml"), ACME);
        holder =
                holder(Map.of("flowwatch.topology.path", dir.toString(), "flowwatch.topology.reload-interval", "50ms"));
        holder.start();
        assertThat(holder.current().namespaces()).containsOnlyKeys("matih-data-plane-acme-corp");

        // When
        replace(file, ACME + GLOBEX);
        replace(dir.resolve("control-plane.yml"), CONTROL_PLANE);

        // Then
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(holder.current().namespaces())
                        .containsOnlyKeys(
                                "matih-data-plane-acme-corp", "matih-data-plane-globex", "matih-control-plane"));
        assertThat(gauge(Role.TENANT)).isEqualTo(2.0);
        assertThat(gauge(Role.CONTROL_PLANE)).isEqualTo(1.0);

        // When
        Topology before = holder.current();
        replace(file, ACME + GLOBEX + "---\napiVersion: v1\nkind: Namespace\nmetadata: {labels: {}}\n");

        // Then
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(holder.lastError())
                        .isEqualTo(file + ", document 3, field metadata.name: is missing"));
        assertThat(holder.current()).isSameAs(before);
        assertThat(holder.loaded()).isTrue();
        assertThat(readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(readiness().getData())
                .hasValueSatisfying(d -> assertThat(d)
                        .containsEntry("lastError", file + ", document 3, field metadata.name: is missing"));
    }

    @Test
    void shouldKeepAuditStreamChangesAcrossFileReloads() throws IOException {
        // Given: acme-corp's namespace relabelled by the audit stream
        Path file = Files.writeString(dir.resolve("namespaces.yaml"), ACME);
        holder =
                holder(Map.of("flowwatch.topology.path", dir.toString(), "flowwatch.topology.reload-interval", "50ms"));
        holder.start();
        holder.apply(new TopologyChange.NamespaceLabels(
                "matih-data-plane-acme-corp", Map.of("matih.ai/role", "shared-infra"), Instant.now()));
        assertThat(holder.current()
                        .namespaces()
                        .get("matih-data-plane-acme-corp")
                        .role())
                .isEqualTo(Role.SHARED_INFRA);

        // When: the files change and are reloaded
        replace(file, ACME + GLOBEX);

        // Then
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(holder.current().namespaces()).containsKey("matih-data-plane-globex"));
        assertThat(holder.current()
                        .namespaces()
                        .get("matih-data-plane-acme-corp")
                        .role())
                .isEqualTo(Role.SHARED_INFRA);
    }

    @Test
    void shouldNotRetryUnchangedBrokenFilesButRecoverWhenFixed() throws IOException {
        // Given
        Path file = Files.writeString(dir.resolve("broken.yaml"), "kind: [");
        holder = holder(Map.of("flowwatch.topology.path", file.toString(), "flowwatch.topology.reload-interval", "1h"));
        holder.start();
        assertThat(holder.loaded()).isFalse();
        assertThat(readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        boolean retriedUnchanged = holder.reloadIfChanged();

        // When
        Files.writeString(file, ACME);
        boolean reloadedFixed = holder.reloadIfChanged();

        // Then
        assertThat(retriedUnchanged).isFalse();
        assertThat(reloadedFixed).isTrue();
        assertThat(holder.loaded()).isTrue();
        assertThat(holder.lastError()).isNull();
        assertThat(holder.current().namespaces()).containsOnlyKeys("matih-data-plane-acme-corp");
    }

    @Test
    void shouldStayNotReadyWhilePathIsMissing() {
        // Given
        Path missing = dir.resolve("later");
        holder = holder(Map.of("flowwatch.topology.path", missing.toString()));

        // When
        holder.start();

        // Then
        HealthCheckResponse readiness = readiness();
        assertThat(holder.loaded()).isFalse();
        assertThat(holder.lastLoadAttempt()).isNotNull();
        assertThat(readiness.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(readiness.getName()).isEqualTo("topology");
        assertThat(readiness.getData())
                .hasValueSatisfying(d -> assertThat(d)
                        .containsEntry("lastError", missing + ": does not exist")
                        .containsEntry("origin", Topology.EMPTY_ORIGIN)
                        .containsEntry("namespaces", 0L)
                        .doesNotContainKey("loadedAt"));
    }

    @Test
    void shouldReplaceSnapshotFromOtherSources() {
        // Given
        holder = holder(Map.of("flowwatch.topology.path", dir.resolve("missing").toString()));
        holder.start();
        Topology fromAudit = holder.loader().parse(ACME, "audit").topology();

        // When
        holder.replace(fromAudit);

        // Then
        assertThat(holder.current()).isSameAs(fromAudit);
        assertThat(holder.loaded()).isTrue();
        assertThat(gauge(Role.TENANT)).isEqualTo(1.0);
    }

    /** Writes the file whole at once, so that the watcher never reads it half-written. */
    private static void replace(Path file, String content) throws IOException {
        Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), content);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private TopologyHolder holder(Map<String, String> properties) {
        TestConfig config = TestConfig.of(new HashMap<>(properties));
        return new TopologyHolder(config.tenancy(), config.cluster(), config.topology(), registry);
    }

    private double gauge(Role role) {
        return registry.get(TopologyHolder.NAMESPACES_METER)
                .tag(TopologyHolder.ROLE_TAG, role.tag())
                .gauge()
                .value();
    }

    private HealthCheckResponse readiness() {
        return new TopologyReadinessCheck(holder).call();
    }

    @Test
    void withTheKubernetesApiItIsNotReadyUntilTheClusterIsSyncedAndIgnoresManifests() throws IOException {
        // Given manifests and the Kubernetes API as the source
        Path manifests = Files.writeString(dir.resolve("acme.yaml"), ACME);
        holder = holder(Map.of(
                "flowwatch.topology.path", manifests.toString(), "flowwatch.topology.kubernetes.enabled", "true"));

        // When it starts
        holder.start();

        // Then it waits for the cluster: the manifests are not loaded
        assertThat(holder.loaded()).isFalse();
        assertThat(readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(holder.current().namespaces()).isEmpty();

        // When the first snapshot of the cluster arrives
        holder.replaceFromCluster(holder.loader().parse(ACME, "kubernetes").topology(), Map.of());

        // Then it is ready
        assertThat(readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
