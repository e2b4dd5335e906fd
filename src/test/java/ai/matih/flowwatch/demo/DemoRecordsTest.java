package ai.matih.flowwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-26T07:00:00.123456789Z");
    private static final int CONNECTIONS = 4_000;
    private static final List<JsonNode> CALICO = new ArrayList<>();
    private static final List<JsonNode> HUBBLE = new ArrayList<>();
    private static final List<JsonNode> AUDIT = new ArrayList<>();

    @BeforeAll
    static void generate() throws Exception {
        DemoRecords records = new DemoRecords(new Random(42), Clock.fixed(NOW, ZoneOffset.UTC));
        List<DemoRecords.Output> outputs = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            outputs.addAll(records.nextConnection(i % 2 == 0));
            outputs.addAll(records.nextAudit(i % 3 == 0));
        }
        outputs.add(records.lostEvents());
        for (DemoRecords.Output output : outputs) {
            assertThat(output.key()).isNotBlank();
            for (String line : output.value().split("\n")) {
                JsonNode document = JSON.readTree(line);
                switch (output.topic()) {
                    case DemoTopics.CALICO -> CALICO.add(document);
                    case DemoTopics.HUBBLE -> HUBBLE.add(document);
                    case DemoTopics.AUDIT -> AUDIT.add(document);
                    default -> throw new AssertionError("Unexpected topic " + output.topic());
                }
            }
        }
    }

    @Test
    void everyHubbleFlowLineHasTheExporterWrapperAndRequiredFields() {
        assertThat(flows()).isNotEmpty().allSatisfy(line -> {
            JsonNode flow = line.get("flow");
            assertThat(line.path("node_name").asText())
                    .isEqualTo(flow.path("node_name").asText())
                    .isNotEmpty();
            assertThat(Instant.parse(line.path("time").asText()))
                    .isEqualTo(Instant.parse(flow.path("time").asText()));
            assertThat(flow.path("verdict").asText()).isIn("FORWARDED", "DROPPED", "AUDIT");
            assertThat(flow.path("uuid").asText()).isNotEmpty();
            assertThat(flow.path("IP").path("ipVersion").asText()).isEqualTo("IPv4");
            assertThat(flow.path("l4").has("TCP") ^ flow.path("l4").has("UDP")).isTrue();
            assertThat(flow.path("traffic_direction").asText()).isIn("INGRESS", "EGRESS");
            assertThat(flow.path("is_reply").isBoolean()).isTrue();
            assertThat(flow.path("event_type").path("type").asInt()).isIn(1, 4, 5);
        });
    }

    @Test
    void hubbleCoversRepliesDropsAuditAndLostEvents() {
        assertThat(flows())
                .anySatisfy(l -> assertThat(l.at("/flow/is_reply").asBoolean()).isTrue())
                .anySatisfy(
                        l -> assertThat(l.at("/flow/drop_reason_desc").asText()).isEqualTo("POLICY_DENIED"))
                .anySatisfy(l -> assertThat(l.at("/flow/verdict").asText()).isEqualTo("AUDIT"))
                .anySatisfy(l ->
                        assertThat(l.at("/flow/destination/labels/0").asText()).isEqualTo("reserved:world"))
                .anySatisfy(l -> assertThat(l.at("/flow/source/labels").toString())
                        .contains("k8s:io.cilium.k8s.namespace.labels.matih.ai/tenant=globex"));
        assertThat(HUBBLE)
                .anySatisfy(l -> assertThat(l.at("/lost_events/num_events_lost").isTextual())
                        .isTrue());
    }

    @Test
    void hubbleRepliesSwapTheEndpointsOfTheirConnection() {
        assertThat(flows())
                .filteredOn(l -> l.at("/flow/is_reply").asBoolean())
                .isNotEmpty()
                .allSatisfy(l -> {
                    assertThat(l.at("/flow/trace_reason").asText()).isEqualTo("REPLY");
                    assertThat(l.at("/flow/l4/TCP/flags/ACK").asBoolean()
                                    || l.at("/flow/l4").has("UDP"))
                            .isTrue();
                });
    }

    @Test
    void everyCalicoEnterpriseLineHasActionReporterAndLabelObjects() {
        assertThat(calicoEnterprise()).isNotEmpty().allSatisfy(line -> {
            assertThat(line.path("action").asText()).isIn("allow", "deny");
            assertThat(line.path("reporter").asText()).isIn("src", "dst");
            assertThat(line.path("start_time").isIntegralNumber()).isTrue();
            assertThat(line.path("end_time").asLong()).isEqualTo(NOW.getEpochSecond());
            assertThat(line.path("proto").asText()).isIn("tcp", "udp");
            assertThat(line.path("source_type").asText()).isIn("wep", "net");
            assertThat(line.path("source_labels").path("labels").isArray()).isTrue();
            assertThat(line.path("dest_labels").path("labels").isArray()).isTrue();
            assertThat(line.path("policies").path("enforced_policies").get(0).asText())
                    .matches("\\d+\\|[^|]+\\|[^|]+\\|(allow|deny)\\|-?\\d+");
            assertThat(line.path("host").asText()).startsWith("worker-");
        });
    }

    @Test
    void calicoEnterpriseReportsBothEndsAndPendingDenies() {
        assertThat(calicoEnterprise())
                .anySatisfy(l -> assertThat(l.path("reporter").asText()).isEqualTo("src"))
                .anySatisfy(l -> assertThat(l.path("reporter").asText()).isEqualTo("dst"))
                .anySatisfy(l -> assertThat(l.path("dest_name_aggr").asText()).isEqualTo("pub"))
                .anySatisfy(l -> assertThat(l.at("/policies/pending_policies").toString())
                        .contains("staged:"))
                .anySatisfy(l -> assertThat(l.path("source_ip").isNull()).isTrue())
                .anySatisfy(l -> assertThat(l.path("source_ip").asText()).startsWith("10.244."));
    }

    @Test
    void goldmaneWhiskerFlowsUseEnumNamesAndJoinedLabels() {
        List<JsonNode> whisker = CALICO.stream().filter(l -> l.has("protocol")).toList();
        assertThat(whisker).isNotEmpty().allSatisfy(line -> {
            assertThat(line.path("action").asText()).isIn("Allow", "Deny");
            assertThat(line.path("reporter").asText()).isIn("Src", "Dst");
            assertThat(Instant.parse(line.path("end_time").asText())).isEqualTo(NOW.truncatedTo(ChronoUnit.SECONDS));
            assertThat(line.path("source_labels").isTextual()).isTrue();
            assertThat(line.path("policies").has("enforced")).isTrue();
        });
        assertThat(whisker)
                .anySatisfy(l -> assertThat(l.path("dest_name").asText()).isEqualTo("PUBLIC NETWORK"))
                .anySatisfy(l ->
                        assertThat(l.at("/policies/enforced/0/kind").asText()).isEqualTo("EndOfTier"));
    }

    @Test
    void goldmaneEmitterFlowsUseIntegerEnums() {
        List<JsonNode> emitter = CALICO.stream().filter(l -> l.has("Key")).toList();
        assertThat(emitter).isNotEmpty().allSatisfy(line -> {
            JsonNode key = line.get("Key");
            assertThat(key.path("action").asInt()).isIn(1, 2);
            assertThat(key.path("reporter").asInt()).isIn(1, 2);
            assertThat(key.path("source_type").asInt()).isIn(1, 4);
            assertThat(key.at("/policies/enforced_policies/0/kind").isInt()).isTrue();
            assertThat(line.path("start_time").isIntegralNumber()).isTrue();
        });
        assertThat(emitter)
                .anySatisfy(l -> assertThat(
                                l.at("/Key/policies/pending_policies/0/kind").asInt())
                        .isEqualTo(5));
    }

    @Test
    void everyAuditEventHasTheRequiredFields() {
        assertThat(AUDIT).isNotEmpty().allSatisfy(event -> {
            assertThat(event.path("kind").asText()).isEqualTo("Event");
            assertThat(event.path("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
            assertThat(event.path("auditID").asText()).isNotEmpty();
            assertThat(event.path("stage").asText()).isIn("RequestReceived", "ResponseStarted", "ResponseComplete");
            assertThat(event.path("verb").asText()).isNotEmpty();
            assertThat(event.at("/user/username").asText()).isNotEmpty();
            assertThat(event.path("objectRef").path("resource").asText()).isNotEmpty();
            assertThat(event.path("requestReceivedTimestamp").asText())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        });
    }

    @Test
    void auditCoversEveryDetection() {
        assertThat(AUDIT)
                .anySatisfy(e -> assertThat(e.path("verb").asText() + " "
                                + e.at("/objectRef/resource").asText())
                        .isEqualTo("delete networkpolicies"))
                .anySatisfy(e -> assertThat(e.path("verb").asText() + " "
                                + e.at("/objectRef/resource").asText())
                        .isEqualTo("patch networkpolicies"))
                .anySatisfy(
                        e -> assertThat(e.at("/requestObject/metadata/labels").has("matih.ai/role"))
                                .isTrue())
                .anySatisfy(e -> {
                    assertThat(e.at("/responseStatus/code").asInt()).isEqualTo(403);
                    assertThat(e.at("/annotations/authorization.k8s.io~1decision")
                                    .asText())
                            .isEqualTo("forbid");
                })
                .anySatisfy(
                        e -> assertThat(e.at("/objectRef/subresource").asText()).isEqualTo("exec"))
                .anySatisfy(e -> assertThat(e.path("stage").asText()).isEqualTo("RequestReceived"));
    }

    @Test
    void flowsUseOnlyDemoTopologyAddressesOrKnownExternals() {
        Set<String> known = new HashSet<>(Set.of(
                DemoTopology.INTERNET,
                DemoTopology.ACME_PAYMENTS,
                DemoTopology.GLOBEX_EXPIRED_PARTNER,
                DemoTopology.SCANNER));
        DemoTopology.PODS.forEach(p -> known.add(p.ip()));
        assertThat(flows().stream()
                        .flatMap(l -> Stream.of(
                                l.at("/flow/IP/source").asText(),
                                l.at("/flow/IP/destination").asText())))
                .allSatisfy(ip -> assertThat(known).contains(ip));
    }

    private static List<JsonNode> flows() {
        return HUBBLE.stream().filter(l -> l.has("flow")).toList();
    }

    private static List<JsonNode> calicoEnterprise() {
        return CALICO.stream().filter(l -> l.has("reporter") && l.has("proto")).toList();
    }
}
