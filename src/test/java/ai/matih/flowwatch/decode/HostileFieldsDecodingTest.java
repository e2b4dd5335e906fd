package ai.matih.flowwatch.decode;

import static ai.matih.flowwatch.decode.RecordingSink.decode;
import static ai.matih.flowwatch.decode.RecordingSink.sample;
import static ai.matih.flowwatch.decode.RecordingSink.sampleText;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.audit.AuditBounds;
import ai.matih.flowwatch.decode.hubble.HubbleFastPath;
import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.demo.DemoRecords;
import ai.matih.flowwatch.demo.DemoTopics;
import ai.matih.flowwatch.flow.Flow;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile field in one document of a record rejects that document, with the bound's reason and a detail naming
 * the field, while the good documents of the same record still decode; no sample or demo record meets a bound.
 */
class HostileFieldsDecodingTest {

    private static final Set<RejectReason> BOUND_REASONS =
            EnumSet.of(RejectReason.INVALID_NAME, RejectReason.TOO_MANY_LABELS, RejectReason.FIELD_TOO_LARGE);
    private static final String HUGE = "x".repeat(200_000);

    /** The TKE exporter's first line: a reply from the kube-apiserver to a kube-system pod (fast path shape). */
    private static final String HUBBLE = firstLine(sampleText("hubble-imroc-tke-guide-exporter.jsonl"));

