package ai.matih.flowwatch.audit;

import static ai.matih.flowwatch.testing.TestTopologies.ACME;
import static ai.matih.flowwatch.testing.TestTopologies.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ai.matih.flowwatch.testing.TestTopologies;
import ai.matih.flowwatch.topology.LabelBounds;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyChange;
import ai.matih.flowwatch.topology.TopologyOverlay;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuditTopologyChangesTest {

    private static final Topology TOPOLOGY = TestTopologies.seed();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\","
            + "\"metadata\":{\"name\":\"allow-all\",\"namespace\":\"" + ACME + "\"},\"spec\":{\"podSelector\":{},"
            + "\"ingress\":[{}]}}";

    private static AuditEvent event(
            String verb,
            String resource,
            String apiGroup,
            String namespace,
            String name,
            int code,
            String stage,
            boolean dryRun,
            String request,
            String response) {
        return new AuditEvent(
                "id",
                stage,
                "RequestResponse",
                verb,
                "/x",
                "admin",
                List.of(),
                null,
                null,
                apiGroup,
                resource,
                null,
                namespace,
                name,
                code,
                "allow",
                dryRun,
                false,
                NOW,
                json(request),
                json(response));
    }

    private static JsonNode json(String s) {
        try {
            return s == null ? null : JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Stream<Arguments> events() {
        String done = "ResponseComplete";
        return Stream.of(
                arguments(
                        "policy created",
                        event(
                                "create",
                                "networkpolicies",
                                "networking.k8s.io",
                                ACME,
                                "allow-all",
                                201,
                                done,
                                false,
                                POLICY,
                                POLICY),
                        TopologyChange.PolicyUpserted.class,
                        false),
                arguments(
                        "policy patched with the result in the response",
                        event(
                                "patch",
                                "networkpolicies",
                                "networking.k8s.io",
                                ACME,
                                "allow-all",
                                200,
                                done,
                                false,
                                "{\"spec\":{}}",
                                POLICY),
                        TopologyChange.PolicyUpserted.class,
                        false),
                arguments(
                        "policy patched at Metadata level",
                        event(
                                "patch",
                                "networkpolicies",
                                "networking.k8s.io",
                                ACME,
                                "allow-all",
                                200,
                                done,
                                false,
                                null,
                                null),
                        null,
                        true),
                arguments(
                        "policy deleted",
                        event(
                                "delete",
                                "networkpolicies",
                                "networking.k8s.io",
                                ACME,
                                "default-deny-all",
                                200,
                                done,
                                false,
                                null,
                                null),
                        TopologyChange.PolicyDeleted.class,
                        false),
                arguments(
                        "namespace relabelled",
                        event(
                                "patch",
                                "namespaces",
                                "",
                                null,
                                ACME,
                                200,
                                done,
                                false,
                                "{\"metadata\":{\"labels\":{\"matih.ai/role\":\"control-plane\"}}}",
                                null),
                        TopologyChange.NamespaceLabels.class,
                        false),
                arguments(
                        "namespace deleted",
                        event("delete", "namespaces", "", null, ACME, 200, done, false, null, null),
                        TopologyChange.NamespaceDeleted.class,
                        false),
                arguments(
                        "dry run",
                        event(
                                "delete",
                                "networkpolicies",
                                "networking.k8s.io",
                                ACME,
                                "default-deny-all",
                                200,
                                done,
                                true,
                                null,
                                null),
                        null,
                        false),
                arguments(
                        "failed request",
                        event(
                                "delete",
                                "networkpolicies",
                                "networking.k8s.io",
                                ACME,
                                "default-deny-all",
                                403,
                                done,
                                false,
                                null,
                                null),
                        null,
                        false),
                arguments(
                        "not yet complete",
                        event(
                                "delete",
                                "networkpolicies",
                                "networking.k8s.io",
                                ACME,
                                "default-deny-all",
                                200,
                                "RequestReceived",
                                false,
                                null,
                                null),
                        null,
                        false),
                arguments(
                        "Calico policy (other API group)",
                        event(
                                "delete",
                                "networkpolicies",
                                "projectcalico.org",
                                ACME,
                                "x",
                                200,
                                done,
                                false,
                                null,
                                null),
                        null,
                        false),
                arguments(
                        "a read",
                        event("get", "namespaces", "", null, ACME, 200, done, false, null, null),
                        null,
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void readsWhatAnEventChanges(String name, AuditEvent event, Class<?> change, boolean stale) {
        // When
        AuditTopologyChanges.Result result = AuditTopologyChanges.from(event, TOPOLOGY);
        // Then
        if (change == null) {
            assertThat(result.change()).isNull();
        } else {
            assertThat(result.change()).isInstanceOf(change);
        }
        assertThat(result.stale()).isEqualTo(stale);
    }

    @Test
    void anOverlayAppliesChangesAndIgnoresOlderOnes() {
        // Given
        TopologyChange deleted = new TopologyChange.PolicyDeleted(ACME, "default-deny-all", NOW);
        TopologyChange relabel =
                new TopologyChange.NamespaceLabels(ACME, Map.of("matih.ai/role", "shared-infra"), NOW.plusSeconds(10));
        TopologyChange older =
                new TopologyChange.NamespaceLabels(ACME, Map.of("matih.ai/tenant", "acme-corp"), NOW.minusSeconds(10));
        // When
        TopologyOverlay overlay =
                TopologyOverlay.EMPTY.with(deleted).with(relabel).with(older);
        Topology after = overlay.applyTo(TOPOLOGY);
        // Then
        assertThat(overlay.size()).isEqualTo(2);
        assertThat(after.namespaces().get(ACME).role()).isEqualTo(Role.SHARED_INFRA);
        assertThat(after.namespaces().get(ACME).labels()).containsEntry("kubernetes.io/metadata.name", ACME);
        assertThat(TOPOLOGY.namespaces().get(ACME).role()).isEqualTo(Role.TENANT);
    }

    static Stream<Arguments> repeatedPatches() {
        return Stream.of(
                arguments("a patch adding 100 labels to 100", 100, 100, 10, true),
                arguments("a patch adding 2 long labels to 100 long ones", 100, 2, 100, true),
                arguments("a patch adding 10 labels to 100", 100, 10, 10, false),
                arguments("a patch adding 10 long labels to 50 long ones", 50, 10, 100, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repeatedPatches")
    void aPatchLeavingANamespacePastTheLabelBoundsIsNotApplied(
            String scenario, int had, int added, int keyChars, boolean refused) {
        // Given: a namespace already carrying labels learnt from earlier patches, each within the bounds
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < had; i++) {
            before.put(key("had", i, keyChars), "v".repeat(63));
        }
        Topology topology = TopologyOverlay.EMPTY
                .with(new TopologyChange.NamespaceLabels(ACME, before, NOW))
                .applyTo(TOPOLOGY);
        StringBuilder patch = new StringBuilder("{\"metadata\":{\"labels\":{");
        for (int i = 0; i < added; i++) {
            patch.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(key("new", i, keyChars))
                    .append("\":\"x\"");
        }
        patch.append("}}}");
        AuditEvent event =
                event("patch", "namespaces", "", null, ACME, 200, "ResponseComplete", false, patch.toString(), null);

        // When
        AuditTopologyChanges.Result result = AuditTopologyChanges.from(event, topology);

        // Then: past the bounds the namespace keeps its labels and the change counts as stale
        if (refused) {
            assertThat(result.change()).isNull();
            assertThat(result.stale()).isTrue();
        } else {
            assertThat(result.change())
                    .isInstanceOfSatisfying(
                            TopologyChange.NamespaceLabels.class,
                            n -> assertThat(n.labels())
                                    .hasSizeGreaterThan(had + added - 1)
                                    .hasSizeLessThanOrEqualTo(LabelBounds.MAX_LABELS));
            assertThat(result.stale()).isFalse();
        }
    }

    /** A valid label key of at least {@code chars} characters, unique by {@code prefix} and {@code i}. */
    private static String key(String prefix, int i, int chars) {
        String name = "/" + prefix + i;
        int pad = Math.max(2, chars - name.length());
        return "k".repeat(pad / 2) + "." + "e".repeat(pad - pad / 2 - 1) + name;
    }

    @Test
    void changesCarryTheResourceVersionTheWriteMadeNeverTheOneItWasBasedOn() {
        // Given a namespace write and a policy write whose responses carry the new resourceVersion, and a policy
        // update known only from its request (whose resourceVersion is the one the write was based on)
        String namespace = "{\"metadata\":{\"name\":\"" + ACME
                + "\",\"resourceVersion\":\"1042\",\"labels\":{\"matih.ai/tenant\":\"acme-corp\"}}}";
        String policyResponse = POLICY.replace("\"namespace\":", "\"resourceVersion\":\"2001\",\"namespace\":");
        String policyRequest = POLICY.replace("\"namespace\":", "\"resourceVersion\":\"1999\",\"namespace\":");

        // When they are read
        TopologyChange ns = AuditTopologyChanges.from(
                        event("update", "namespaces", "", null, ACME, 200, "ResponseComplete", false, null, namespace),
                        TOPOLOGY)
                .change();
        TopologyChange fromResponse = AuditTopologyChanges.from(
                        event(
                                "update",
                                "networkpolicies",
                                "networking.k8s.io",
                                ACME,
                                "allow-all",
                                200,
                                "ResponseComplete",
                                false,
                                null,
                                policyResponse),
                        TOPOLOGY)
                .change();
        TopologyChange fromRequest = AuditTopologyChanges.from(
                        event(
                                "update",
                                "networkpolicies",
                                "networking.k8s.io",
                                ACME,
                                "allow-all",
                                200,
                                "ResponseComplete",
                                false,
                                policyRequest,
                                null),
                        TOPOLOGY)
                .change();

        // Then only the versions the writes made are kept
        assertThat(ns.resourceVersion()).isEqualTo(1042L);
        assertThat(fromResponse.resourceVersion()).isEqualTo(2001L);
        assertThat(fromRequest.resourceVersion()).isNull();
    }
}
