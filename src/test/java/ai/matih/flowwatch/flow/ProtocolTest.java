package ai.matih.flowwatch.flow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtocolTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(
            nullValues = "null",
            value = {
                "TCP,TCP",
                "udp,UDP",
                "Sctp,SCTP",
                "ICMP,ICMP",
                "ICMPv6,ICMPV6",
                "icmp6,ICMPV6",
                "6,null",
                "17,null",
                "gre,null",
                "'',null"
            })
    void parsesOnlyProtocolNamesFromApiRequests(String text, String expected) {
        // When
        Protocol p = Protocol.parseName(text);
        // Then
        assertThat(p == null ? null : p.name()).isEqualTo(expected);
    }
}
