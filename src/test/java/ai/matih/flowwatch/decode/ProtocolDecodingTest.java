package ai.matih.flowwatch.decode;

import static ai.matih.flowwatch.decode.RecordingSink.decode;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.Protocol;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every IP protocol decodes from every flow format to one protocol value (ports only where the protocol has them,
 * ICMP type and code as evidence), and a protocol no format spells is rejected with a reason.
 */
class ProtocolDecodingTest {

    private static final String HUBBLE_FIELDS = "\"time\":\"2024-05-01T10:00:00Z\",\"verdict\":\"FORWARDED\","
            + "\"IP\":{\"source\":\"10.0.0.1\",\"destination\":\"10.0.0.2\"}";

    /** The exporter line (read by the fast path) with this {@code l4} member list, or none when null. */
    private static String hubbleExported(String l4) {
        return "{\"flow\":{" + HUBBLE_FIELDS + (l4 == null ? "" : ",\"l4\":{" + l4 + "}") + "},\"node_name\":\"n1\"}";
    }

    /** A bare flow object (which the fast path declines, so the tree decoder reads it). */
    private static String hubbleBare(String l4) {
        return "{" + HUBBLE_FIELDS + (l4 == null ? "" : ",\"l4\":{" + l4 + "}") + "}";
    }

    static Stream<Arguments> hubble() {
        return Stream.of(
                Arguments.of(
                        "\"ICMPv4\":{\"type\":8,\"code\":0}",
                        Protocol.ICMP,
                        -1,
                        Initiation.INITIATING,
                        "ICMPv4 type 8 code 0"),
                Arguments.of("\"ICMPv4\":{\"type\":0}", Protocol.ICMP, -1, Initiation.REPLY, "ICMPv4 type 0"),
                Arguments.of(
                        "\"ICMPv4\":{\"type\":3,\"code\":13}",
                        Protocol.ICMP,
                        -1,
                        Initiation.UNKNOWN,
                        "ICMPv4 type 3 code 13"),
                Arguments.of(
                        "\"ICMPv6\":{\"type\":128,\"code\":0}",
                        Protocol.ICMPV6,
                        -1,
                        Initiation.INITIATING,
                        "ICMPv6 type 128 code 0"),
                Arguments.of("\"ICMPv6\":{\"type\":129}", Protocol.ICMPV6, -1, Initiation.REPLY, "ICMPv6 type 129"),
                Arguments.of("\"ICMPv6\":{}", Protocol.ICMPV6, -1, Initiation.UNKNOWN, "FORWARDED"),
                Arguments.of("\"VRRP\":{\"type\":1,\"vrid\":7}", Protocol.VRRP, -1, Initiation.UNKNOWN, "FORWARDED"),
                Arguments.of("\"IGMP\":{}", Protocol.IGMP, -1, Initiation.UNKNOWN, "FORWARDED"),
                Arguments.of(
                        "\"SCTP\":{\"source_port\":5000,\"destination_port\":3868}",
                        Protocol.SCTP,
                        3868,
                        Initiation.UNKNOWN,
                        "FORWARDED"),
                Arguments.of(
                        "\"TCP\":null,\"ICMPv4\":{\"type\":8}", Protocol.ICMP, -1, Initiation.INITIATING, "type 8"),
                Arguments.of(null, Protocol.UNKNOWN, -1, Initiation.UNKNOWN, "FORWARDED"));
    }

    @ParameterizedTest(name = "hubble l4 {0} → {1}")
    @MethodSource
    void hubble(String l4, Protocol protocol, int port, Initiation initiation, String detail) {
        for (String value : new String[] {hubbleExported(l4), hubbleBare(l4)}) {
            // When
            RecordingSink sink = decode(Formats.HUBBLE, value);

            // Then: the fast path and the tree decoder agree
            assertThat(sink.rejections).as(value).isEmpty();
            assertThat(sink.flows).as(value).singleElement().satisfies(f -> {
                assertThat(f.protocol()).isSameAs(protocol);
                assertThat(f.port()).isEqualTo(port);
                assertThat(f.initiation()).isEqualTo(initiation);
                assertThat(f.verdictDetail()).contains(detail);
            });
        }
    }

    static Stream<Arguments> hubbleRejected() {
        return Stream.of(
                Arguments.of("\"GRE\":{}", "flow.l4"),
                Arguments.of("\"icmpv4\":{\"type\":8}", "flow.l4"),
                Arguments.of(
                        "\"TCP\":{\"destination_port\":80},\"UDP\":{\"destination_port\":53}", "one protocol object"));
    }

