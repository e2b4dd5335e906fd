package ai.matih.flowwatch.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.decode.calico.CalicoDecodingTest;
import ai.matih.flowwatch.decode.calico.CalicoFastPath;
import ai.matih.flowwatch.decode.hubble.HubbleFastPath;
import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.demo.DemoRecords;
import ai.matih.flowwatch.demo.DemoTopics;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.topology.LabelBounds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming fast path never changes what a record decodes into: for every record, the decoder with fast paths
 * delivers exactly what the tree-only decoder delivers (flows, rejections with their reasons, skips), and the fast
 * path takes the common records (otherwise it would be dead weight).
 */
class StreamingDecoderEquivalenceTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-26T10:00:00Z");
    private static final RecordDecoder FAST = new RecordDecoder(1_048_576, 10_000, true);
    private static final RecordDecoder TREE = new RecordDecoder(1_048_576, 10_000, false);
    private static final HubbleFastPath HUBBLE = new HubbleFastPath(new JsonCodec(1_048_576));
    private static final CalicoFastPath CALICO = new CalicoFastPath(new JsonCodec(1_048_576));

    private static final String FLOW = "{\"flow\":{\"time\":\"2026-11-26T09:59:58.123456Z\",\"uuid\":\"u-1\","
            + "\"verdict\":\"DROPPED\",\"drop_reason_desc\":\"POLICY_DENIED\",\"IP\":{\"source\":\"10.0.1.5\","
            + "\"destination\":\"10.0.2.7\"},\"l4\":{\"TCP\":{\"source_port\":40000,\"destination_port\":5432,"
            + "\"flags\":{\"SYN\":true}}},\"source\":{\"namespace\":\"red\",\"pod_name\":\"web-1\","
            + "\"labels\":[\"k8s:app=web\",\"k8s:io.cilium.k8s.namespace.labels.tenant=red\"]},"
            + "\"destination\":{\"namespace\":\"blue\",\"pod_name\":\"db-0\",\"labels\":[\"k8s:app=db\"],"
            + "\"workloads\":[{\"name\":\"db\",\"kind\":\"StatefulSet\"}]},\"Type\":\"L3_L4\","
            + "\"event_type\":{\"type\":1,\"sub_type\":133},\"traffic_direction\":\"INGRESS\","
            + "\"ingress_denied_by\":[{\"name\":\"deny\",\"namespace\":\"blue\"}],\"is_reply\":false},"
            + "\"node_name\":\"node-a\",\"time\":\"2026-11-26T09:59:58.123456Z\"}";

    @Test
    void givenTheCommonExporterLine_whenDecoded_thenTheFastPathTakesItAndAgreesWithTheTree() {
        List<Flow> fast = new ArrayList<>();
        assertThat(HUBBLE.decode(bytes(FLOW), RECEIVED, 10, fast)).isTrue();
        assertThat(fast).containsExactlyElementsOf(decode(TREE, FLOW).flows);
        assertThat(fast.get(0).policies()).containsExactly("blue/deny");
        assertThat(fast.get(0).source().ip()).isEqualTo("10.0.1.5");
        assertThat(fast.get(0).destination().workload()).isEqualTo("db");
    }

    static Stream<Arguments> declined() {
        return Stream.of(
                Arguments.of(
                        "bare flow without the exporter wrapper",
                        FLOW.substring(8, FLOW.indexOf(",\"node_name\":\"node-a\",\"time\""))),
                Arguments.of(
                        "lost_events line",
                        "{\"lost_events\":{\"source\":\"HUBBLE_RING_BUFFER\",\"num_events_lost\":7}}"),
                Arguments.of("log wrapper", "{\"log\":" + quote(FLOW) + "}"),
                Arguments.of(
                        "duplicated verdict",
                        FLOW.replace("\"verdict\":\"DROPPED\"", "\"verdict\":\"DROPPED\",\"verdict\":\"FORWARDED\"")),
                Arguments.of("verdict of the wrong type", FLOW.replace("\"verdict\":\"DROPPED\"", "\"verdict\":7")),
                Arguments.of(
                        "port as a string", FLOW.replace("\"destination_port\":5432", "\"destination_port\":\"5432\"")),
                Arguments.of(
                        "port as a float", FLOW.replace("\"destination_port\":5432", "\"destination_port\":5432.0")),
                Arguments.of(
                        "port out of range", FLOW.replace("\"destination_port\":5432", "\"destination_port\":70000")),
                Arguments.of(
                        "two L4 protocols", FLOW.replace("\"l4\":{", "\"l4\":{\"UDP\":{\"destination_port\":53},")),
                Arguments.of("ICMP as an array", FLOW.replace("\"l4\":{\"TCP\"", "\"l4\":{\"ICMPv4\":[],\"TCP\"")),
                Arguments.of(
                        "source not an object",
                        FLOW.replace(
                                "\"source\":{\"namespace\":\"red\"", "\"source\":[],\"x\":{\"namespace\":\"red\"")),
                Arguments.of("label not a string", FLOW.replace("\"k8s:app=web\"", "5")),
                Arguments.of(
                        "bad flow time",
                        FLOW.replace(
                                "\"time\":\"2026-11-26T09:59:58.123456Z\",\"uuid\"",
                                "\"time\":\"yesterday\",\"uuid\"")),
                Arguments.of(
                        "bad wrapper time",
                        FLOW.replace(",\"time\":\"2026-11-26T09:59:58.123456Z\"}", ",\"time\":\"soon\"}")),
                Arguments.of("flow null", "{\"flow\":null,\"node_name\":\"n\"}"),
                Arguments.of("truncated", FLOW.substring(0, FLOW.length() - 9)),
                Arguments.of("array of lines", "[" + FLOW + "," + FLOW + "]"),
                Arguments.of("CRI prefixed line", "2026-11-26T10:00:00.1Z stdout F " + FLOW),
                Arguments.of(
                        "policy list not an array",
                        FLOW.replace(
                                "\"ingress_denied_by\":[{\"name\":\"deny\",\"namespace\":\"blue\"}]",
                                "\"ingress_denied_by\":{}")),
                Arguments.of(
                        "no time anywhere",
                        FLOW.replace("\"time\":\"2026-11-26T09:59:58.123456Z\",", "")
                                .replace(",\"time\":\"2026-11-26T09:59:58.123456Z\"", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("declined")
    void givenARecordOutsideTheCommonShape_whenDecoded_thenTheFastPathDeclinesAndTheResultIsTheTreePaths(
            String what, String value) {
        // "no time anywhere" is decoded by the fast path with the Kafka timestamp, like the tree path: not declined
        if (!what.equals("no time anywhere")) {
            assertThat(HUBBLE.decode(bytes(value), RECEIVED, 10, new ArrayList<>()))
                    .as(what)
                    .isFalse();
        }
        assertSame(value);
    }

    static Stream<Arguments> grammar() {
        String skipped = "\"Summary\":";
        String tail = ",\"node_name\":\"node-a\",\"time\"";
        return Stream.of(
                Arguments.of(
                        "escaped quote in a skipped string",
                        FLOW.replace(tail, ",\"Summary\":\"say \\\"hi\\\" \\u00e9\\n\"" + tail)),
                Arguments.of(
                        "bad escape in a skipped string", FLOW.replace(tail, "," + skipped + "\"bad \\x\"" + tail)),
                Arguments.of("short unicode escape", FLOW.replace(tail, "," + skipped + "\"\\u00e\"" + tail)),
                Arguments.of("raw tab in a string", FLOW.replace("\"node-a\"", "\"node\ta\"")),
                Arguments.of("escape in a string read", FLOW.replace("\"web-1\"", "\"web\\u002d1\"")),
                Arguments.of("escaped field name", FLOW.replace("\"verdict\"", "\"verd\\u0069ct\"")),
                Arguments.of(
                        "trailing comma in an object", FLOW.replace("\"is_reply\":false}", "\"is_reply\":false,}")),
                Arguments.of("trailing comma in a skipped array", FLOW.replace(tail, "," + skipped + "[1,2,]" + tail)),
                Arguments.of("leading zero", FLOW.replace(tail, "," + skipped + "012" + tail)),
                Arguments.of(
                        "minus zero and exponent", FLOW.replace(tail, "," + skipped + "[-0,1.5e+3,2E-7,1e400]" + tail)),
                Arguments.of("number without digits after the point", FLOW.replace(tail, "," + skipped + "1." + tail)),
                Arguments.of("literal run on", FLOW.replace("\"is_reply\":false", "\"is_reply\":falsey")),
                Arguments.of("skipped literal run on", FLOW.replace(tail, "," + skipped + "nullx" + tail)),
                Arguments.of("number run on", FLOW.replace("5432,", "5432x,")),
                Arguments.of(
                        "deep nesting in a skipped field",
                        FLOW.replace(tail, "," + skipped + "[".repeat(40) + "]".repeat(40) + tail)),
                Arguments.of(
                        "deeper than Jackson allows",
                        FLOW.replace(tail, "," + skipped + "[".repeat(70) + "]".repeat(70) + tail)),
                Arguments.of(
                        "big integer", FLOW.replace(tail, "," + skipped + "123456789012345678901234567890" + tail)),
                Arguments.of("comment", FLOW.replace(tail, "/* c */" + tail)),
                Arguments.of("single quotes", FLOW.replace("\"verdict\":\"DROPPED\"", "\"verdict\":'DROPPED'")),
                Arguments.of("byte-order mark", "\uFEFF" + FLOW),
                Arguments.of("whitespace everywhere", FLOW.replace(":", " :\n ").replace(",", "\r\n,\t")),
                Arguments.of("two lines without a newline", FLOW + FLOW),
                Arguments.of("trailing garbage", FLOW + " x"),
                Arguments.of("long field name", FLOW.replace(tail, ",\"" + "n".repeat(5000) + "\":1" + tail)),
                Arguments.of("endpoint with an escape", FLOW.replace("\"k8s:app=web\"", "\"k8s:app=w\\u0065b\"")),
                Arguments.of("endpoint invalid inside", FLOW.replace("\"k8s:app=web\"", "\"k8s:app=web\" \"x\"")),
                Arguments.of(
                        "endpoint with unbalanced bracket in a string",
                        FLOW.replace("\"k8s:app=web\"", "\"k8s:app=}web{\"")),
                Arguments.of("port -1", FLOW.replace("\"destination_port\":5432", "\"destination_port\":-1")),
                Arguments.of("event type as string", FLOW.replace("\"type\":1", "\"type\":\"1\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grammar")
    void givenValidAndInvalidJsonCornerCases_whenDecoded_thenTheFastPathNeverDisagreesWithJackson(
            String what, String value) {
        assertSame(value);
    }

    /** The destination endpoint of {@link #FLOW}, replaced by each case of {@link #endpoints}. */
    private static final String DESTINATION =
            "{\"namespace\":\"blue\",\"pod_name\":\"db-0\",\"labels\":[\"k8s:app=db\"],"
                    + "\"workloads\":[{\"name\":\"db\",\"kind\":\"StatefulSet\"}]}";

    /** An endpoint object, and whether the fast path decodes it itself (true) or leaves the record to the tree path. */
    static Stream<Arguments> endpoints() {
        String manyLabels = IntStream.rangeClosed(0, InputBounds.MAX_LABELS)
                .mapToObj(i -> "\"k8s:l" + i + "=v\"")
                .collect(Collectors.joining(","));
        return Stream.of(
                Arguments.of("a pod with its workload", DESTINATION, true),
                Arguments.of(
                        "members in another order",
                        "{\"workloads\":[{\"kind\":\"StatefulSet\",\"name\":\"db\"}],"
                                + "\"labels\":[\"k8s:app=db\"],\"pod_name\":\"db-0\",\"namespace\":\"blue\"}",
                        true),
                Arguments.of("a pod without workloads", "{\"namespace\":\"blue\",\"pod_name\":\"db-0\"}", true),
                Arguments.of(
                        "workloads empty", "{\"namespace\":\"blue\",\"pod_name\":\"db-0\",\"workloads\":[]}", true),
                Arguments.of("workloads null", "{\"namespace\":\"blue\",\"workloads\":null}", true),
                Arguments.of(
                        "first workload without a name",
                        "{\"namespace\":\"blue\",\"pod_name\":\"db-0\",\"workloads\":[{\"kind\":\"Job\"},{\"name\":\"x\"}]}",
                        true),
                Arguments.of("workload name blank", "{\"namespace\":\"blue\",\"workloads\":[{\"name\":\"\"}]}", true),
                Arguments.of(
                        "workload name not a name", "{\"namespace\":\"blue\",\"workloads\":[{\"name\":\" \"}]}", false),
                Arguments.of(
                        "a second workload of any shape",
                        "{\"namespace\":\"blue\",\"workloads\":[{\"name\":\"db\"},[1,{\"a\":null}],\"s\",null]}",
                        true),
                Arguments.of("first workload null", "{\"namespace\":\"blue\",\"workloads\":[null]}", false),
                Arguments.of("workload name a number", "{\"namespace\":\"blue\",\"workloads\":[{\"name\":5}]}", false),
                Arguments.of(
                        "workload name twice",
                        "{\"namespace\":\"blue\",\"workloads\":[{\"name\":\"a\",\"name\":\"b\"}]}",
                        false),
                Arguments.of("workloads an object", "{\"namespace\":\"blue\",\"workloads\":{\"name\":\"db\"}}", false),
                Arguments.of("workloads an object without namespace", "{\"identity\":2,\"workloads\":{}}", false),
                Arguments.of("the world by identity", "{\"ID\":0,\"identity\":2}", true),
                Arguments.of("the host by identity", "{\"identity\":1,\"labels\":[\"reserved:host\"]}", true),
                Arguments.of(
                        "the world by a reserved label",
                        "{\"identity\":16777217,\"labels\":[\"reserved:world\"," + "\"cidr:0.0.0.0/0\"]}",
                        true),
                Arguments.of(
                        "an unknown identity with labels",
                        "{\"identity\":31544,\"labels\":[\"k8s:app=x\"]," + "\"pod_name\":\"x-1\"}",
                        true),
                Arguments.of("identity null", "{\"identity\":null,\"pod_name\":\"x-1\"}", true),
                Arguments.of("identity negative", "{\"identity\":-1}", false),
                Arguments.of("identity as a float", "{\"identity\":2.0}", false),
                Arguments.of("identity as a string", "{\"identity\":\"2\"}", false),
                Arguments.of(
                        "identity beside a namespace, not read", "{\"namespace\":\"blue\",\"identity\":-7}", false),
                Arguments.of("an empty object", "{}", true),
                Arguments.of(
                        "only fields not read",
                        "{\"ID\":5,\"cluster_name\":\"c\",\"x\":{\"y\":[1,{\"z\":null}]}}",
                        true),
                Arguments.of("namespace blank", "{\"namespace\":\"\",\"identity\":2}", true),
                Arguments.of("namespace null", "{\"namespace\":null,\"pod_name\":\"p\"}", true),
                Arguments.of("namespace twice", "{\"namespace\":\"blue\",\"namespace\":\"red\"}", false),
                Arguments.of("namespace a number", "{\"namespace\":5}", false),
                Arguments.of("namespace not a Kubernetes name", "{\"namespace\":\"Blue_Team\"}", false),
                Arguments.of("pod name an array", "{\"namespace\":\"blue\",\"pod_name\":[]}", false),
                Arguments.of("labels null", "{\"namespace\":\"blue\",\"labels\":null}", true),
                Arguments.of("labels empty", "{\"namespace\":\"blue\",\"labels\":[]}", true),
                Arguments.of(
                        "labels of every source",
                        "{\"namespace\":\"blue\",\"labels\":[null,\"k8s:app=db\",\"container:c=1\",\"cidr:10.0.0.0/8\","
                                + "\"k8s:io.kubernetes.pod.namespace=blue\",\"k8s:io.cilium.k8s.policy.cluster=default\","
                                + "\"k8s:io.cilium.k8s.namespace.labels.tenant=blue\",\"app=bare\",\"k8s:novalue\",\"\","
                                + "\"k8s:=v\"]}",
                        true),
                Arguments.of("labels a string", "{\"namespace\":\"blue\",\"labels\":\"k8s:app=db\"}", false),
                Arguments.of("labels twice", "{\"namespace\":\"blue\",\"labels\":[],\"labels\":[\"k8s:a=b\"]}", false),
                Arguments.of("a label a number", "{\"namespace\":\"blue\",\"labels\":[\"k8s:a=b\",7]}", false),
                Arguments.of(
                        "more labels than kept", "{\"namespace\":\"blue\",\"labels\":[" + manyLabels + "]}", false),
                Arguments.of(
                        "a label value too long",
                        "{\"namespace\":\"blue\",\"labels\":[\"k8s:a=" + "v".repeat(LabelBounds.MAX_LABEL_BYTES)
                                + "\"]}",
                        false),
                Arguments.of(
                        "a label with an escape", "{\"namespace\":\"blue\",\"labels\":[\"k8s:a=\\u0062\"]}", false),
                Arguments.of(
                        "a trailing comma in the labels", "{\"namespace\":\"blue\",\"labels\":[\"k8s:a=b\",]}", false),
                Arguments.of(
                        "a trailing comma in the workloads",
                        "{\"namespace\":\"blue\",\"workloads\":[{\"name\":\"db\"},]}",
                        false),
                Arguments.of("invalid JSON in a field not read", "{\"namespace\":\"blue\",\"x\":[1 2]}", false),
                Arguments.of(
                        "first workload's name null", "{\"namespace\":\"blue\",\"workloads\":[{\"name\":null}]}", true),
                Arguments.of("labels only null", "{\"namespace\":\"blue\",\"labels\":[null]}", true),
                Arguments.of(
                        "a label key twice: the last wins",
                        "{\"namespace\":\"blue\",\"labels\":[\"k8s:app=a\",\"k8s:app=b\"]}",
                        true),
                Arguments.of(
                        "several reserved labels: the first names it",
                        "{\"labels\":[\"reserved:health\",\"reserved:init\",\"reserved:unmanaged\"]}",
                        true),
                Arguments.of(
                        "a blank namespace with workloads",
                        "{\"namespace\":\"\",\"identity\":4,\"workloads\":[{\"name\":\"db\"}]}",
                        true),
                Arguments.of(
                        "workloads without a namespace, not read",
                        "{\"identity\":6,\"workloads\":[{\"name\":\"db\"}]}",
                        true),
                Arguments.of("an escaped member name", "{\"name\\u0073pace\":\"blue\"}", false),
                Arguments.of(
                        "an escape in a member not read",
                        "{\"namespace\":\"blue\",\"cluster_name\":\"a\\\"b\\u00e9\"}",
                        true),
                Arguments.of(
                        "whitespace around every token",
                        "{ \"namespace\" : \"blue\" ,\n\t\"labels\" : [ \"k8s:app=db\" , null ] , \"workloads\" : [ { \"name\""
                                + " : \"db\" } ] }",
                        true),
                Arguments.of(
                        "exactly as many labels as kept",
                        "{\"namespace\":\"blue\",\"labels\":["
                                + IntStream.range(0, InputBounds.MAX_LABELS)
                                        .mapToObj(i -> "\"k8s:l" + i + "=v\"")
                                        .collect(Collectors.joining(","))
                                + "]}",
                        true),
                Arguments.of("an identity beyond 32 bits", "{\"identity\":4294967297}", true),
                Arguments.of(
                        "an endpoint longer than the memo keeps",
                        "{\"namespace\":\"blue\",\"labels\":["
                                + IntStream.range(0, 100)
                                        .mapToObj(i -> "\"k8s:label-" + i + "=" + "v".repeat(50) + "\"")
                                        .collect(Collectors.joining(","))
                                + "]}",
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void givenAnEndpointOfAnyShape_whenDecoded_thenTheFastPathDecodesItAsTheTreePathDoesOrLeavesItToIt(
            String what, String endpoint, boolean fast) {
        // Given a line whose destination is this endpoint, and a fast path that has not met it before
        String value = FLOW.replace("\"destination\":" + DESTINATION, "\"destination\":" + endpoint);
        assertThat(value).as("the case replaced the destination").contains("\"destination\":" + endpoint);
        HubbleFastPath fresh = new HubbleFastPath(new JsonCodec(1_048_576));
        List<Flow> first = new ArrayList<>();
        List<Flow> again = new ArrayList<>();
        // When the fast path decodes it twice (the second time from its memo)
        boolean taken = fresh.decode(bytes(value), RECEIVED, 10, first);
        boolean takenAgain = fresh.decode(bytes(value), RECEIVED, 10, again);
        // Then it takes it or not as expected, and what it takes is what the tree path makes of it
        assertThat(taken).as(what).isEqualTo(fast);
        assertThat(takenAgain).as(what).isEqualTo(fast);
        if (fast) {
            assertThat(first).as(what).containsExactlyElementsOf(decode(TREE, value).flows);
            assertThat(again).as(what).containsExactlyElementsOf(first);
        }
        // And the decoder as the service runs it delivers exactly what the tree path does
        assertSame(value);
    }

    @Test
    void givenTwoLinesInOneRecord_whenDecoded_thenBothFlowsComeOutOfTheFastPath() {
        String value = FLOW + "\n" + FLOW.replace("u-1", "u-2") + "\n";
        List<Flow> fast = new ArrayList<>();
        assertThat(HUBBLE.decode(bytes(value), RECEIVED, 10, fast)).isTrue();
        assertThat(fast).hasSize(2).containsExactlyElementsOf(decode(TREE, value).flows);
        assertThat(HUBBLE.decode(bytes(value), RECEIVED, 1, new ArrayList<>()))
                .as("over the line limit")
                .isFalse();
    }

    @Test
    void givenThePublishedHubbleSamples_whenDecodedLineByLineAndWhole_thenBothPathsAgree() {
        for (String name : List.of(
                "hubble-cilium-docs-export-fieldmask.jsonl",
                "hubble-cilium-printer-test.jsonl",
                "hubble-imroc-tke-guide-exporter.jsonl",
                "hubble-imroc-tke-guide-flowlogs-forwarded.json")) {
            String text = RecordingSink.sampleText(name);
            assertSame(text);
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    assertSame(line);
                }
            }
        }
    }

    @Test
    void givenDemoTraffic_whenDecoded_thenTheFastPathTakesAlmostEveryHubbleRecordAndAgreesOnAll() {
        List<String> values = demoHubble(3_000);
        int taken = 0;
        for (String value : values) {
            if (HUBBLE.decode(bytes(value), RECEIVED, 10_000, new ArrayList<>())) {
                taken++;
            }
            assertSame(value);
        }
        assertThat(values).hasSizeGreaterThan(3_000);
        assertThat(taken)
                .as("records the fast path took of " + values.size())
                .isGreaterThanOrEqualTo(values.size() * 99 / 100);
    }

    @Test
    void givenRandomlyMutatedDemoRecords_whenDecoded_thenBothPathsDeliverExactlyTheSame() {
        Random random = new Random(42);
        List<String> values = demoHubble(400);
        String[] replacements = {
            "",
            "\"",
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "null",
            "0",
            "-1",
            "1e3",
            "true",
            "\"x\"",
            "{}",
            "[]",
            "\\u0000",
            "99999999999999999999",
            "\"TCP\":{}",
            "\"flow\":{}",
            "é",
            "\\",
            "\\\"",
            "\t",
            "\n",
            "01",
            "1.",
            "-",
            "tru",
            "nul",
            ",,",
            "::",
            "\\u12",
            "\u0001",
            " ",
            "'",
            "/*",
            "e5",
            ".5"
        };
        for (int i = 0; i < MUTATIONS; i++) {
            String v = values.get(random.nextInt(values.size()));
            int at = random.nextInt(v.length());
            int cut = Math.min(v.length(), at + random.nextInt(12));
            String mutated = v.substring(0, at) + replacements[random.nextInt(replacements.length)] + v.substring(cut);
            assertSame(mutated);
        }
    }

    private static List<String> demoHubble(int connections) {
        List<String> values = demo(DemoTopics.HUBBLE, connections);
        values.add(new DemoRecords(new Random(7), Clock.fixed(RECEIVED, ZoneOffset.UTC))
                .lostEvents()
                .value());
        return values;
    }

    private static List<String> demo(String topic, int count) {
        DemoRecords demo = new DemoRecords(new Random(7), Clock.fixed(RECEIVED, ZoneOffset.UTC));
        List<String> values = new ArrayList<>();
        for (int i = 0; values.size() < count; i++) {
            for (DemoRecords.Output o : demo.nextConnection(i % 20 == 0)) {
                if (topic.equals(o.topic())) {
                    values.add(o.value());
                }
            }
        }
        return values;
    }

    /** Random mutations per topic ({@code -Dflowwatch.equivalence.mutations}, default 20,000). */
    private static final int MUTATIONS = Integer.getInteger("flowwatch.equivalence.mutations", 20_000);

    // ------------------------------------------------------------------------------------------------ Calico

    private static final String CALICO_LINE = "{\"start_time\":1795686783,\"end_time\":1795687083,"
            + "\"source_ip\":\"10.244.0.10\",\"source_name\":\"web-6d5f7c8b9d-k2x4p\",\"source_name_aggr\":"
            + "\"web-6d5f7c8b9d-*\",\"source_namespace\":\"red\",\"source_type\":\"wep\",\"source_labels\":"
            + "{\"labels\":[\"app=web\"]},\"source_port\":null,\"dest_ip\":\"10.244.3.10\",\"dest_name\":\"db-0\","
            + "\"dest_name_aggr\":\"db-*\",\"dest_namespace\":\"blue\",\"dest_type\":\"wep\",\"dest_labels\":"
            + "{\"labels\":[\"app=db\"]},\"dest_port\":5432,\"proto\":\"tcp\",\"action\":\"deny\",\"reporter\":\"dst\","
            + "\"policies\":{\"all_policies\":[\"0|default|blue/knp.default.deny|deny|0\"]},\"bytes_in\":0,"
            + "\"process_args\":[\"-\"],\"num_flows\":2,\"num_flows_started\":2,\"host\":\"worker-3\"}";

    @Test
    void givenACalicoEnterpriseLine_whenDecoded_thenTheFastPathTakesItAndAgreesWithTheTree() {
        List<Flow> fast = new ArrayList<>();
        assertThat(CALICO.decode(bytes(CALICO_LINE), RECEIVED, 10, fast)).isTrue();
        assertThat(fast).hasSize(1).containsExactlyElementsOf(decode(TREE, Formats.CALICO, CALICO_LINE).flows);
        assertThat(fast.get(0).connections()).isEqualTo(2);
    }

    static Stream<Arguments> calicoTaken() {
        List<Arguments> goldmane = CalicoDecodingTest.goldmaneSerialisations()
                .filter(a -> !((String) a.get()[1]).contains("\"flow\":"))
                .toList();
        String camelUnwrapped = CalicoDecodingTest.goldmaneSerialisations()
                .map(a -> (String) a.get()[1])
                .filter(v -> v.contains("\"flow\":"))
                .findFirst()
                .orElseThrow()
                .replaceFirst("^\\{\"id\":\"12\",\"flow\":", "")
                .replaceFirst("}$", "");
        return Stream.concat(
                goldmane.stream(),
                Stream.of(
                        Arguments.of("Goldmane lowerCamel key without the FlowResult wrapper", camelUnwrapped),
                        Arguments.of(
                                "Whisker spelling (protocol, upper-case action)",
                                CALICO_LINE.replace("\"proto\"", "\"protocol\"").replace("\"deny\"", "\"Deny\"")),
                        Arguments.of(
                                "RFC 3339 start time (Whisker)",
                                CALICO_LINE.replace("1795686783", "\"2026-11-26T10:00:00Z\"")),
                        Arguments.of(
                                "labels as a string (Whisker)",
                                CALICO_LINE.replace("{\"labels\":[\"app=web\"]}", "\"app=web\""))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calicoTaken")
    void givenAGoldmaneOrWhiskerFlow_whenDecoded_thenTheFastPathTakesItAndAgreesWithTheTree(String what, String value) {
        List<Flow> fast = new ArrayList<>();
        assertThat(CALICO.decode(bytes(value), RECEIVED, 10, fast)).as(what).isTrue();
        assertThat(fast).as(what).hasSize(1).containsExactlyElementsOf(decode(TREE, Formats.CALICO, value).flows);
        assertSame(Formats.CALICO, value);
    }

    static Stream<Arguments> calicoDeclined() {
        return Stream.of(
                Arguments.of(
                        "Goldmane keyed flow without an action", "{\"Key\":{\"Action\":\"Deny\"},\"StartTime\":1}"),
                Arguments.of(
                        "Goldmane FlowResult wrapper",
                        CalicoDecodingTest.goldmaneSerialisations()
                                .map(a -> (String) a.get()[1])
                                .filter(v -> v.contains("\"flow\":"))
                                .findFirst()
                                .orElseThrow()),
                Arguments.of("log wrapper", "{\"log\":" + quote(CALICO_LINE) + "}"),
                Arguments.of(
                        "duplicated action",
                        CALICO_LINE.replace("\"action\":\"deny\"", "\"action\":\"deny\",\"action\":\"allow\"")),
                Arguments.of("port as a float", CALICO_LINE.replace("\"dest_port\":5432", "\"dest_port\":5432.5")),
                Arguments.of("negative port", CALICO_LINE.replace("\"dest_port\":5432", "\"dest_port\":-1")),
                Arguments.of("escaped name", CALICO_LINE.replace("\"action\"", "\"\\u0061ction\"")),
                Arguments.of("bad action", CALICO_LINE.replace("\"action\":\"deny\"", "\"action\":\"maybe\"")),
                Arguments.of("no action", CALICO_LINE.replace("\"action\":\"deny\",", "")),
                Arguments.of("a Hubble flow on the calico topic", FLOW),
                Arguments.of("truncated", CALICO_LINE.substring(0, 200)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calicoDeclined")
    void givenACalicoRecordOutsideTheFastPath_whenDecoded_thenTheFastPathDeclinesAndTheResultIsTheTreePaths(
            String what, String value) {
        assertThat(CALICO.decode(bytes(value), RECEIVED, 10, new ArrayList<>()))
                .as(what)
                .isFalse();
        assertSame(Formats.CALICO, value);
    }

    @Test
    void givenThePublishedCalicoSamplesAndDemoTraffic_whenDecoded_thenBothPathsAgreeAndAllDemoLinesTakeTheFastPath() {
        for (String name : List.of(
                "calico-enterprise-observability-clinic-deny.json",
                "calico-enterprise-tigera-docs-hostfwd-transit.json",
                "calico-enterprise-tigera-docs-prednat-net.json",
                "calico-enterprise-tigera-docs-noaggr.invalid-json.txt",
                "calico-goldmane-whisker-api-unattributed.jsonl")) {
            String text = RecordingSink.sampleText(name);
            assertSame(Formats.CALICO, text);
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    assertSame(Formats.CALICO, line);
                }
            }
        }
        int enterprise = 0;
        int keyed = 0;
        int whisker = 0;
        for (String value : demo(DemoTopics.CALICO, 3_000)) {
            enterprise += value.startsWith("{\"start_time\":") && value.contains("\"proto\"") ? 1 : 0;
            keyed += value.startsWith("{\"Key\":") ? 1 : 0;
            whisker += value.contains("\"protocol\"") ? 1 : 0;
            assertThat(CALICO.decode(bytes(value), RECEIVED, 10_000, new ArrayList<>()))
                    .as(value)
                    .isTrue();
            assertSame(Formats.CALICO, value);
        }
        assertThat(enterprise).isGreaterThan(500);
        assertThat(keyed).isGreaterThan(100);
        assertThat(whisker).isGreaterThan(100);
    }

    @Test
    void givenRandomlyMutatedCalicoRecords_whenDecoded_thenBothPathsDeliverExactlyTheSame() {
        Random random = new Random(43);
        List<String> values = demo(DemoTopics.CALICO, 400);
        String[] replacements = {
            "",
            "\"",
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "null",
            "0",
            "-1",
            "1e3",
            "true",
            "\"x\"",
            "{}",
            "[]",
            "\"-\"",
            "99999999999999999999",
            "\"Key\":{}",
            "\"log\":\"x\"",
            "é",
            "\"Allow\"",
            // keys of other shapes, and keys only Goldmane and Whisker have
            "\"kind\":\"Event\",",
            "\"verdict\":1,",
            "\"flow\":null,",
            "\"key\":\"x\",",
            "\"protocol\":6,",
            "\"startTime\":\"2026-11-26T10:00:00Z\",",
            "\"Key\":null,",
            "\"numConnectionsStarted\":\"7\","
        };
        for (int i = 0; i < MUTATIONS; i++) {
            String v = values.get(random.nextInt(values.size()));
            int at = random.nextInt(v.length());
            int cut = Math.min(v.length(), at + random.nextInt(12));
            String mutated = v.substring(0, at) + replacements[random.nextInt(replacements.length)] + v.substring(cut);
            assertSame(Formats.CALICO, mutated);
        }
    }

    private static void assertSame(String value) {
        assertSame(Formats.HUBBLE, value);
    }

    private static void assertSame(FlowFormat kind, String value) {
        RecordingSink fast = decode(FAST, kind, value);
        RecordingSink tree = decode(TREE, kind, value);
        assertThat(fast.flows).as(value).containsExactlyElementsOf(tree.flows);
        assertThat(fast.rejections).as(value).containsExactlyElementsOf(tree.rejections);
        assertThat(fast.skips).as(value).containsExactlyElementsOf(tree.skips);
    }

    private static RecordingSink decode(RecordDecoder decoder, String value) {
        return decode(decoder, Formats.HUBBLE, value);
    }

    private static RecordingSink decode(RecordDecoder decoder, FlowFormat kind, String value) {
        RecordingSink sink = new RecordingSink();
        decoder.decode(kind, bytes(value), RECEIVED, sink);
        return sink;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
