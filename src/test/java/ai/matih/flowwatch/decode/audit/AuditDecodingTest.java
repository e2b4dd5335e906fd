package ai.matih.flowwatch.decode.audit;

import static ai.matih.flowwatch.decode.RecordingSink.decode;
import static ai.matih.flowwatch.decode.RecordingSink.sample;
import static ai.matih.flowwatch.decode.RecordingSink.sampleText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.Formats;
import ai.matih.flowwatch.decode.RecordingSink;
import ai.matih.flowwatch.decode.RejectReason;
import ai.matih.flowwatch.decode.Rejection;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuditDecodingTest {

    private static final String EVENT = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Request\","
            + "\"auditID\":\"id-%d\",\"stage\":\"ResponseComplete\",\"requestURI\":\"%s\",\"verb\":\"patch\","
            + "\"user\":{\"username\":\"system:serviceaccount:matih-data-plane-a:deployer\",\"groups\":[\"g1\"]},"
            + "\"sourceIPs\":[\"1.1.1.1\",\"10.0.0.9\"],\"objectRef\":{\"resource\":\"%s\",\"namespace\":\"matih-data-plane-a\","
            + "\"name\":\"default-deny-all\",\"apiGroup\":\"networking.k8s.io\",\"apiVersion\":\"v1\"},"
            + "\"responseStatus\":{\"code\":200},\"requestObject\":[{\"op\":\"remove\",\"path\":\"/spec/ingress\"}],"
            + "\"stageTimestamp\":\"2024-05-01T10:00:00.123456Z\",\"annotations\":{\"authorization.k8s.io/decision\":\"allow\","
            + "\"audit.k8s.io/truncated\":\"true\"}}";

    private static String event(int id, String uri, String resource) {
        return String.format(EVENT, id, uri, resource);
    }

    @Test
    void decodesTheFalcoSamples() {
        // When
        RecordingSink exec = decode(Formats.AUDIT, sample("k8s-audit-falco-exec-pod.json"));
        RecordingSink create = decode(Formats.AUDIT, sample("k8s-audit-falco-namespace-create.json"));
        RecordingSink delete = decode(Formats.AUDIT, sample("k8s-audit-falco-namespace-delete.json"));
        RecordingSink patch = decode(Formats.AUDIT, sample("k8s-audit-falco-clusterrole-patch.json"));

        // Then
        assertThat(exec.audits).singleElement().satisfies(e -> {
            assertThat(e.auditId()).isEqualTo("ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6");
            assertThat(e.stage()).isEqualTo("ResponseStarted");
            assertThat(e.verb()).isEqualTo("create");
            assertThat(e.resource()).isEqualTo("pods");
            assertThat(e.subresource()).isEqualTo("exec");
            assertThat(e.apiGroup()).isEmpty();
            assertThat(e.namespace()).isEqualTo("default");
            assertThat(e.responseCode()).isEqualTo(101);
            assertThat(e.username()).isEqualTo("minikube-user");
            assertThat(e.sourceIp()).isEqualTo("192.168.99.1");
            assertThat(e.decision()).isEqualTo("allow");
            assertThat(e.stageTimestamp()).isEqualTo(Instant.parse("2018-10-26T13:38:34.902914Z"));
            assertThat(e.requestObject()).isNull();
        });
        assertThat(create.audits).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("namespaces");
            assertThat(e.name()).isEqualTo("foo");
            assertThat(e.responseCode()).isEqualTo(201);
            assertThat(e.requestObject().path("metadata").path("name").asText()).isEqualTo("foo");
        });
        assertThat(delete.audits).singleElement().satisfies(e -> {
            assertThat(e.verb()).isEqualTo("delete");
            assertThat(e.namespace()).isEqualTo("foo");
            assertThat(e.requestObject().path("kind").asText()).isEqualTo("DeleteOptions");
        });
        assertThat(patch.audits).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("clusterroles");
            assertThat(e.apiGroup()).isEqualTo("rbac.authorization.k8s.io");
            assertThat(e.level()).isEqualTo("RequestResponse");
            assertThat(e.requestObject()).isNull();
            assertThat(e.responseObject()).isNull();
        });
    }

    @Test
    void decodesEventsAksObjectAndRejectsGkeInTheElasticSample() {
        // When
        RecordingSink sink = decode(Formats.AUDIT, sample("k8s-audit-elastic-integrations-test-audit.jsonl"));

        // Then
        assertThat(sink.audits).hasSize(4);
        assertThat(sink.audits.get(1).username()).isEqualTo("system:serviceaccount:kube-system:elastic-agent");
        assertThat(sink.audits.get(3).verb()).isEqualTo("update");
        assertThat(sink.audits.get(3).username()).isEqualTo("aksService");
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.UNKNOWN_FORMAT);
            assertThat(r.detail()).isEqualTo("GKE Cloud Audit Log (protoPayload) is not an audit.k8s.io Event");
            assertThat(r.line()).isEqualTo(4);
        });
    }

    @Test
    void decodesTheAksStringForm() {
        // When
        RecordingSink sink = decode(Formats.AUDIT, sample("k8s-audit-elastic-integrations-aks-string.jsonl"));

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.audits).singleElement().satisfies(e -> {
            assertThat(e.auditId()).isEqualTo("ad26f7bc-f1c6-4097-90f1-e0924e12f257");
            assertThat(e.resource()).isEqualTo("leases");
            assertThat(e.sourceIp()).isEqualTo("172.31.51.172");
        });
    }

    @Test
    void theForbiddenTemplateIsInvalidAsIsAndDecodesOnceFilled() {
        // Given
        String template = sampleText("k8s-audit-openshift-clo-403-template.txt");
        String filled = template.replaceFirst("%s", "2024-05-01T10:00:00.000001Z")
                .replaceFirst("%s", "2024-05-01T10:00:00.000002Z");

        // When
        RecordingSink raw = decode(Formats.AUDIT, template);
        RecordingSink decoded = decode(Formats.AUDIT, filled);

        // Then
        assertThat(raw.rejections).extracting(Rejection::reason).containsExactly(RejectReason.INVALID_VALUE);
        assertThat(decoded.audits).singleElement().satisfies(e -> {
            assertThat(e.responseCode()).isEqualTo(403);
            assertThat(e.decision()).isEqualTo("forbid");
            assertThat(e.resource()).isNull();
            assertThat(e.apiGroup()).isNull();
            assertThat(e.username()).isEqualTo("system:anonymous");
            assertThat(e.stageTimestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00.000002Z"));
            assertThat(e.succeeded()).isFalse();
        });
    }

    @Test
    void keepsBodiesOfNetworkPoliciesAndReadsAnnotationsAndTheLastSourceIp() {
        // When
        RecordingSink sink = decode(Formats.AUDIT, event(1, "/apis/x?fieldManager=k&dryRun=All", "networkpolicies"));

        // Then
        assertThat(sink.audits).singleElement().satisfies(e -> {
            assertThat(e.sourceIp()).isEqualTo("10.0.0.9");
            assertThat(e.truncated()).isTrue();
            assertThat(e.dryRun()).isTrue();
            assertThat(e.requestObject().isArray()).isTrue();
            assertThat(e.groups()).containsExactly("g1");
        });
    }

    static Stream<Arguments> dryRunFromTheQuery() {
        return Stream.of(
                Arguments.of("/api/v1/namespaces/a?dryRun=All", true),
                Arguments.of("/api/v1/namespaces/a?x=1&dryRun=All&y=2", true),
                Arguments.of("/api/v1/namespaces/a?dryRun=None", false),
                Arguments.of("/api/v1/namespaces/dryRun=All", false),
                Arguments.of("/api/v1/namespaces/a?notdryRun=All", false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void dryRunFromTheQuery(String uri, boolean dryRun) {
        // When
        RecordingSink sink = decode(Formats.AUDIT, event(1, uri, "pods"));

        // Then
        assertThat(sink.audits).singleElement().satisfies(e -> {
            assertThat(e.dryRun()).isEqualTo(dryRun);
            assertThat(e.requestObject()).isNull();
        });
    }

    @Test
    void deliversEveryGoodItemOfAnEventListAndRejectsTheBadOne() {
        // Given
        String value =
                "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[" + event(1, "/a", "namespaces")
                        + ",{\"kind\":\"Event\",\"auditID\":\"x\",\"stage\":\"ResponseComplete\",\"stageTimestamp\":\"2024-05-01T10:00:00Z\"},"
                        + event(3, "/b", "pods") + "]}";

        // When
        RecordingSink sink = decode(Formats.AUDIT, value);

        // Then
        assertThat(sink.audits).extracting(AuditEvent::auditId).containsExactly("id-1", "id-3");
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD);
            assertThat(r.detail()).contains("items[1]").contains("verb");
            assertThat(r.line()).isEqualTo(1);
            assertThat(r.length()).isEqualTo(value.length());
        });
    }

    @Test
    void decodesAWebhookEventListAsFluentBitForwardsIt() {
        // Given: Fluent Bit's http input and kafka output add "@timestamp" to the webhook's body (docs/formats.md)
        String value = "{\"@timestamp\":1714557600.123,\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\","
                + "\"metadata\":{},\"items\":[" + event(1, "/a", "namespaces") + "," + event(2, "/b", "pods") + "]}";

        // When
        RecordingSink sink = decode(Formats.AUDIT, value);

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.audits).extracting(AuditEvent::auditId).containsExactly("id-1", "id-2");
    }

    @Test
    void decodesLogWrappedAndCriPrefixedAuditLines() {
        // Given
        String escaped = event(1, "/a", "pods").replace("\"", "\\\"");
        String value = "{\"log\":\"" + escaped + "\",\"stream\":\"stdout\"}\n" + "2024-05-01T10:00:00.000Z stdout F "
                + event(2, "/b", "pods") + "\n";

        // When
        RecordingSink sink = decode(Formats.AUDIT, value);

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.audits).extracting(AuditEvent::auditId).containsExactly("id-1", "id-2");
    }

    @Test
    void acceptsAnEventWithoutKindAndFallsBackToTheLegacyTimestamp() {
        // Given
        String value =
                "{\"auditID\":\"a1\",\"stage\":\"ResponseComplete\",\"verb\":\"get\",\"timestamp\":\"2018-10-26T13:00:25Z\"}";

        // When
        RecordingSink sink = decode(Formats.AUDIT, value);

        // Then
        assertThat(sink.audits).singleElement().satisfies(e -> {
            assertThat(e.stageTimestamp()).isEqualTo(Instant.parse("2018-10-26T13:00:25Z"));
            assertThat(e.apiGroup()).isNull();
        });
    }

    static Stream<Arguments> rejectsBadAuditDocuments() {
        return Stream.of(
                Arguments.of(
                        "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"verb\":\"get\",\"stageTimestamp\":\"2024-05-01T10:00:00Z\"}",
                        RejectReason.MISSING_FIELD,
                        "auditID"),
                Arguments.of(
                        "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"verb\":\"get\"}",
                        RejectReason.MISSING_FIELD,
                        "stageTimestamp"),
                Arguments.of(
                        "{\"kind\":\"Event\",\"auditID\":\"a\",\"verb\":\"get\",\"stageTimestamp\":\"x\"}",
                        RejectReason.INVALID_VALUE,
                        "stageTimestamp"),
                Arguments.of(
                        "{\"kind\":\"Event\",\"auditID\":\"a\",\"verb\":\"get\",\"stageTimestamp\":\"2024-05-01T10:00:00Z\","
                                + "\"sourceIPs\":\"1.2.3.4\"}",
                        RejectReason.INVALID_VALUE,
                        "sourceIPs"),
                Arguments.of("{\"kind\":\"EventList\",\"items\":{}}", RejectReason.INVALID_VALUE, "items"),
                Arguments.of(
                        "{\"category\":\"kube-audit\",\"properties\":{\"log\":\"{not json\"}}",
                        RejectReason.INVALID_JSON,
                        "properties.log"),
                Arguments.of(
                        sampleText("hubble-cilium-docs-export-fieldmask.jsonl")
                                .lines()
                                .findFirst()
                                .orElseThrow(),
                        RejectReason.MISROUTED,
                        "Hubble"),
                Arguments.of(
                        sampleText("calico-enterprise-observability-clinic-deny.json"),
                        RejectReason.MISROUTED,
                        "Calico"),
                Arguments.of("{\"kind\":\"Pod\"}", RejectReason.UNKNOWN_FORMAT, "audit"));
    }

    @ParameterizedTest(name = "{1} {2}")
    @MethodSource
    void rejectsBadAuditDocuments(String value, RejectReason reason, String detailMentions) {
        // When
        RecordingSink sink = decode(Formats.AUDIT, value);

        // Then
        assertThat(sink.audits).isEmpty();
        assertThat(sink.rejections).extracting(Rejection::reason).containsExactly(reason);
        assertThat(sink.rejections.get(0).detail()).contains(detailMentions);
    }

    @Test
    void rejectsAnEventListItemThatIsNotAnObjectByIndex() {
        // When
        RecordingSink sink =
                decode(Formats.AUDIT, "{\"kind\":\"EventList\",\"items\":[" + event(1, "/", "pods") + ",7]}");

        // Then
        assertThat(sink.audits).hasSize(1);
        assertThat(sink.rejections)
                .extracting(Rejection::reason, Rejection::detail)
                .containsExactly(tuple(RejectReason.INVALID_VALUE, "items[1]: item: expected an object"));
    }
}