    @ParameterizedTest(name = "hubble l4 {0} is rejected")
    @MethodSource
    void hubbleRejected(String l4, String mentions) {
        for (String value : new String[] {hubbleExported(l4), hubbleBare(l4)}) {
            // When
            RecordingSink sink = decode(Formats.HUBBLE, value);

            // Then
            assertThat(sink.flows).as(value).isEmpty();
            assertThat(sink.rejections).as(value).singleElement().satisfies(r -> {
                assertThat(r.reason()).isEqualTo(RejectReason.INVALID_VALUE);
                assertThat(r.detail()).contains(mentions);
            });
        }
    }

    private static String calico(String proto) {
        return "{\"start_time\":1700000000,\"end_time\":1700000300,\"source_ip\":\"10.1.1.1\",\"source_name\":\"a-1\","
                + "\"source_name_aggr\":\"a-*\",\"source_namespace\":\"a\",\"source_type\":\"wep\",\"dest_ip\":\"10.1.2.2\","
                + "\"dest_name\":\"b-1\",\"dest_name_aggr\":\"b-*\",\"dest_namespace\":\"b\",\"dest_type\":\"wep\","
                + "\"dest_port\":3868,\"source_port\":40000" + (proto == null ? "" : ",\"proto\":" + proto)
                + ",\"action\":\"allow\",\"reporter\":\"src\"}";
    }

    private static String goldmane(String proto) {
        return "{\"Key\":{\"source_name\":\"client-*\",\"source_namespace\":\"a\",\"source_type\":1,\"dest_name\":\"pub\","
                + "\"dest_type\":4,\"dest_port\":3868" + (proto == null ? "" : ",\"proto\":" + proto)
                + ",\"reporter\":1,\"action\":1},\"start_time\":1700000000,\"end_time\":1700000300}";
    }

    static Stream<Arguments> calico() {
        return Stream.of(
                Arguments.of("\"icmp\"", Protocol.ICMP, -1),
                Arguments.of("\"ICMP\"", Protocol.ICMP, -1),
                Arguments.of("1", Protocol.ICMP, -1),
                Arguments.of("\"1\"", Protocol.ICMP, -1),
                Arguments.of("\"icmpv6\"", Protocol.ICMPV6, -1),
                Arguments.of("\"ICMPv6\"", Protocol.ICMPV6, -1),
                Arguments.of("58", Protocol.ICMPV6, -1),
                Arguments.of("\"gre\"", Protocol.GRE, -1),
                Arguments.of("47", Protocol.GRE, -1),
                Arguments.of("50", Protocol.ESP, -1),
                Arguments.of("\"51\"", Protocol.AH, -1),
                Arguments.of("132", Protocol.SCTP, 3868),
                Arguments.of("\"udp\"", Protocol.UDP, 3868),
                Arguments.of("115", Protocol.of(115), -1),
                Arguments.of("0", Protocol.of(0), -1),
                Arguments.of("null", Protocol.UNKNOWN, 3868),
                Arguments.of("\"-\"", Protocol.UNKNOWN, 3868),
                Arguments.of(null, Protocol.UNKNOWN, 3868));
    }

    @ParameterizedTest(name = "calico proto {0} → {1}")
    @MethodSource
    void calico(String proto, Protocol protocol, int port) {
        for (String value : new String[] {calico(proto), goldmane(proto)}) {
            // When
            RecordingSink sink = decode(Formats.CALICO, value);

            // Then
            assertThat(sink.rejections).as(value).isEmpty();
            assertThat(sink.flows).as(value).singleElement().satisfies(f -> {
                assertThat(f.protocol()).isSameAs(protocol);
                assertThat(f.port()).isEqualTo(port);
            });
        }
    }

    @ParameterizedTest(name = "calico proto {0} is rejected")
    @MethodSource
    void calicoRejected(String proto) {
        for (String value : new String[] {calico(proto), goldmane(proto)}) {
            // When
            RecordingSink sink = decode(Formats.CALICO, value);

            // Then
            assertThat(sink.flows).as(value).isEmpty();
            assertThat(sink.rejections).as(value).singleElement().satisfies(r -> {
                assertThat(r.reason()).isEqualTo(RejectReason.INVALID_VALUE);
                assertThat(r.detail()).contains("proto");
            });
        }
    }

    static Stream<String> calicoRejected() {
        return Stream.of("\"foo\"", "999", "\"256\"", "-1", "\"UNKNOWN\"", "true", "\"" + "x".repeat(500) + "\"");
    }

    @ParameterizedTest(name = "an ICMP flow keeps no port: {0}")
    @MethodSource("portless")
    void aProtocolWithoutPortsKeepsNone(String value) {
        // When
        Flow f = decode(Formats.CALICO, value).flows.get(0);

        // Then
        assertThat(f.port()).isEqualTo(-1);
        assertThat(f.sourcePort()).isEqualTo(-1);
    }

    static Stream<String> portless() {
        return Stream.of(calico("\"icmp\""), calico("47"), goldmane("\"icmp\""));
    }
}
