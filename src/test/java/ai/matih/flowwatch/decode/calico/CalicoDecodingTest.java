package ai.matih.flowwatch.decode.calico;

import static ai.matih.flowwatch.decode.RecordingSink.decode;
import static ai.matih.flowwatch.decode.RecordingSink.sample;
import static ai.matih.flowwatch.decode.RecordingSink.sampleText;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.decode.Formats;
import ai.matih.flowwatch.decode.RecordDecoder;
import ai.matih.flowwatch.decode.RecordingSink;
import ai.matih.flowwatch.decode.RejectReason;
import ai.matih.flowwatch.decode.Rejection;
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

public class CalicoDecodingTest {

    @Test
    void decodesTheEnterpriseDenySample() {
        // When
        RecordingSink sink = decode(Formats.CALICO, sample("calico-enterprise-observability-clinic-deny.json"));

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.format()).isEqualTo(SourceFormat.CALICO);
            assertThat(f.observed()).isEqualTo(Observed.DENIED);
            assertThat(f.initiation()).isEqualTo(Initiation.INITIATING);
            assertThat(f.reporter()).isEqualTo("dst");
            assertThat(f.time()).isEqualTo(Instant.ofEpochSecond(1659621542));
            assertThat(f.intervalEnd()).isEqualTo(Instant.ofEpochSecond(1659621842));
            assertThat(f.source().kind()).isEqualTo(EndpointKind.POD);
            assertThat(f.source().namespace()).isEqualTo("default");
            assertThat(f.source().pod()).isEqualTo("multitool");
            assertThat(f.source().workload()).isEqualTo("multitool");
            assertThat(f.source().ip()).isEqualTo("10.48.116.157");
            assertThat(f.source().labels()).containsEntry("run", "multitool");
            assertThat(f.destination().namespace()).isEqualTo("hipstershop");
            assertThat(f.destination().pod()).isEqualTo("checkoutservice-598d5b586d-wsvmz");
            assertThat(f.destination().workload()).isEqualTo("checkoutservice");
            assertThat(f.protocol()).isEqualTo(Protocol.TCP);
            assertThat(f.port()).isEqualTo(5050);
            assertThat(f.sourcePort()).isEqualTo(-1);
            assertThat(f.policies()).containsExactly("hipstershop/app-hipstershop.checkoutservice");
            assertThat(f.verdictDetail())
                    .isEqualTo("denied by hipstershop/app-hipstershop.checkoutservice (rule -1: end of tier)");
            assertThat(f.connections()).isEqualTo(1);
        });
    }

    @Test
    void takesTheKafkaRecordTimeForDocumentsWithoutAnyTime() {
        // Given
        Instant received = Instant.parse("2026-11-26T07:00:00Z");
        RecordingSink sink = new RecordingSink();
        // When
        new RecordDecoder()
                .decode(Formats.CALICO, sample("calico-enterprise-tigera-docs-prednat-net.json"), received, sink);
        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.time()).isEqualTo(received);
            assertThat(f.reporter()).isEqualTo("fwd");
        });
    }

    @Test
    void rejectsTheDocumentedSamplesWithoutAnyTimeAsMissingField() {
        // When
        RecordingSink transit = decode(Formats.CALICO, sample("calico-enterprise-tigera-docs-hostfwd-transit.json"));
        RecordingSink prednat = decode(Formats.CALICO, sample("calico-enterprise-tigera-docs-prednat-net.json"));

        // Then
        assertThat(transit.rejections).extracting(Rejection::reason).containsExactly(RejectReason.MISSING_FIELD);
        assertThat(prednat.rejections).extracting(Rejection::reason).containsExactly(RejectReason.MISSING_FIELD);
    }

    @Test
    void decodesTheHostForwardedSampleWithCommaJoinedReporter() {
        // Given
        String value = sampleText("calico-enterprise-tigera-docs-hostfwd-transit.json")
                .replace("\"host\": \"my-host\"", "\"host\": \"my-host\", \"start_time\": 1700000000");

        // When
        RecordingSink sink = decode(Formats.CALICO, value);

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.reporter()).isEqualTo("dst,fwd");
            assertThat(f.observed()).isEqualTo(Observed.ALLOWED);
            assertThat(f.node()).isEqualTo("my-host");
            assertThat(f.source().workload()).isEqualTo("client-pods");
            assertThat(f.destination().namespace()).isEqualTo("maintenance-server-namespace");
            assertThat(f.port()).isEqualTo(22);
            assertThat(f.intervalEnd()).isEqualTo(f.time());
        });
    }

    @Test
    void decodesThePreDnatSampleAsWorldToWorld() {
        // Given
        String value = sampleText("calico-enterprise-tigera-docs-prednat-net.json")
                .replace("\"host\": \"my-host\"", "\"host\": \"my-host\", \"@timestamp\": 1700000000000");

        // When
        RecordingSink sink = decode(Formats.CALICO, value);

        // Then
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.time()).isEqualTo(Instant.ofEpochMilli(1700000000000L));
            assertThat(f.source().kind()).isEqualTo(EndpointKind.WORLD);
            assertThat(f.source().ip()).isEqualTo("34.0.113.100");
            assertThat(f.source().namespace()).isNull();
            assertThat(f.destination().kind()).isEqualTo(EndpointKind.WORLD);
            assertThat(f.reporter()).isEqualTo("fwd");
            assertThat(f.policies()).containsExactly("default.allow-external-http");
        });
    }

    @Test
    void marksAnAllowWhosePendingPoliciesEndInADenyAsAudit() {
        // Given: the documented no-aggregation example with its trailing comma fixed
        String value = sampleText("calico-enterprise-tigera-docs-noaggr.invalid-json.txt")
                .replaceAll("\\|deny\\|1\",\\s*]", "|deny|1\"]");

        // When
        RecordingSink sink = decode(Formats.CALICO, value);

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.observed()).isEqualTo(Observed.AUDIT);
            assertThat(f.verdictDetail()).startsWith("staged deny by ns2/staged:tier1.policy1");
            assertThat(f.policies()).containsExactly("policy-demo/default.access-nginx");
            assertThat(f.sourcePort()).isEqualTo(42106);
            assertThat(f.source().workload()).isEqualTo("access");
            assertThat(f.destination().workload()).isEqualTo("nginx");
            assertThat(f.node()).isEqualTo("bz-n8kf-kadm-node-1");
        });
    }

    @Test
    void decodesTheWhiskerSamples() {
        // When
        RecordingSink sink = decode(Formats.CALICO, sample("calico-goldmane-whisker-api-unattributed.jsonl"));

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).hasSize(3).allSatisfy(f -> {
            assertThat(f.format()).isEqualTo(SourceFormat.GOLDMANE);
            assertThat(f.reporter()).isEqualTo("dst");
            assertThat(f.initiation()).isEqualTo(Initiation.INITIATING);
            assertThat(f.node()).isNull();
        });
        Flow named = sink.flows.get(0);
        assertThat(named.observed()).isEqualTo(Observed.DENIED);
        assertThat(named.time()).isEqualTo(Instant.parse("2026-09-27T11:32:15Z"));
        assertThat(named.intervalEnd()).isEqualTo(Instant.parse("2026-09-27T11:32:30Z"));
        assertThat(named.source().workload()).isEqualTo("scraper");
        assertThat(named.source().pod()).isNull();
        assertThat(named.source().labels()).containsEntry("team", "storefront");
        assertThat(named.destination().workload()).isEqualTo("web");
        assertThat(named.policies()).containsExactly("CalicoNetworkPolicy:storefront/web-guard");
        Flow endOfTier = sink.flows.get(1);
        assertThat(endOfTier.destination().namespace()).isEqualTo("payments");
        assertThat(endOfTier.policies()).containsExactly("NetworkPolicy:payments/ledger-api-isolation");
        assertThat(endOfTier.verdictDetail()).contains("end of tier");
        Flow dns = sink.flows.get(2);
        assertThat(dns.observed()).isEqualTo(Observed.ALLOWED);
        assertThat(dns.protocol()).isEqualTo(Protocol.UDP);
        assertThat(dns.port()).isEqualTo(53);
        assertThat(dns.policies()).containsExactly("Profile:kns.kube-system");
    }

    public static Stream<Arguments> goldmaneSerialisations() {
        String emitter =
                "{\"Key\":{\"source_name\":\"client-7d4d858f75-*\",\"source_namespace\":\"matih-data-plane-a\","
                        + "\"source_type\":1,\"dest_name\":\"pub\",\"dest_type\":4,\"dest_port\":443,\"proto\":\"tcp\","
                        + "\"reporter\":1,\"action\":2,\"policies\":{\"enforced_policies\":[{\"kind\":6,\"namespace\":"
                        + "\"matih-data-plane-a\",\"name\":\"default-deny\",\"tier\":\"default\",\"action\":2,\"policy_index\":0,"
                        + "\"rule_index\":-1}]}},\"start_time\":1700000000,\"end_time\":1700000300,"
                        + "\"source_labels\":[\"app=client\",\"pod-template-hash=7d4d858f75\"],\"num_connections_started\":4}";
        String protojson =
                "{\"Key\":{\"source_name\":\"client-7d4d858f75-*\",\"source_namespace\":\"matih-data-plane-a\","
                        + "\"source_type\":\"WorkloadEndpoint\",\"dest_name\":\"pub\",\"dest_type\":\"Network\",\"dest_port\":\"443\","
                        + "\"proto\":\"tcp\",\"reporter\":\"Src\",\"action\":\"Deny\",\"policies\":{\"enforced_policies\":[{\"kind\":"
                        + "\"NetworkPolicy\",\"namespace\":\"matih-data-plane-a\",\"name\":\"default-deny\",\"tier\":\"default\","
                        + "\"action\":\"Deny\",\"rule_index\":\"-1\"}]}},\"start_time\":\"1700000000\",\"end_time\":\"1700000300\","
                        + "\"source_labels\":[\"app=client\",\"pod-template-hash=7d4d858f75\"],\"num_connections_started\":\"4\"}";
        String camel = "{\"id\":\"12\",\"flow\":{\"key\":{\"sourceName\":\"client-7d4d858f75-*\",\"sourceNamespace\":"
                + "\"matih-data-plane-a\",\"sourceType\":\"WorkloadEndpoint\",\"destName\":\"pub\",\"destType\":\"Network\","
                + "\"destPort\":\"443\",\"proto\":\"tcp\",\"reporter\":\"Src\",\"action\":\"Deny\",\"policies\":{"
                + "\"enforcedPolicies\":[{\"kind\":\"NetworkPolicy\",\"namespace\":\"matih-data-plane-a\",\"name\":"
                + "\"default-deny\",\"action\":\"Deny\",\"ruleIndex\":\"-1\"}]}},\"startTime\":\"1700000000\","
                + "\"endTime\":\"1700000300\",\"sourceLabels\":[\"app=client\",\"pod-template-hash=7d4d858f75\"],\"numConnectionsStarted\":\"4\"}}";
        return Stream.of(
                Arguments.of("emitter integer enums", emitter),
                Arguments.of("protojson string enums", protojson),
                Arguments.of("FlowResult with lowerCamel names", camel));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void goldmaneSerialisations(String name, String value) {
        // When
        RecordingSink sink = decode(Formats.CALICO, value);

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.format()).isEqualTo(SourceFormat.GOLDMANE);
            assertThat(f.observed()).isEqualTo(Observed.DENIED);
            assertThat(f.reporter()).isEqualTo("src");
            assertThat(f.time()).isEqualTo(Instant.ofEpochSecond(1700000000));
            assertThat(f.intervalEnd()).isEqualTo(Instant.ofEpochSecond(1700000300));
            assertThat(f.source().kind()).isEqualTo(EndpointKind.POD);
            assertThat(f.source().namespace()).isEqualTo("matih-data-plane-a");
            assertThat(f.source().workload()).isEqualTo("client");
            assertThat(f.destination().kind()).isEqualTo(EndpointKind.WORLD);
            assertThat(f.port()).isEqualTo(443);
            assertThat(f.protocol()).isEqualTo(Protocol.TCP);
            assertThat(f.connections()).isEqualTo(4);
            assertThat(f.policies()).containsExactly("NetworkPolicy:matih-data-plane-a/default-deny");
        });
    }

    @Test
    void marksAGoldmaneAllowWithAPendingDenyAsAudit() {
        // Given
        String value = "{\"Key\":{\"source_name\":\"a-*\",\"source_namespace\":\"ns1\",\"source_type\":1,"
                + "\"dest_name\":\"b-*\",\"dest_namespace\":\"ns2\",\"dest_type\":1,\"dest_port\":80,\"proto\":\"tcp\","
                + "\"reporter\":2,\"action\":1,\"policies\":{\"enforced_policies\":[{\"kind\":9,\"name\":\"kns.ns2\","
                + "\"action\":1}],\"pending_policies\":[{\"kind\":3,\"namespace\":\"ns2\",\"name\":\"staged-deny\","
                + "\"tier\":\"default\",\"action\":2,\"rule_index\":0}]}},\"start_time\":1700000000}";

        // When
        RecordingSink sink = decode(Formats.CALICO, value);

        // Then
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.observed()).isEqualTo(Observed.AUDIT);
            assertThat(f.verdictDetail()).contains("staged deny by StagedNetworkPolicy:ns2/staged-deny");
            assertThat(f.reporter()).isEqualTo("dst");
        });
    }

    static Stream<Arguments> calicoEndpointTypes() {
        return Stream.of(
                Arguments.of("hep", "my-node", "-", EndpointKind.HOST),
                Arguments.of("ns", "-", "my-netset", EndpointKind.NETWORK),
                Arguments.of("net", "-", "pvt", EndpointKind.NETWORK),
                Arguments.of("net", "-", "pub", EndpointKind.WORLD),
                Arguments.of("wep", "web-0", "web-*", EndpointKind.POD));
    }

    @ParameterizedTest(name = "{0} {2} -> {3}")
    @MethodSource
    void calicoEndpointTypes(String type, String name, String aggr, EndpointKind kind) {
        // Given
        String value =
                "{\"start_time\":1700000000,\"end_time\":1700000300,\"source_ip\":\"10.1.1.1\",\"source_name\":\""
                        + name + "\",\"source_name_aggr\":\"" + aggr
                        + "\",\"source_namespace\":\"-\",\"source_type\":\"" + type
                        + "\",\"dest_ip\":null,\"dest_name\":\"-\",\"dest_name_aggr\":\"db-*\",\"dest_namespace\":\"data\","
                        + "\"dest_type\":\"wep\",\"dest_port\":null,\"proto\":\"icmp\",\"action\":\"allow\",\"reporter\":\"src\"}";

        // When
        RecordingSink sink = decode(Formats.CALICO, value);

        // Then
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.source().kind()).isEqualTo(kind);
            assertThat(f.source().namespace()).isNull();
            assertThat(f.source().ip()).isEqualTo("10.1.1.1");
            assertThat(f.destination().ip()).isNull();
            assertThat(f.destination().pod()).isNull();
            assertThat(f.destination().workload()).isEqualTo("db");
            assertThat(f.port()).isEqualTo(-1);
            assertThat(f.protocol()).isEqualTo(Protocol.ICMP);
        });
    }

    static Stream<Arguments> rejectsBadCalicoDocuments() {
        String base =
                "{\"start_time\":1700000000,\"source_namespace\":\"a\",\"source_type\":\"wep\",\"dest_namespace\":\"b\","
                        + "\"dest_type\":\"wep\",\"proto\":\"tcp\",\"reporter\":\"src\"";
        return Stream.of(
                Arguments.of(
                        base + ",\"action\":\"allow\",\"dest_port\":\"abc\"}", RejectReason.INVALID_VALUE, "dest_port"),
                Arguments.of(base + ",\"action\":\"maybe\"}", RejectReason.INVALID_VALUE, "action"),
                Arguments.of(
                        base + ",\"action\":\"allow\",\"start_time\":\"soon\"}",
                        RejectReason.INVALID_VALUE,
                        "start_time"),
                Arguments.of(
                        base + ",\"action\":\"allow\",\"source_labels\":{\"labels\":[1]}}",
                        RejectReason.INVALID_VALUE,
                        "source_labels"),
                Arguments.of(base + "}", RejectReason.MISSING_FIELD, "action"),
                Arguments.of("{\"Key\":{\"action\":1}}", RejectReason.MISSING_FIELD, "start_time"),
                Arguments.of("{\"Key\":[]}", RejectReason.INVALID_VALUE, "Key"),
                Arguments.of(
                        sampleText("hubble-imroc-tke-guide-flowlogs-forwarded.json"), RejectReason.MISROUTED, "Hubble"),
                Arguments.of(sampleText("k8s-audit-falco-exec-pod.json"), RejectReason.MISROUTED, "audit"),
                Arguments.of("{\"something\":\"else\"}", RejectReason.UNKNOWN_FORMAT, "Calico"));
    }

    @ParameterizedTest(name = "{1} {2}")
    @MethodSource
    void rejectsBadCalicoDocuments(String value, RejectReason reason, String detailMentions) {
        // When
        RecordingSink sink = decode(Formats.CALICO, value);

        // Then
        assertThat(sink.flows).isEmpty();
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.detail()).contains(detailMentions);
        });
    }
}
