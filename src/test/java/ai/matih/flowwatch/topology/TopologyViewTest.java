package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyViewTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final ManifestLoader loader =
            new ManifestLoader(TenancyRules.defaults(), List.of(), DnsSelector.parse("kube-system/k8s-app=kube-dns"));

    @Test
    void shouldSummarizeDemoTopologyPerTenant() {
        // Given
        Topology topology = loader.load(ManifestLoaderTest.DEMO).topology();

        // When
        TopologyView view = TopologyView.of(topology, NOW);

        // Then
        assertThat(view.origin()).isEqualTo(ManifestLoaderTest.DEMO);
        assertThat(view.loadedAt()).isEqualTo(topology.loadedAt());
        assertThat(view.policies()).isEqualTo(10);
        assertThat(view.pods()).isEqualTo(17);
        assertThat(view.tenants())
                .extracting(
                        TopologyView.TenantView::tenant,
                        TopologyView.TenantView::namespaces,
                        TopologyView.TenantView::policies)
                .containsExactly(
                        tuple("acme-corp", List.of("matih-data-plane-acme-corp"), 4),
                        tuple("globex", List.of("matih-data-plane-globex"), 3),
                        tuple("initech", List.of("matih-data-plane-initech"), 3));
        assertThat(view.tenants().get(0).egressExceptions())
                .containsExactly(new TopologyView.EgressExceptionView(
                        "acme-corp-payments",
                        List.of("203.0.113.0/28"),
                        List.of("443"),
                        List.of("api.payments.example.com"),
                        "payments-team@acme.example",
                        Instant.parse("2030-01-01T00:00:00Z"),
                        false,
                        "Card payments gateway"));
        assertThat(view.tenants().get(1).egressExceptions())
                .extracting(TopologyView.EgressExceptionView::name, TopologyView.EgressExceptionView::expired)
                .containsExactly(tuple("globex-expired-partner", true));
        assertThat(view.tenants().get(2).egressExceptions()).isEmpty();
    }

    @Test
    void shouldListNamespacesWithRolePoliciesAndPods() {
        // Given
        Topology topology = loader.load(ManifestLoaderTest.DEMO).topology();

        // When
        List<TopologyView.NamespaceView> namespaces =
                TopologyView.of(topology, NOW).namespaces();

        // Then
        assertThat(namespaces)
                .extracting(
                        TopologyView.NamespaceView::name,
                        TopologyView.NamespaceView::role,
                        TopologyView.NamespaceView::tenant,
                        TopologyView.NamespaceView::policies,
                        TopologyView.NamespaceView::pods)
                .containsExactly(
                        tuple("kube-system", "other", null, 0, 1),
                        tuple("matih-control-plane", "control-plane", null, 0, 1),
                        tuple("matih-data-plane-acme-corp", "tenant", "acme-corp", 4, 3),
                        tuple("matih-data-plane-globex", "tenant", "globex", 3, 3),
                        tuple("matih-data-plane-initech", "tenant", "initech", 3, 3),
                        tuple("matih-ingress", "ingress", null, 0, 3),
                        tuple("matih-shared-infra", "shared-infra", null, 0, 2),
                        tuple("monitoring", "other", null, 0, 1));
        assertThat(namespaces.get(1).labels())
                .containsExactly(
                        Map.entry("kubernetes.io/metadata.name", "matih-control-plane"),
                        Map.entry("matih.ai/role", "control-plane"));
    }

    @Test
    void shouldListUndeclaredNamespacesAndTenantsKnownOnlyFromExceptions() {
        // Given
        Topology topology = loader.parse("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny, namespace: matih-data-plane-umbrella}
                spec: {podSelector: {}}
                ---
                apiVersion: flowwatch.matih.ai/v1
                kind: EgressException
                metadata: {name: hooli-ntp}
                spec: {tenant: hooli, cidrs: [192.0.2.1], ports: ["123/UDP", "8000-8100"]}
                """, "mixed.yaml").topology();

        // When
        TopologyView view = TopologyView.of(topology, NOW);

        // Then
        assertThat(view.namespaces())
                .extracting(
                        TopologyView.NamespaceView::name,
                        TopologyView.NamespaceView::known,
                        TopologyView.NamespaceView::tenant)
                .containsExactly(tuple("matih-data-plane-umbrella", false, "umbrella"));
        assertThat(view.tenants())
                .extracting(TopologyView.TenantView::tenant, TopologyView.TenantView::policies)
                .containsExactly(tuple("hooli", 0), tuple("umbrella", 1));
        assertThat(view.tenants().get(0).egressExceptions().get(0).ports()).containsExactly("123/UDP", "8000-8100");
        assertThat(view.tenants().get(0).egressExceptions().get(0).cidrs()).containsExactly("192.0.2.1");
    }

    @Test
    void shouldSerializeAsDesignedJson() throws Exception {
        // Given
        TopologyView view = TopologyView.of(loader.load(ManifestLoaderTest.DEMO).topology(), NOW);
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

        // When
        JsonNode json = mapper.readTree(mapper.writeValueAsString(view));

        // Then
        assertThat(json.fieldNames())
                .toIterable()
                .containsExactly("loadedAt", "origin", "tenants", "namespaces", "policies", "pods");
        assertThat(json.at("/tenants/0/egressExceptions/0/expires").asText()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(json.at("/tenants/0/egressExceptions/0").fieldNames())
                .toIterable()
                .containsExactly("name", "cidrs", "ports", "fqdns", "owner", "expires", "expired", "reason");
        assertThat(json.at("/namespaces/2/labels/matih.ai~1tenant").asText()).isEqualTo("acme-corp");
    }
}
