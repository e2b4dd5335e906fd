package ai.matih.flowwatch.audit;

import static ai.matih.flowwatch.testing.TestTopologies.ACME;
import static ai.matih.flowwatch.testing.TestTopologies.CONTROL_PLANE;
import static ai.matih.flowwatch.testing.TestTopologies.GLOBEX;
import static ai.matih.flowwatch.testing.TestTopologies.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ai.matih.flowwatch.testing.TestTopologies;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.ViolationType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuditDetectorTest {

    private static final Topology TOPOLOGY = TestTopologies.seed();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACME_SA = "system:serviceaccount:" + ACME + ":deployer";
    private static final String ADMIN = "kubernetes-admin";

    private static AuditEvent event(
            String user,
            String verb,
            String resource,
            String subresource,
            String namespace,
            String name,
            int code,
            String stage,
            String request,
            String response) {
        return new AuditEvent(
                "id-1",
                stage,
                "RequestResponse",
                verb,
                "/apis/x",
                user,
                List.of(),
                "10.0.0.1",
                "kubectl",
                "",
                resource,
                subresource,
                namespace,
                name,
                code,
                code == 403 ? "forbid" : "allow",
                false,
                false,
                NOW,
                json(request),
                json(response));
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? null : JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Stream<Arguments> events() {
        String done = "ResponseComplete";
        return Stream.of(
                arguments(
                        "delete of a tenant's default deny",
                        event(
                                ADMIN,
                                "delete",
                                "networkpolicies",
                                null,
                                GLOBEX,
                                "default-deny-all",
                                200,
                                done,
                                null,
                                null),
                        ViolationType.POLICY_TAMPERING,
                        true,
                        "globex"),
                arguments(
                        "patch of a tenant policy",
                        event(
                                ACME_SA,
                                "patch",
                                "networkpolicies",
                                null,
                                ACME,
                                "allow-egress",
                                200,
                                done,
                                "{\"spec\":{}}",
                                null),
                        ViolationType.POLICY_TAMPERING,
                        true,
                        "acme-corp"),
                arguments(
                        "failed delete changes nothing",
                        event(
                                ADMIN,
                                "delete",
                                "networkpolicies",
                                null,
                                GLOBEX,
                                "default-deny-all",
                                404,
                                done,
                                null,
                                null),
                        null,
                        false,
                        null),
                arguments(
                        "policy change outside tenants",
                        event(ADMIN, "delete", "networkpolicies", null, "monitoring", "x", 200, done, null, null),
                        null,
                        false,
                        null),
                arguments(
                        "reading a policy",
                        event(ADMIN, "get", "networkpolicies", null, GLOBEX, "default-deny-all", 200, done, null, null),
                        null,
                        false,
                        null),
                arguments(
                        "request stage only",
                        event(
                                ADMIN,
                                "delete",
                                "networkpolicies",
                                null,
                                GLOBEX,
                                "default-deny-all",
                                200,
                                "RequestReceived",
                                null,
                                null),
                        null,
                        false,
                        null),
                arguments(
                        "namespace gains the control-plane role (merge patch)",
                        event(
                                ADMIN,
                                "patch",
                                "namespaces",
                                null,
                                null,
                                "monitoring",
                                200,
                                done,
                                "{\"metadata\":{\"labels\":{\"matih.ai/role\":\"control-plane\"}}}",
                                null),
                        ViolationType.TOPOLOGY_DRIFT,
                        true,
                        null),
                arguments(
                        "tenant label removed (JSON patch)",
                        event(
                                ADMIN,
                                "patch",
                                "namespaces",
                                null,
                                null,
                                ACME,
                                200,
                                done,
                                "[{\"op\":\"remove\",\"path\":\"/metadata/labels/matih.ai~1tenant\"}]",
                                null),
                        ViolationType.TOPOLOGY_DRIFT,
                        false,
                        "acme-corp"),
                arguments(
                        "tenant label changed (response object)",
                        event(
                                ADMIN,
                                "update",
                                "namespaces",
                                null,
                                null,
                                GLOBEX,
                                200,
                                done,
                                null,
                                "{\"metadata\":{\"name\":\"" + GLOBEX
                                        + "\",\"labels\":{\"matih.ai/tenant\":\"initech\"}}}"),
                        ViolationType.TOPOLOGY_DRIFT,
                        false,
                        "globex"),
                arguments(
                        "unrelated label change",
                        event(
                                ADMIN,
                                "patch",
                                "namespaces",
                                null,
                                null,
                                ACME,
                                200,
                                done,
                                "{\"metadata\":{\"labels\":{\"team\":\"a\"}}}",
                                null),
                        null,
                        false,
                        null),
                arguments(
                        "metadata-level patch tells nothing",
                        event(ADMIN, "patch", "namespaces", null, null, ACME, 200, done, null, null),
                        null,
                        false,
                        null),
                arguments(
                        "tenant SA refused in another tenant",
                        event(ACME_SA, "list", "secrets", null, GLOBEX, null, 403, done, null, null),
                        ViolationType.FORBIDDEN_API_ACCESS,
                        false,
                        "globex"),
                arguments(
                        "tenant SA refused in the control plane",
                        event(ACME_SA, "get", "configmaps", null, CONTROL_PLANE, "x", 403, done, null, null),
                        ViolationType.FORBIDDEN_API_ACCESS,
                        false,
                        "acme-corp"),
                arguments(
                        "tenant SA refused in its own namespace",
                        event(ACME_SA, "get", "secrets", null, ACME, "x", 403, done, null, null),
                        null,
                        false,
                        null),
                arguments(
                        "exec into another tenant's pod",
                        event(ACME_SA, "create", "pods", "exec", GLOBEX, "db-0", 101, "ResponseStarted", null, null),
                        ViolationType.CROSS_TENANT_EXEC,
                        false,
                        "globex"),
                arguments(
                        "port-forward into another tenant's pod",
                        event(
                                ACME_SA,
                                "create",
                                "pods",
                                "portforward",
                                GLOBEX,
                                "db-0",
                                101,
                                "ResponseStarted",
                                null,
                                null),
                        ViolationType.CROSS_TENANT_EXEC,
                        false,
                        "globex"),
                arguments(
                        "exec into an own pod",
                        event(ACME_SA, "create", "pods", "exec", ACME, "api-0", 101, "ResponseStarted", null, null),
                        null,
                        false,
                        null),
                arguments(
                        "admin exec",
                        event(ADMIN, "create", "pods", "exec", GLOBEX, "db-0", 101, "ResponseStarted", null, null),
                        null,
                        false,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void detectsWhatChangesOrProbesIsolation(
            String name, AuditEvent event, ViolationType type, boolean critical, String tenant) {
        // When
        AuditDetector.Detection d = AuditDetector.detect(event, TOPOLOGY);
        // Then
        assertThat(d.type()).isEqualTo(type);
        if (type != null) {
            assertThat(d.critical()).isEqualTo(critical);
            assertThat(d.tenant()).isEqualTo(tenant);
            assertThat(d.reason()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "dry run: {0}")
    @MethodSource("events")
    void aDryRunChangesNothing(String name, AuditEvent e, ViolationType type, boolean critical, String tenant) {
        // Given
        AuditEvent dry = new AuditEvent(
                e.auditId(),
                e.stage(),
                e.level(),
                e.verb(),
                e.requestUri() + "?dryRun=All",
                e.username(),
                e.groups(),
                e.sourceIp(),
                e.userAgent(),
                e.apiGroup(),
                e.resource(),
                e.subresource(),
                e.namespace(),
                e.name(),
                e.responseCode(),
                e.decision(),
                true,
                false,
                e.stageTimestamp(),
                e.requestObject(),
                e.responseObject());
        // When / Then
        assertThat(AuditDetector.detect(dry, TOPOLOGY).type()).isNull();
    }
}
