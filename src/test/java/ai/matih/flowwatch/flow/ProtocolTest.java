package ai.matih.flowwatch.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtocolTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(
            nullValues = "null",
            value = {
                "TCP,TCP,6",
                "udp,UDP,17",
                "Sctp,SCTP,132",
                "ICMP,ICMP,1",
                "icmpv4,ICMP,1",
                "ICMPv6,ICMPV6,58",
                "icmp6,ICMPV6,58",
                "ipv6-icmp,ICMPV6,58",
                "gre,GRE,47",
                "ESP,ESP,50",
                "ah,AH,51",
                "vrrp,VRRP,112",
                "6,TCP,6",
                "17,UDP,17",
                "1,ICMP,1",
                "58,ICMPV6,58",
                "47,GRE,47",
                "0,0,0",
                "115,115,115",
                "255,255,255",
                "' 50 ',ESP,50"
            })
    void parsesNamesAndNumbersAsFlowLogsAndUsersWriteThem(String text, String name, int number) {
        // When
        Protocol p = Protocol.parse(text);
        // Then
        assertThat(p).isNotNull();
        assertThat(p.name()).isEqualTo(name);
        assertThat(p.number()).isEqualTo(number);
        assertThat(Protocol.parse(text)).isSameAs(p);
    }

    @ParameterizedTest(name = "{0} is refused")
    @CsvSource(
            nullValues = "null",
            value = {"256", "999", "-1", "+6", "0x06", "1000000000000", "tcpx", "UNKNOWN", "OTHER", "''", "' '", "null"
            })
    void refusesWhatIsNeitherAProtocolNameNorANumberFrom0To255(String text) {
        // When / Then
        assertThat(Protocol.parse(text)).isNull();
    }

    @Test
    void everyNumberIsOneInternedValueSoThereAreAtMost257() {
        // Given
        Set<Protocol> seen = new HashSet<>();
        // When
        for (int n = 0; n < 256; n++) {
            Protocol p = Protocol.of(n);
            seen.add(p);
            // Then
            assertThat(p.number()).isEqualTo(n);
            assertThat(Protocol.parse(Integer.toString(n))).isSameAs(p);
            assertThat(Protocol.parse(p.name())).isSameAs(p);
        }
        assertThat(seen).hasSize(256).doesNotContain(Protocol.UNKNOWN);
        assertThat(Protocol.of(256)).isNull();
        assertThat(Protocol.of(-1)).isNull();
    }

    @Test
    void onlyTcpUdpAndSctpAreNamedByNetworkPolicyAndIcmpHasNoPorts() {
        // Then
        assertThat(Protocol.TCP.policyNameable()).isTrue();
        assertThat(Protocol.SCTP.policyNameable()).isTrue();
        assertThat(Protocol.ICMP.policyNameable()).isFalse();
        assertThat(Protocol.UDPLITE.policyNameable()).isFalse();
        assertThat(Protocol.UDPLITE.hasPorts()).isTrue();
        assertThat(Protocol.ICMP.hasPorts()).isFalse();
        assertThat(Protocol.ICMPV6.hasPorts()).isFalse();
        assertThat(Protocol.GRE.hasPorts()).isFalse();
        assertThat(Protocol.UNKNOWN.known()).isFalse();
        assertThat(Protocol.fromName("UNKNOWN")).isSameAs(Protocol.UNKNOWN);
        assertThat(Protocol.fromName("ICMPV6")).isSameAs(Protocol.ICMPV6);
    }
}