    private static final String CALICO =
            sampleText("calico-enterprise-observability-clinic-deny.json").strip();
    private static final String WHISKER = firstLine(sampleText("calico-goldmane-whisker-api-unattributed.jsonl"));

    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElseThrow();
    }

    private static String hubbleLabels(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> "\"k8s:label-" + i + "=v\"")
                .collect(Collectors.joining(","));
    }

    private static String calicoLabels(int count) {
        return IntStream.range(0, count).mapToObj(i -> "\"l" + i + "=v\"").collect(Collectors.joining(","));
    }

    private static String calicoDenies(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> "\"" + i + "|t|ns/t.p" + i + "|deny|-1\"")
                .collect(Collectors.joining(","));
    }

    static Stream<Arguments> hostileDocuments() {
        return Stream.of(
                Arguments.of(
                        "namespace of 200,000 characters",
                        Formats.HUBBLE,
                        HUBBLE.replace("\"namespace\":\"kube-system\"", "\"namespace\":\"" + HUGE + "\""),
                        RejectReason.INVALID_NAME,
                        "destination.namespace"),
                Arguments.of(
                        "upper-case namespace",
                        Formats.HUBBLE,
                        HUBBLE.replace("\"namespace\":\"kube-system\"", "\"namespace\":\"Kube-System\""),
                        RejectReason.INVALID_NAME,
                        "destination.namespace"),
                Arguments.of(
                        "pod name of 254 characters",
                        Formats.HUBBLE,
                        HUBBLE.replace("csi-cbs-controller-7788964bc-lsfw5", "p".repeat(254)),
                        RejectReason.INVALID_NAME,
                        "destination.pod"),
                Arguments.of(
                        "15,000 labels on an endpoint",
                        Formats.HUBBLE,
                        HUBBLE.replace("\"k8s:app=cbs-csi-controller\"", hubbleLabels(15_000)),
                        RejectReason.TOO_MANY_LABELS,
                        "flow.destination.labels"),
                Arguments.of(
                        "label key with a space",
                        Formats.HUBBLE,
                        HUBBLE.replace("k8s:app=cbs-csi-controller", "k8s:my app=x"),
                        RejectReason.INVALID_NAME,
                        "flow.destination.labels"),
                Arguments.of(
                        "namespace label value of 64 characters",
                        Formats.HUBBLE,
                        HUBBLE.replace("metadata.name=kube-system", "metadata.name=" + "v".repeat(64)),
                        RejectReason.INVALID_VALUE,
                        "flow.destination.labels"),
                Arguments.of(
                        "reserved identity of 200,000 characters",
                        Formats.HUBBLE,
                        HUBBLE.replace(
                                "[\"reserved:kube-apiserver\",\"reserved:world\"]", "[\"reserved:" + HUGE + "\"]"),
                        RejectReason.INVALID_NAME,
                        "source.name"),
                Arguments.of(
                        "node name of 200,000 characters",
                        Formats.HUBBLE,
                        HUBBLE.replace(
                                "\"node_name\":\"10.10.21.166\",\"node_labels\"",
                                "\"node_name\":\"" + HUGE + "\",\"node_labels\""),
                        RejectReason.INVALID_NAME,
                        "node"),
                Arguments.of(
                        "IP that is not one",
                        Formats.HUBBLE,
                        HUBBLE.replace("\"destination\":\"10.20.0.4\"", "\"destination\":\"" + HUGE + "\""),
                        RejectReason.INVALID_VALUE,
                        "destination.ip"),
                Arguments.of(
                        "Calico namespace with a dot",
                        Formats.CALICO,
                        CALICO.replace("\"dest_namespace\":\"hipstershop\"", "\"dest_namespace\":\"hipster.shop\""),
                        RejectReason.INVALID_NAME,
                        "destination.namespace"),
                Arguments.of(
                        "Calico endpoint with 200 labels",
                        Formats.CALICO,
                        CALICO.replace("\"run=multitool\"", calicoLabels(200)),
                        RejectReason.TOO_MANY_LABELS,
                        "source_labels"),
                Arguments.of(
                        "Calico deny naming 100 policies",
                        Formats.CALICO,
                        CALICO.replace(
                                "\"1|app-hipstershop|hipstershop/app-hipstershop.checkoutservice|deny|-1\"",
                                calicoDenies(100)),
                        RejectReason.FIELD_TOO_LARGE,
                        "policies"),
                Arguments.of(
                        "Calico reporter list",
                        Formats.CALICO,
                        CALICO.replace("\"reporter\":\"dst\"", "\"reporter\":\"src,dst,fwd,a,b,c\""),
                        RejectReason.FIELD_TOO_LARGE,
                        "reporter"),
                Arguments.of(
                        "Whisker label that is not a label",
                        Formats.CALICO,
                        WHISKER.replace("team=storefront", "team=store front"),
                        RejectReason.INVALID_VALUE,
                        "source_labels"),
                Arguments.of(
                        "Whisker aggregated name with a space",
                        Formats.CALICO,
                        WHISKER.replace("web-574ff6d9fd-*", "web 574ff6d9fd-*"),
                        RejectReason.INVALID_NAME,
                        "destination.workload"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void hostileDocuments(String description, FlowFormat kind, String hostile, RejectReason reason, String field) {
        // Given: a good document, the hostile one, and the good one again, as NDJSON
        String good = kind == Formats.HUBBLE ? HUBBLE : hostile.contains("start_time\":\"") ? WHISKER : CALICO;
        String value = good + "\n" + hostile + "\n" + good + "\n";

        // When
        RecordingSink sink = decode(kind, value);

        // Then
        assertThat(sink.flows).hasSize(2);
        assertThat(sink.flows.get(0)).isEqualTo(sink.flows.get(1));
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.detail()).contains(field).hasSizeLessThan(300);
            assertThat(r.line()).isEqualTo(2);
            assertThat(r.offset()).isEqualTo(good.length() + 1);
            assertThat(r.length()).isEqualTo(hostile.getBytes(StandardCharsets.UTF_8).length);
        });
    }

    @Test
    void theFastPathDeclinesAFlowOutOfBoundsAndCountsWhy() {
        // Given
        FastPathFallbacks fallbacks = new FastPathFallbacks("hubble");
        HubbleFastPath reader = new HubbleFastPath(new JsonCodec(RecordDecoder.DEFAULT_MAX_RECORD_BYTES), fallbacks);
        // a namespace of 1,000 chars: valid JSON the scanner reads (a longer string than it reads declines as a shape)
        byte[] hostile = HUBBLE.replace("\"namespace\":\"kube-system\"", "\"namespace\":\"" + "x".repeat(1_000) + "\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] good = HUBBLE.getBytes(StandardCharsets.UTF_8);

        // When
        boolean hostileDecoded = reader.decode(hostile, null, 10, new ArrayList<>());
        boolean goodDecoded = reader.decode(good, null, 10, new ArrayList<>());
        boolean notJson = reader.decode("{\"flow\":".getBytes(StandardCharsets.UTF_8), null, 10, new ArrayList<>());

        // Then
        assertThat(hostileDecoded).isFalse();
        assertThat(goodDecoded).isTrue();
        assertThat(notJson).isFalse();
        assertThat(fallbacks.count(FastPathFallbacks.Reason.OUT_OF_BOUNDS)).isEqualTo(1);
        assertThat(fallbacks.count(FastPathFallbacks.Reason.SHAPE)).isEqualTo(1);
        assertThat(fallbacks.total()).isEqualTo(2);
    }

    @Test
    void clipsAHubbleDropReasonInsteadOfRejectingTheFlow() {
        // Given: a policy-verdict drop with a drop reason of 200,000 characters
        String value = HUBBLE.replace(
                        "\"verdict\":\"FORWARDED\"", "\"verdict\":\"DROPPED\",\"drop_reason_desc\":\"" + HUGE + "\"")
                .replace("\"event_type\":{\"type\":4}", "\"event_type\":{\"type\":5}");

        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.verdictDetail())
                    .startsWith("DROPPED by policy verdict xxx")
                    .endsWith("...");
            assertThat(f.verdictDetail().length()).isLessThanOrEqualTo(InputBounds.MAX_TEXT_BYTES);
        });
    }

    private static String auditEvent(String namespace, String userAgent, String uri) {
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"a-1\","
                + "\"stage\":\"ResponseComplete\",\"requestURI\":\"" + uri + "\",\"verb\":\"get\","
                + "\"user\":{\"username\":\"system:serviceaccount:tenant-a:reader\"},\"sourceIPs\":[\"10.0.0.9\"],"
                + "\"userAgent\":\"" + userAgent + "\",\"objectRef\":{\"resource\":\"pods\",\"namespace\":\""
                + namespace + "\",\"name\":\"api-0\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"code\":200},"
                + "\"stageTimestamp\":\"2024-05-01T10:00:00.000001Z\"}";
    }

    @Test
    void rejectsTheHostileItemOfAnAuditEventListByIndexAndDeliversTheOthers() {
        // Given
        String good = auditEvent("tenant-b", "kubectl/v1.30.0", "/api/v1/namespaces/tenant-b/pods/api-0");
        String value = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[" + good + ","
                + auditEvent(HUGE, "kubectl", "/api") + "," + good + "]}";

        // When
        RecordingSink sink = decode(Formats.AUDIT, value);

        // Then
        assertThat(sink.audits)
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.namespace()).isEqualTo("tenant-b"));
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.INVALID_NAME);
            assertThat(r.detail()).startsWith("items[1]: objectRef.namespace").hasSizeLessThan(300);
        });
    }

    @Test
    void clipsAnAuditUserAgentAndUriButKeepsTheDryRunTheFullUriCarries() {
        // Given
        String uri = "/api/v1/namespaces/tenant-a/pods/api-0?fieldManager=" + "m".repeat(10_000) + "&dryRun=All";
        String value = auditEvent("tenant-a", "Mozilla/5.0 " + "z".repeat(100_000), uri);

        // When
        RecordingSink sink = decode(Formats.AUDIT, value);

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.audits).singleElement().satisfies(e -> {
            assertThat(e.userAgent())
                    .startsWith("Mozilla/5.0 zzz")
                    .hasSizeLessThanOrEqualTo(InputBounds.MAX_TEXT_BYTES);
            assertThat(e.requestUri()).doesNotContain("dryRun").hasSizeLessThanOrEqualTo(InputBounds.MAX_URI_BYTES);
            assertThat(e.dryRun()).isTrue();
        });
    }

    @Test
    void rejectsANamespaceLabelPatchWithAnInvalidKey() {
        // Given
        String value = sampleText("k8s-audit-falco-namespace-create.json")
                .replace(
                        "\"metadata\":{\"name\":\"foo\"," + "\"creationTimestamp\":null}",
                        "\"metadata\":{\"name\":\"foo\",\"labels\":{\"matih.ai/tenant\":\"a\"," + "\"-bad\":\"b\"}}");

        // When
        RecordingSink sink = decode(Formats.AUDIT, value);

        // Then
        assertThat(sink.audits).isEmpty();
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.INVALID_NAME);
            assertThat(r.detail()).contains("requestObject.metadata.labels").contains("-bad");
        });
    }

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of(Formats.CALICO, "calico-enterprise-observability-clinic-deny.json"),
                Arguments.of(Formats.CALICO, "calico-enterprise-tigera-docs-hostfwd-transit.json"),
                Arguments.of(Formats.CALICO, "calico-enterprise-tigera-docs-prednat-net.json"),
                Arguments.of(Formats.CALICO, "calico-goldmane-whisker-api-unattributed.jsonl"),
                Arguments.of(Formats.HUBBLE, "hubble-cilium-docs-export-fieldmask.jsonl"),
                Arguments.of(Formats.HUBBLE, "hubble-cilium-printer-test.jsonl"),
                Arguments.of(Formats.HUBBLE, "hubble-imroc-tke-guide-exporter.jsonl"),
                Arguments.of(Formats.HUBBLE, "hubble-imroc-tke-guide-flowlogs-forwarded.json"),
                Arguments.of(Formats.AUDIT, "k8s-audit-elastic-integrations-aks-string.jsonl"),
                Arguments.of(Formats.AUDIT, "k8s-audit-elastic-integrations-test-audit.jsonl"),
                Arguments.of(Formats.AUDIT, "k8s-audit-falco-clusterrole-patch.json"),
                Arguments.of(Formats.AUDIT, "k8s-audit-falco-exec-pod.json"),
                Arguments.of(Formats.AUDIT, "k8s-audit-falco-namespace-create.json"),
                Arguments.of(Formats.AUDIT, "k8s-audit-falco-namespace-delete.json"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void samples(FlowFormat kind, String name) {
        // Given: the record's timestamp, for the documented Calico examples that carry no time
        RecordingSink sink = new RecordingSink();

        // When
        RecordingSink.DECODER.decode(kind, sample(name), Instant.EPOCH, sink);

        // Then: no bound rejects or changes anything a real source wrote
        assertThat(sink.flows.size() + sink.audits.size()).isPositive();
        assertThat(sink.rejections).extracting(Rejection::reason).doesNotContainAnyElementsOf(BOUND_REASONS);
        assertThat(sink.flows).allSatisfy(f -> assertThat(FlowBounds.check(f)).isSameAs(f));
        assertThat(sink.audits).allSatisfy(e -> assertThat(AuditBounds.check(e)).isSameAs(e));
    }

    @Test
    void everyDemoRecordIsWithinBounds() {
        // Given
        DemoRecords records =
                new DemoRecords(new Random(7), Clock.fixed(Instant.parse("2026-11-26T07:00:00Z"), ZoneOffset.UTC));
        List<DemoRecords.Output> outputs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            outputs.addAll(records.nextConnection(i % 2 == 0));
            outputs.addAll(records.nextAudit(i % 3 == 0));
        }

        // When
        List<Flow> flows = new ArrayList<>();
        List<AuditEvent> audits = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        for (DemoRecords.Output output : outputs) {
            FlowFormat kind = switch (output.topic()) {
                case DemoTopics.CALICO -> Formats.CALICO;
                case DemoTopics.HUBBLE -> Formats.HUBBLE;
                default -> Formats.AUDIT;
            };
            RecordingSink sink = decode(kind, output.value());
            flows.addAll(sink.flows);
            audits.addAll(sink.audits);
            rejections.addAll(sink.rejections);
        }

        // Then
        assertThat(rejections).isEmpty();
        assertThat(flows)
                .hasSizeGreaterThan(500)
                .allSatisfy(f -> assertThat(FlowBounds.within(f)).isTrue());
        assertThat(audits)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(AuditBounds.check(e)).isSameAs(e));
    }
}
