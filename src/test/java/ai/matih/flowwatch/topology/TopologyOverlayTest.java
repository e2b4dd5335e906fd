package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The audit-learnt overlay stays bounded and compact, and each change touches only its own object. */
class TopologyOverlayTest {

    private static final String ACME = "matih-data-plane-acme-corp";
    private static final String GLOBEX = "matih-data-plane-globex";
    private static final String MANIFESTS = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: matih-data-plane-acme-corp, labels: {matih.ai/tenant: acme-corp}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: matih-data-plane-globex, labels: {matih.ai/tenant: globex}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-all, namespace: matih-data-plane-acme-corp}
            spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-all, namespace: matih-data-plane-globex}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            """;
    private static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldStayBoundedThroughTenThousandHostileNamespaces() {
        // Given
        TopologyHolder holder = holder(Map.of("flowwatch.topology.max-learnt-objects", "1000"));
        Topology before = holder.current();

        // When: 10,000 namespaces created through the audit stream
        int applied = 0;
        for (int i = 0; i < 10_000; i++) {
            String name = "hostile-" + Integer.toString(i * 7919, 36);
            applied += holder.apply(new TopologyChange.NamespaceLabels(name, Map.of("x", "y" + i), NOW)) ? 1 : 0;
        }

        // Then: the overlay holds its bound, the oldest learnt namespaces made room for the newer ones and were
        // counted; namespaces of the manifests stay
        assertThat(applied).isEqualTo(10_000);
        assertThat(holder.overlay().size()).isEqualTo(1000);
        assertThat(holder.current().namespaces())
                .hasSize(1002)
                .containsKeys(ACME, GLOBEX)
                .containsKey("hostile-" + Integer.toString(9_999 * 7919, 36))
                .doesNotContainKey("hostile-" + Integer.toString(8_999 * 7919, 36));
        assertThat(registry.get(TopologyHolder.OVERLAY_EVICTED_METER)
                        .functionCounter()
                        .count())
                .isEqualTo(9000);
        assertThat(registry.get(TopologyHolder.OVERLAY_REFUSED_METER).counter().count())
                .isZero();
        assertThat(registry.get(TopologyHolder.OVERLAY_OBJECTS_METER).gauge().value())
                .isEqualTo(1000);
        assertThat(registry.get(TopologyHolder.OVERLAY_BYTES_METER).gauge().value())
                .isPositive();
        // each change replaced the namespaces only: the policies and pods of the snapshot were never rebuilt
        assertThat(holder.current().networkPolicies()).isSameAs(before.networkPolicies());
        assertThat(holder.current().podsByName()).isSameAs(before.podsByName());
    }

    @Test
    void shouldRefuseAChangeLargerThanTheByteBoundEvictTheOldestForOthersAndTakeDeletions() {
        // Given: room for a few kilobytes of learnt objects
        TopologyHolder holder = holder(Map.of("flowwatch.topology.max-learnt-bytes", "4096"));
        Map<String, String> heavy = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            heavy.put("example.com/label-" + i, "v".repeat(40));
        }

        // When
        boolean heavyTaken = holder.apply(new TopologyChange.NamespaceLabels("heavy", heavy, NOW));
        boolean smallTaken = holder.apply(new TopologyChange.NamespaceLabels("small", Map.of("a", "b"), NOW));
        for (int i = 0; i < 50; i++) {
            holder.apply(new TopologyChange.NamespaceLabels("more-" + i, Map.of("a", "b"), NOW));
        }
        boolean deletionTaken = holder.apply(new TopologyChange.NamespaceDeleted(GLOBEX, NOW));

        // Then: the heavy one never fits; the small one was evicted, least recently changed, for the later ones
        assertThat(heavyTaken).isFalse();
        assertThat(smallTaken).isTrue();
        assertThat(deletionTaken).isTrue();
        assertThat(holder.overlay().bytes()).isLessThanOrEqualTo(4096 + 512);
        assertThat(holder.current().namespaces())
                .doesNotContainKeys("heavy", GLOBEX, "small")
                .containsKey("more-49");
        assertThat(registry.get(TopologyHolder.OVERLAY_REFUSED_METER).counter().count())
                .isEqualTo(1);
        assertThat(registry.get(TopologyHolder.OVERLAY_EVICTED_METER)
                        .functionCounter()
                        .count())
                .isPositive();
        assertThat(holder.current().networkPolicies())
                .extracting(p -> p.getMetadata().getNamespace())
                .containsExactly(ACME);
    }

    @Test
    void shouldTakeARealNamespaceAfterAFloodAndAlwaysTakeChangesToManifestObjects() {
        // Given: an overlay of two objects filled by made-up namespaces
        TopologyHolder holder = holder(Map.of("flowwatch.topology.max-learnt-objects", "2"));
        holder.apply(new TopologyChange.NamespaceLabels("matih-data-plane-fake-1", Map.of(), NOW));
        holder.apply(new TopologyChange.NamespaceLabels("matih-data-plane-fake-2", Map.of(), NOW));
        holder.apply(new TopologyChange.PolicyUpserted(policy("matih-data-plane-fake-1", "p"), NOW));

        // When: a manifest namespace is relabelled, then a real namespace is created
        boolean relabelTaken =
                holder.apply(new TopologyChange.NamespaceLabels(ACME, Map.of("matih.ai/role", "shared-infra"), NOW));
        boolean realTaken = holder.apply(new TopologyChange.NamespaceLabels(
                "matih-data-plane-initech", Map.of("matih.ai/tenant", "initech"), NOW.plusSeconds(1)));

        // Then: both taken; the learnt objects changed least recently gave way, the bound holds
        assertThat(relabelTaken).isTrue();
        assertThat(realTaken).isTrue();
        assertThat(holder.overlay().keys())
                .containsExactlyInAnyOrder("namespace/" + ACME, "namespace/matih-data-plane-initech");
        assertThat(holder.current().namespaces().get(ACME).role()).isEqualTo(Role.SHARED_INFRA);
        assertThat(holder.current().namespaces())
                .containsKey("matih-data-plane-initech")
                .doesNotContainKeys("matih-data-plane-fake-1", "matih-data-plane-fake-2");
        assertThat(holder.current().networkPolicies())
                .extracting(p -> p.getMetadata().getNamespace())
                .doesNotContain("matih-data-plane-fake-1");
        assertThat(view(holder.current()))
                .isEqualTo(view(holder.overlay()
                        .applyTo(holder.loader().parse(MANIFESTS, "test").topology())));
        assertThat(registry.get(TopologyHolder.OVERLAY_EVICTED_METER)
                        .functionCounter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get(TopologyHolder.OVERLAY_REFUSED_METER).counter().count())
                .isZero();
    }

    @Test
    void shouldCompactChangesTheManifestsAlreadySay() {
        // Given
        TopologyHolder holder = holder(Map.of());
        NetworkPolicy sameAsManifest = holder.current().networkPolicies().get(0);

        // When: a relabel and its undo, a deletion of what never existed, a policy written as the manifests have it
        holder.apply(new TopologyChange.NamespaceLabels(ACME, Map.of("matih.ai/role", "shared-infra"), NOW));
        boolean relabelled = holder.current().namespaces().get(ACME).role() == Role.SHARED_INFRA;
        holder.apply(
                new TopologyChange.NamespaceLabels(ACME, Map.of("matih.ai/tenant", "acme-corp"), NOW.plusSeconds(1)));
        holder.apply(new TopologyChange.NamespaceDeleted("never-existed", NOW));
        holder.apply(new TopologyChange.PolicyDeleted(ACME, "never-existed", NOW));
        holder.apply(new TopologyChange.PolicyUpserted(sameAsManifest, NOW));

        // Then
        assertThat(relabelled).isTrue();
        assertThat(holder.overlay().size()).isZero();
        assertThat(holder.overlay().bytes()).isZero();
        assertThat(holder.current().namespaces().get(ACME).role()).isEqualTo(Role.TENANT);
    }

    @Test
    void shouldDropLearntObjectsTheReloadedManifestsHave() {
        // Given: a namespace learnt from the audit stream
        TopologyHolder holder = holder(Map.of());
        holder.apply(new TopologyChange.NamespaceLabels(
                "matih-data-plane-initech", Map.of("matih.ai/tenant", "initech"), NOW));
        assertThat(holder.overlay().keys()).containsExactly("namespace/matih-data-plane-initech");

        // When: the manifests now have it too
        holder.replace(holder.loader().parse(MANIFESTS + """
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: matih-data-plane-initech, labels: {matih.ai/tenant: initech}}
                """, "test").topology());

        // Then
        assertThat(holder.overlay().size()).isZero();
        assertThat(holder.current().namespaces().get("matih-data-plane-initech").tenant())
                .isEqualTo("initech");
    }

    @Test
    void shouldForgetPoliciesOfADeletedNamespaceWrittenBeforeTheDeletion() {
        // Given
        TopologyHolder holder = holder(Map.of());
        holder.apply(new TopologyChange.NamespaceLabels("team", Map.of(), NOW));
        holder.apply(new TopologyChange.PolicyUpserted(policy("team", "p1"), NOW.plusSeconds(1)));

        // When
        holder.apply(new TopologyChange.NamespaceDeleted("team", NOW.plusSeconds(2)));

        // Then: neither the namespace nor its policy is left in the overlay or the snapshot
        assertThat(holder.overlay().size()).isZero();
        assertThat(holder.current().namespaces()).doesNotContainKey("team");
        assertThat(holder.current().networkPolicies())
                .extracting(p -> p.getMetadata().getNamespace())
                .doesNotContain("team");
    }

    @Test
    void shouldAgreeChangeByChangeWithApplyingTheWholeOverlay() {
        // Given
        TopologyHolder holder = holder(Map.of());
        Topology base = holder.loader().parse(MANIFESTS, "test").topology();
        Random random = new Random(13);
        List<String> namespaces = List.of(ACME, GLOBEX, "team-a", "team-b");

        // When / Then: after every one of 2,000 random changes, the snapshot built change by change is the overlay
        // applied to the manifests as a whole
        for (int i = 0; i < 2_000; i++) {
            String ns = namespaces.get(random.nextInt(namespaces.size()));
            Instant at = NOW.plusSeconds(random.nextInt(600));
            TopologyChange change = switch (random.nextInt(4)) {
                case 0 -> new TopologyChange.NamespaceLabels(ns, Map.of("v", "" + random.nextInt(3)), at);
                case 1 -> new TopologyChange.NamespaceDeleted(ns, at);
                case 2 ->
                    new TopologyChange.PolicyUpserted(
                            random.nextBoolean() ? policy(ns, "default-deny-all") : policy(ns, "p" + random.nextInt(3)),
                            at);
                default ->
                    new TopologyChange.PolicyDeleted(
                            ns, random.nextBoolean() ? "default-deny-all" : "p" + random.nextInt(3), at);
            };
            holder.apply(change);
            Topology whole = holder.overlay().applyTo(base);
            assertThat(view(holder.current()))
                    .as("after change %d: %s", i, change)
                    .isEqualTo(view(whole));
        }
    }

    private static Map<String, Object> view(Topology t) {
        Map<String, Object> view = new TreeMap<>();
        t.namespaces().forEach((name, info) -> view.put("namespace/" + name, info));
        view.put(
                "policies",
                t.networkPolicies().stream()
                        .map(p -> p.getMetadata().getNamespace() + "/"
                                + p.getMetadata().getName() + "@" + p.hashCode())
                        .sorted()
                        .collect(Collectors.toList()));
        return view;
    }

    private static NetworkPolicy policy(String namespace, String name) {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .endSpec()
                .build();
    }

    private TopologyHolder holder(Map<String, String> properties) {
        TestConfig config = TestConfig.of(new HashMap<>(properties));
        TopologyHolder holder = new TopologyHolder(config.tenancy(), config.cluster(), config.topology(), registry);
        holder.start();
        holder.replace(holder.loader().parse(MANIFESTS, "test").topology());
        return holder;
    }
}
