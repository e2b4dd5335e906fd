package ai.matih.flowwatch.decode.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.DecodeException;
import ai.matih.flowwatch.decode.InputBounds;
import ai.matih.flowwatch.decode.RejectReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuditBoundsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SA = "system:serviceaccount:tenant-a:deployer";

    /** An event whose fields the tests replace one at a time. */
    private record Event(
            String auditId,
            String verb,
            String username,
            List<String> groups,
            String sourceIp,
            String userAgent,
            String apiGroup,
            String resource,
            String subresource,
            String namespace,
            String name,
            String requestUri,
            JsonNode request) {

        static Event patchNamespace() {
            return new Event(
                    "6f3a9c1e-27a4-4c8e-a9a1-3f0f5a1c2b7d",
                    "patch",
                    SA,
                    List.of("system:serviceaccounts"),
                    "10.0.0.9",
                    "kubectl/v1.30.0 (linux/amd64)",
                    "",
                    "namespaces",
                    null,
                    "tenant-a",
                    "tenant-a",
                    "/api/v1/namespaces/tenant-a",
                    json("{\"metadata\":{\"labels\":{\"matih.ai/tenant\":\"acme\"}}}"));
        }

        AuditEvent build() {
            return new AuditEvent(
                    auditId,
                    "ResponseComplete",
                    "RequestResponse",
                    verb,
                    requestUri,
                    username,
                    groups,
                    sourceIp,
                    userAgent,
                    apiGroup,
                    resource,
                    subresource,
                    namespace,
                    name,
                    200,
                    "allow",
                    false,
                    false,
                    Instant.EPOCH,
                    request,
                    null);
        }

        Event with(String field, Object value) {
            return switch (field) {
                case "auditId" ->
                    new Event(
                            (String) value,
                            verb,
                            username,
                            groups,
                            sourceIp,
                            userAgent,
                            apiGroup,
                            resource,
                            subresource,
                            namespace,
                            name,
                            requestUri,
                            request);
                case "verb" ->
                    new Event(
                            auditId,
                            (String) value,
                            username,
                            groups,
                            sourceIp,
                            userAgent,
                            apiGroup,
                            resource,
                            subresource,
                            namespace,
                            name,
                            requestUri,
                            request);
                case "username" ->
                    new Event(
                            auditId,
                            verb,
                            (String) value,
                            groups,
                            sourceIp,
                            userAgent,
                            apiGroup,
                            resource,
                            subresource,
                            namespace,
                            name,
                            requestUri,
                            request);
                case "groups" ->
                    new Event(
                            auditId,
                            verb,
                            username,
                            castList(value),
                            sourceIp,
                            userAgent,
                            apiGroup,
                            resource,
                            subresource,
                            namespace,
                            name,
                            requestUri,
                            request);
                case "sourceIp" ->
                    new Event(
                            auditId,
                            verb,
                            username,
                            groups,
                            (String) value,
                            userAgent,
                            apiGroup,
                            resource,
                            subresource,
                            namespace,
                            name,
                            requestUri,
                            request);
                case "userAgent" ->
                    new Event(
                            auditId,
                            verb,
                            username,
                            groups,
                            sourceIp,
                            (String) value,
                            apiGroup,
                            resource,
                            subresource,
                            namespace,
                            name,
                            requestUri,
                            request);
                case "apiGroup" ->
                    new Event(
                            auditId,
                            verb,
                            username,
                            groups,
                            sourceIp,
                            userAgent,
                            (String) value,
                            resource,
                            subresource,
                            namespace,
                            name,
                            requestUri,
                            request);
                case "resource" ->
                    new Event(
                            auditId,
                            verb,
                            username,
                            groups,
                            sourceIp,
                            userAgent,
                            apiGroup,
                            (String) value,
                            subresource,
                            namespace,
                            name,
                            requestUri,
                            request);
                case "subresource" ->
                    new Event(
                            auditId,
                            verb,
                            username,
                            groups,
                            sourceIp,
                            userAgent,
                            apiGroup,
                            resource,
                            (String) value,
                            namespace,
                            name,
                            requestUri,
                            request);
                case "namespace" ->
                    new Event(
                            auditId,
                            verb,
                            username,
                            groups,
                            sourceIp,
                            userAgent,
                            apiGroup,
                            resource,
                            subresource,
                            (String) value,
                            name,
                            requestUri,
                            request);
                case "name" ->
                    new Event(
                            auditId,
                            verb,
                            username,
                            groups,
                            sourceIp,
                            userAgent,
                            apiGroup,
                            resource,
                            subresource,
                            namespace,
                            (String) value,
                            requestUri,
                            request);
                case "requestUri" ->
                    new Event(
                            auditId,
                            verb,
                            username,
                            groups,
                            sourceIp,
                            userAgent,
                            apiGroup,
                            resource,
                            subresource,
                            namespace,
                            name,
                            (String) value,
                            request);
                case "request" ->
                    new Event(
                            auditId,
                            verb,
                            username,
                            groups,
                            sourceIp,
                            userAgent,
                            apiGroup,
                            resource,
                            subresource,
                            namespace,
                            name,
                            requestUri,
                            json((String) value));
                default -> throw new IllegalArgumentException(field);
            };
        }

        @SuppressWarnings("unchecked")
        private static List<String> castList(Object value) {
            return (List<String>) value;
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String labelsObject(int count) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"v\"");
        }
        return sb.append('}').toString();
    }

    static Stream<Arguments> acceptedAsTheyAre() {
        Event e = Event.patchNamespace();
        return Stream.of(
                Arguments.of("a namespace label patch by a service account", e),
                Arguments.of(
                        "a JSON patch of labels",
                        e.with(
                                "request",
                                "[{\"op\":\"add\",\"path\":\"/metadata/labels/matih.ai~1tenant\",\"value\":\"acme\"},"
                                        + "{\"op\":\"remove\",\"path\":\"/metadata/labels/old\"}]")),
                Arguments.of(
                        "a merge patch removing a label",
                        e.with("request", "{\"metadata\":{\"labels\":{\"old\":null}}}")),
                Arguments.of(
                        "an exec into a pod",
                        e.with("resource", "pods")
                                .with("subresource", "exec")
                                .with("name", "api-7d9f8b6c5d-x2x9q")
                                .with("request", "null")),
                Arguments.of(
                        "a NetworkPolicy with selectors",
                        e.with("apiGroup", "networking.k8s.io")
                                .with("resource", "networkpolicies")
                                .with("name", "default-deny-all")
                                .with(
                                        "request",
                                        "{\"metadata\":{\"name\":\"default-deny-all\",\"namespace\":\"tenant-a\"},\"spec\":"
                                                + "{\"podSelector\":{\"matchLabels\":{\"app\":\"api\"}},\"ingress\":[{\"from\":"
                                                + "[{\"namespaceSelector\":{\"matchExpressions\":[{\"key\":\"matih.ai/tenant\","
                                                + "\"operator\":\"In\",\"values\":[\"acme\",\"globex\"]}]}}]}]}}")),
                Arguments.of(
                        "an RBAC object name with colons",
                        e.with("apiGroup", "rbac.authorization.k8s.io")
                                .with("resource", "clusterroles")
                                .with("namespace", null)
                                .with("name", "system:node-problem-detector")
                                .with("request", "null")),
                Arguments.of(
                        "an OIDC user with many groups",
                        e.with("username", "oidc:https://idp.example/#jane")
                                .with("groups", Collections.nCopies(256, "engineering"))),
                Arguments.of("an IPv6 client", e.with("sourceIp", "fd00::9")),
                Arguments.of(
                        "a non-resource request",
                        e.with("apiGroup", null)
                                .with("resource", null)
                                .with("namespace", null)
                                .with("name", null)
                                .with("request", "null")
                                .with("requestUri", "/healthz")
                                .with("verb", "get")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void acceptedAsTheyAre(String description, Event event) {
        // Given
        AuditEvent e = event.build();

        // When
        AuditEvent checked = AuditBounds.check(e);

        // Then
        assertThat(checked).isSameAs(e);
    }

    static Stream<Arguments> rejected() {
        Event e = Event.patchNamespace();
        String huge = "x".repeat(200_000);
        return Stream.of(
                Arguments.of(e.with("auditId", huge), RejectReason.INVALID_VALUE, "auditID"),
                Arguments.of(e.with("auditId", "id with spaces"), RejectReason.INVALID_VALUE, "auditID"),
                Arguments.of(e.with("verb", "patch; rm"), RejectReason.INVALID_VALUE, "verb"),
                Arguments.of(e.with("username", huge), RejectReason.FIELD_TOO_LARGE, "user.username"),
                Arguments.of(e.with("username", "jane\u0007"), RejectReason.INVALID_VALUE, "user.username"),
                Arguments.of(
                        e.with("username", "system:serviceaccount:Tenant_A:deployer"),
                        RejectReason.INVALID_NAME,
                        "user.username"),
                Arguments.of(
                        e.with("username", "system:serviceaccount:" + "n".repeat(64) + ":sa"),
                        RejectReason.INVALID_NAME,
                        "service account"),
                Arguments.of(
                        e.with("username", "system:serviceaccount:tenant-a"),
                        RejectReason.INVALID_NAME,
                        "user.username"),
                Arguments.of(
                        e.with("groups", Collections.nCopies(257, "g")), RejectReason.FIELD_TOO_LARGE, "user.groups"),
                Arguments.of(
                        e.with("groups", List.of("ok", "g".repeat(1025))),
                        RejectReason.FIELD_TOO_LARGE,
                        "user.groups[1]"),
                Arguments.of(e.with("sourceIp", "not-an-ip"), RejectReason.INVALID_VALUE, "sourceIPs"),
                Arguments.of(e.with("apiGroup", "Networking.K8s.io"), RejectReason.INVALID_NAME, "objectRef.apiGroup"),
                Arguments.of(e.with("resource", huge), RejectReason.INVALID_NAME, "objectRef.resource"),
                Arguments.of(e.with("subresource", "ex ec"), RejectReason.INVALID_NAME, "objectRef.subresource"),
                Arguments.of(e.with("namespace", huge), RejectReason.INVALID_NAME, "objectRef.namespace"),
                Arguments.of(e.with("name", "kube.system"), RejectReason.INVALID_NAME, "objectRef.name"),
                Arguments.of(
                        e.with("resource", "pods").with("name", "Pod_1").with("request", "null"),
                        RejectReason.INVALID_NAME,
                        "objectRef.name"),
                Arguments.of(
                        e.with("request", "{\"metadata\":{\"name\":\"" + "n".repeat(64) + "\"}}"),
                        RejectReason.INVALID_NAME,
                        "requestObject.metadata.name"),
                Arguments.of(
                        e.with("request", "{\"metadata\":{\"labels\":" + labelsObject(129) + "}}"),
                        RejectReason.TOO_MANY_LABELS,
                        "requestObject.metadata.labels: 129 labels"),
                Arguments.of(
                        e.with("request", "{\"metadata\":{\"labels\":{\"bad key\":\"v\"}}}"),
                        RejectReason.INVALID_NAME,
                        "requestObject.metadata.labels"),
                Arguments.of(
                        e.with("request", "{\"metadata\":{\"labels\":{\"tenant\":7}}}"),
                        RejectReason.INVALID_VALUE,
                        "value of label tenant"),
                Arguments.of(
                        e.with("request", "{\"metadata\":{\"labels\":[\"a=b\"]}}"),
                        RejectReason.INVALID_VALUE,
                        "requestObject.metadata.labels"),
                Arguments.of(
                        e.with("request", "[{\"op\":\"add\",\"path\":\"/metadata/labels/bad key\",\"value\":\"v\"}]"),
                        RejectReason.INVALID_NAME,
                        "requestObject[0].path"),
                Arguments.of(
                        e.with(
                                "request",
                                "[{\"op\":\"add\",\"path\":\"/metadata/labels/ok\",\"value\":\"" + "v".repeat(64)
                                        + "\"}]"),
                        RejectReason.INVALID_VALUE,
                        "requestObject[0].value"),
                Arguments.of(
                        e.with(
                                "request",
                                "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":" + labelsObject(200) + "}]"),
                        RejectReason.TOO_MANY_LABELS,
                        "requestObject[0].value"),
                Arguments.of(
                        e.with("request", "[" + String.join(",", Collections.nCopies(1025, "{}")) + "]"),
                        RejectReason.FIELD_TOO_LARGE,
                        "patch operations"),
                Arguments.of(
                        e.with("resource", "networkpolicies")
                                .with("apiGroup", "networking.k8s.io")
                                .with("name", "p")
                                .with(
                                        "request",
                                        "{\"spec\":{\"podSelector\":{\"matchLabels\":" + labelsObject(300) + "}}}"),
                        RejectReason.TOO_MANY_LABELS,
                        "requestObject.spec.podSelector.matchLabels"),
                Arguments.of(
                        e.with("resource", "networkpolicies")
                                .with("apiGroup", "networking.k8s.io")
                                .with("name", "p")
                                .with(
                                        "request",
                                        "{\"spec\":{\"ingress\":[{\"from\":[{\"podSelector\":"
                                                + "{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\",\"values\":[\""
                                                + huge + "\"]}]}}]}]}}"),
                        RejectReason.INVALID_VALUE,
                        "requestObject.spec.ingress[0].from[0].podSelector"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource
    void rejected(Event event, RejectReason reason, String detail) {
        // Given
        AuditEvent e = event.build();

        // When / Then
        assertThatThrownBy(() -> AuditBounds.check(e)).isInstanceOfSatisfying(DecodeException.class, x -> {
            assertThat(x.reason()).isEqualTo(reason);
            assertThat(x.detail()).contains(detail).hasSizeLessThan(400);
        });
    }

    @Test
    void clipsUserAgentRequestUriAndNamesOfOtherObjects() {
        // Given
        AuditEvent e = Event.patchNamespace()
                .with("resource", "configmaps")
                .with("name", "c".repeat(10_000))
                .with("userAgent", "curl/8 " + "ü".repeat(10_000))
                .with("requestUri", "/api/v1/" + "u".repeat(10_000))
                .with("request", "null")
                .build();

        // When
        AuditEvent checked = AuditBounds.check(e);

        // Then
        assertThat(bytes(checked.userAgent())).isLessThanOrEqualTo(InputBounds.MAX_TEXT_BYTES);
        assertThat(checked.userAgent()).startsWith("curl/8 ü").endsWith("...");
        assertThat(bytes(checked.requestUri())).isLessThanOrEqualTo(InputBounds.MAX_URI_BYTES);
        assertThat(bytes(checked.name())).isLessThanOrEqualTo(253);
        assertThat(checked)
                .usingRecursiveComparison()
                .ignoringFields("userAgent", "requestUri", "name")
                .isEqualTo(e);
        assertThat(AuditBounds.check(checked)).isSameAs(checked);
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
