package ai.matih.flowwatch.decode.hubble;

import static ai.matih.flowwatch.decode.RecordingSink.decode;
import static ai.matih.flowwatch.decode.RecordingSink.sample;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.decode.Formats;
import ai.matih.flowwatch.decode.RecordingSink;
import ai.matih.flowwatch.decode.RejectReason;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HubbleDecodingTest {

    private static String flow(String fields) {
        return "{\"flow\":{\"time\":\"2024-05-01T10:00:00.123456789Z\",\"IP\":{\"source\":\"10.0.0.1\",\"destination\":\"10.0.0.2\"},"
                + "\"l4\":{\"TCP\":{\"source_port\":40000,\"destination_port\":443}}," + fields
                + "},\"node_name\":\"n1\"}";
    }

    @Test
    void decodesTheTkeExporterSample() {
        // When
        RecordingSink sink = decode(Formats.HUBBLE, sample("hubble-imroc-tke-guide-exporter.jsonl"));

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).hasSize(3);
        Flow reply = sink.flows.get(0);
        assertThat(reply.format()).isEqualTo(SourceFormat.HUBBLE);
        assertThat(reply.observed()).isEqualTo(Observed.ALLOWED);
        assertThat(reply.initiation()).isEqualTo(Initiation.REPLY);
        assertThat(reply.source().kind()).isEqualTo(EndpointKind.RESERVED);
        assertThat(reply.source().name()).isEqualTo("kube-apiserver");
        assertThat(reply.source().ip()).isEqualTo("169.254.128.9");
        assertThat(reply.destination().kind()).isEqualTo(EndpointKind.POD);
        assertThat(reply.destination().namespace()).isEqualTo("kube-system");
        assertThat(reply.destination().pod()).isEqualTo("csi-cbs-controller-7788964bc-lsfw5");
        assertThat(reply.destination().workload()).isEqualTo("csi-cbs-controller");
        assertThat(reply.destination().labels())
                .containsEntry("app", "cbs-csi-controller")
                .doesNotContainKeys("io.kubernetes.pod.namespace", "io.cilium.k8s.policy.cluster");
        assertThat(reply.destination().namespaceLabels()).containsEntry("kubernetes.io/metadata.name", "kube-system");
        assertThat(reply.reporter()).isEqualTo("TO_ENDPOINT");
        assertThat(reply.node()).isEqualTo("10.10.21.166");
        assertThat(reply.recordId()).isEqualTo("c938628b-0c3a-4440-9ecd-3e3ca00d3a16");
        assertThat(reply.time()).isEqualTo(Instant.parse("2026-02-24T08:47:58.042012383Z"));
        Flow egress = sink.flows.get(1);
        assertThat(egress.initiation()).isEqualTo(Initiation.INITIATING);
        assertThat(egress.source().kind()).isEqualTo(EndpointKind.HOST);
        assertThat(egress.destination().kind()).isEqualTo(EndpointKind.WORLD);
        assertThat(egress.destination().ip()).isEqualTo("9.134.108.44");
        assertThat(egress.protocol()).isEqualTo(Protocol.TCP);
        assertThat(egress.port()).isEqualTo(9922);
        assertThat(egress.sourcePort()).isEqualTo(58012);
    }

    @Test
    void decodesThePrettyPrintedForwardedSample() {
        // When
        RecordingSink sink = decode(Formats.HUBBLE, sample("hubble-imroc-tke-guide-flowlogs-forwarded.json"));

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.observed()).isEqualTo(Observed.ALLOWED);
            assertThat(f.initiation()).isEqualTo(Initiation.INITIATING);
            assertThat(f.source().namespace()).isEqualTo("test");
            assertThat(f.source().workload()).isEqualTo("curl");
            assertThat(f.destination().pod()).isEqualTo("nginx-54c98b4f84-sw9q9");
            assertThat(f.destination().workload()).isEqualTo("nginx");
            assertThat(f.destination().ip()).isEqualTo("10.20.0.9");
            assertThat(f.port()).isEqualTo(80);
            assertThat(f.reporter()).isEqualTo("TO_STACK");
        });
    }

    @Test
    void decodesTheFieldMaskedExportSample() {
        // When
        RecordingSink sink = decode(Formats.HUBBLE, sample("hubble-cilium-docs-export-fieldmask.jsonl"));

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).hasSize(2);
        Flow ndp = sink.flows.get(0);
        assertThat(ndp.observed()).isEqualTo(Observed.UNKNOWN);
        assertThat(ndp.verdictDetail()).contains("INVALID_SOURCE_IP").contains("not policy");
        assertThat(ndp.protocol()).isEqualTo(Protocol.ICMPV6);
        assertThat(ndp.port()).isEqualTo(-1);
        assertThat(ndp.source().kind()).isEqualTo(EndpointKind.UNKNOWN);
        assertThat(ndp.source().ip()).isEqualTo("fe80::64d8:8aff:fe72:fc14");
        assertThat(ndp.node()).isEqualTo("kind-kind/kind-worker");
        Flow denied = sink.flows.get(1);
        assertThat(denied.observed()).isEqualTo(Observed.DENIED);
        assertThat(denied.initiation()).isEqualTo(Initiation.INITIATING);
        assertThat(denied.source().pod()).isEqualTo("xwing");
        assertThat(denied.destination().workload()).isEqualTo("deathstar");
        assertThat(denied.port()).isEqualTo(80);
    }

    @Test
    void decodesLegacyBareAndWrappedPrinterSamples() {
        // When
        RecordingSink sink = decode(Formats.HUBBLE, sample("hubble-cilium-printer-test.jsonl"));

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).hasSize(3).allSatisfy(f -> {
            // drop event (type 1) with sub_type 133 = POLICY_DENIED, though drop_reason_desc is absent
            assertThat(f.observed()).isEqualTo(Observed.DENIED);
            assertThat(f.verdictDetail()).contains("133");
            assertThat(f.source().kind()).isEqualTo(EndpointKind.RESERVED);
            assertThat(f.source().name()).isEqualTo("health");
            assertThat(f.destination().kind()).isEqualTo(EndpointKind.UNKNOWN);
            assertThat(f.destination().ip()).isEqualTo("2.2.2.2");
            assertThat(f.reporter()).isEqualTo("drop");
            assertThat(f.node()).isEqualTo("k8s1");
            assertThat(f.initiation()).isEqualTo(Initiation.INITIATING);
            assertThat(f.port()).isEqualTo(8080);
        });
    }

    static Stream<Arguments> observedFromVerdict() {
        return Stream.of(
                Arguments.of("\"verdict\":\"FORWARDED\"", Observed.ALLOWED),
                Arguments.of("\"verdict\":\"REDIRECTED\"", Observed.ALLOWED),
                Arguments.of("\"verdict\":\"AUDIT\"", Observed.AUDIT),
                Arguments.of("\"verdict\":\"DROPPED\",\"drop_reason_desc\":\"POLICY_DENIED\"", Observed.DENIED),
                Arguments.of("\"verdict\":\"DROPPED\",\"drop_reason_desc\":\"POLICY_DENY\"", Observed.DENIED),
                Arguments.of("\"verdict\":\"DROPPED\",\"drop_reason_desc\":\"AUTH_REQUIRED\"", Observed.DENIED),
                Arguments.of("\"verdict\":\"DROPPED\",\"Type\":\"L7\"", Observed.DENIED),
                Arguments.of("\"verdict\":\"DROPPED\",\"event_type\":{\"type\":5}", Observed.DENIED),
                Arguments.of(
                        "\"verdict\":\"DROPPED\",\"drop_reason_desc\":\"CT_MAP_INSERTION_FAILED\"", Observed.UNKNOWN),
                Arguments.of("\"verdict\":\"DROPPED\"", Observed.UNKNOWN),
                Arguments.of("\"verdict\":\"ERROR\"", Observed.UNKNOWN),
                Arguments.of("\"verdict\":\"TRACED\"", Observed.UNKNOWN),
                Arguments.of("\"verdict\":\"TRANSLATED\"", Observed.UNKNOWN),
                Arguments.of("\"verdict\":\"VERDICT_UNKNOWN\"", Observed.UNKNOWN),
                Arguments.of("\"uuid\":\"x\"", Observed.UNKNOWN));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void observedFromVerdict(String fields, Observed expected) {
        // When
        RecordingSink sink = decode(Formats.HUBBLE, flow(fields));

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).singleElement().extracting(Flow::observed).isEqualTo(expected);
    }

    static Stream<Arguments> initiationFromReplyTraceReasonAndFlags() {
        return Stream.of(
                Arguments.of("\"is_reply\":true,\"trace_reason\":\"NEW\"", Initiation.REPLY),
                Arguments.of("\"is_reply\":false,\"trace_reason\":\"REPLY\"", Initiation.INITIATING),
                Arguments.of("\"trace_reason\":\"REPLY\"", Initiation.REPLY),
                Arguments.of("\"trace_reason\":\"NEW\"", Initiation.INITIATING),
                Arguments.of(
                        "\"l4\":{\"TCP\":{\"destination_port\":80,\"flags\":{\"SYN\":true}}}", Initiation.INITIATING),
                Arguments.of(
                        "\"l4\":{\"TCP\":{\"destination_port\":80,\"flags\":{\"SYN\":true,\"ACK\":true}}}",
                        Initiation.REPLY),
                Arguments.of("\"trace_reason\":\"ESTABLISHED\"", Initiation.UNKNOWN));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void initiationFromReplyTraceReasonAndFlags(String fields, Initiation expected) {
        // Given
        String value = "{\"time\":\"2024-05-01T10:00:00Z\",\"verdict\":\"FORWARDED\"," + fields + "}";

        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).singleElement().extracting(Flow::initiation).isEqualTo(expected);
    }

    @Test
    void decodesAPolicyVerdictDropWithItsDenyingPolicy() {
        // Given
        String value = flow("\"verdict\":\"DROPPED\",\"event_type\":{\"type\":5,\"sub_type\":0},"
                + "\"ingress_denied_by\":[{\"name\":\"deny-all\",\"namespace\":\"matih-data-plane-a\",\"kind\":\"NetworkPolicy\"}],"
                + "\"egress_denied_by\":[{\"name\":\"ccnp\",\"kind\":\"CiliumClusterwideNetworkPolicy\"}]");

        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.observed()).isEqualTo(Observed.DENIED);
            assertThat(f.reporter()).isEqualTo("policy-verdict");
            assertThat(f.policies())
                    .containsExactly("matih-data-plane-a/deny-all", "CiliumClusterwideNetworkPolicy:ccnp");
            assertThat(f.node()).isEqualTo("n1");
        });
    }

    @Test
    void mapsReservedIdentitiesAndWorldLabels() {
        // Given
        String value = flow("\"verdict\":\"FORWARDED\",\"source\":{\"identity\":9},"
                + "\"destination\":{\"identity\":16777300,\"labels\":[\"reserved:world-ipv6\",\"cidr:1.2.3.0/24\"]}");

        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.source().kind()).isEqualTo(EndpointKind.WORLD);
            assertThat(f.destination().kind()).isEqualTo(EndpointKind.WORLD);
            assertThat(f.destination().labels()).isEmpty();
        });
    }

    static Stream<Arguments> skipsKnownNonFlowLines() {
        return Stream.of(
                Arguments.of(
                        "{\"lost_events\":{\"source\":\"HUBBLE_RING_BUFFER\",\"num_events_lost\":\"42\",\"cpu\":1},\"node_name\":\"n\"}",
                        "lost_events",
                        42L),
                Arguments.of("{\"lost_events\":{\"num_events_lost\":7}}", "lost_events", 7L),
                Arguments.of("{\"agent_event\":{\"type\":\"AGENT_STARTED\"},\"node_name\":\"n\"}", "agent_event", 0L),
                Arguments.of("{\"debug_event\":{\"type\":\"DBG_GENERIC\"}}", "debug_event", 0L));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void skipsKnownNonFlowLines(String value, String kind, long lost) {
        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.skips).containsExactly(new RecordingSink.Skip(kind, lost));
    }

    static Stream<Arguments> rejectsBadHubbleDocuments() {
        return Stream.of(
                Arguments.of(
                        "{\"flow\":{\"verdict\":5,\"time\":\"2024-05-01T10:00:00Z\"}}",
                        RejectReason.INVALID_VALUE,
                        "verdict"),
                Arguments.of(
                        "{\"flow\":{\"l4\":[],\"time\":\"2024-05-01T10:00:00Z\"}}", RejectReason.INVALID_VALUE, "l4"),
                Arguments.of("{\"flow\":{\"time\":\"yesterday\"}}", RejectReason.INVALID_VALUE, "time"),
                Arguments.of("{\"flow\":\"x\"}", RejectReason.INVALID_VALUE, "flow"),
                Arguments.of("{\"flow\":{\"verdict\":\"FORWARDED\"}}", RejectReason.MISSING_FIELD, "time"),
                Arguments.of(
                        "{\"flow\":{\"time\":\"2024-05-01T10:00:00Z\",\"l4\":{\"TCP\":{\"destination_port\":\"abc\"}}}}",
                        RejectReason.INVALID_VALUE,
                        "destination_port"),
                Arguments.of(
                        "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"verb\":\"get\"}",
                        RejectReason.MISROUTED,
                        "audit"),
                Arguments.of(
                        RecordingSink.sampleText("calico-enterprise-observability-clinic-deny.json"),
                        RejectReason.MISROUTED,
                        "Calico"),
                Arguments.of("{\"hello\":\"world\"}", RejectReason.UNKNOWN_FORMAT, "Hubble"));
    }

    @ParameterizedTest(name = "{1} {2}")
    @MethodSource
    void rejectsBadHubbleDocuments(String value, RejectReason reason, String detailMentions) {
        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.flows).isEmpty();
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.detail()).contains(detailMentions);
        });
    }
}
