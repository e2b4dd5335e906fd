package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.matih.flowwatch.flow.Protocol;
import inet.ipaddr.IPAddress;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EgressExceptionTest {

    private static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant BEFORE = EXPIRES.minusSeconds(1);

    private static final EgressException PAYMENTS = new EgressException(
            "payments",
            "acme-corp",
            List.of(EgressException.parseCidr("203.0.113.0/24"), EgressException.parseCidr("2001:db8::/32")),
            List.of(
                    new EgressException.PortRange(443, 443, null),
                    new EgressException.PortRange(8000, 8100, Protocol.TCP),
                    new EgressException.PortRange(53, 53, Protocol.UDP)),
            List.of("api.payments.example.com"),
            "payments-team",
            EXPIRES,
            "gateway");
    private static final EgressException ANY_PORT_FOREVER = new EgressException(
            "ntp", "globex", List.of(EgressException.parseCidr("192.0.2.10")), List.of(), List.of(), null, null, null);

    static Stream<Arguments> shouldDecideWhetherExceptionPermits() {
        return Stream.of(
                Arguments.of("IPv4 in CIDR, listed port", PAYMENTS, "203.0.113.5", 443, Protocol.TCP, BEFORE, true),
                Arguments.of(
                        "port without protocol matches any protocol",
                        PAYMENTS,
                        "203.0.113.5",
                        443,
                        Protocol.UDP,
                        BEFORE,
                        true),
                Arguments.of("IPv4 outside CIDR", PAYMENTS, "203.0.114.5", 443, Protocol.TCP, BEFORE, false),
                Arguments.of("unlisted port", PAYMENTS, "203.0.113.5", 444, Protocol.TCP, BEFORE, false),
                Arguments.of("first port of range", PAYMENTS, "203.0.113.5", 8000, Protocol.TCP, BEFORE, true),
                Arguments.of("last port of range", PAYMENTS, "203.0.113.5", 8100, Protocol.TCP, BEFORE, true),
                Arguments.of("past the range", PAYMENTS, "203.0.113.5", 8101, Protocol.TCP, BEFORE, false),
                Arguments.of("range with other protocol", PAYMENTS, "203.0.113.5", 8050, Protocol.UDP, BEFORE, false),
                Arguments.of("UDP-only port over UDP", PAYMENTS, "203.0.113.5", 53, Protocol.UDP, BEFORE, true),
                Arguments.of("UDP-only port over TCP", PAYMENTS, "203.0.113.5", 53, Protocol.TCP, BEFORE, false),
                Arguments.of("IPv6 in CIDR", PAYMENTS, "2001:db8::1", 443, Protocol.TCP, BEFORE, true),
                Arguments.of("IPv6 outside CIDR", PAYMENTS, "2001:db9::1", 443, Protocol.TCP, BEFORE, false),
                Arguments.of(
                        "IPv4-mapped IPv6 is not the IPv4 network",
                        PAYMENTS,
                        "::ffff:203.0.113.5",
                        443,
                        Protocol.TCP,
                        BEFORE,
                        false),
                Arguments.of("at the expiry instant", PAYMENTS, "203.0.113.5", 443, Protocol.TCP, EXPIRES, false),
                Arguments.of("after expiry", PAYMENTS, "203.0.113.5", 443, Protocol.TCP, EXPIRES.plusSeconds(1), false),
                Arguments.of("no IP", PAYMENTS, null, 443, Protocol.TCP, BEFORE, false),
                Arguments.of(
                        "single address, any port, never expires",
                        ANY_PORT_FOREVER,
                        "192.0.2.10",
                        123,
                        Protocol.UDP,
                        Instant.parse("2100-01-01T00:00:00Z"),
                        true),
                Arguments.of(
                        "next to the single address",
                        ANY_PORT_FOREVER,
                        "192.0.2.11",
                        123,
                        Protocol.UDP,
                        BEFORE,
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void shouldDecideWhetherExceptionPermits(
            String description,
            EgressException exception,
            String ip,
            int port,
            Protocol protocol,
            Instant at,
            boolean permitted) {
        // Given
        IPAddress address = Topology.parseIp(ip);

        // When
        boolean permits = exception.permits(address, port, protocol, at);

        // Then
        assertThat(permits).isEqualTo(permitted);
    }

    @Test
    void shouldRejectExceptionWithoutCidrs() {
        // Given
        List<IPAddress> none = List.of();

        // When / Then
        assertThatThrownBy(() -> new EgressException("x", "t", none, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("EgressException 'x': spec.cidrs must not be empty");
    }

    @Test
    void shouldIgnoreHostBitsOfCidr() {
        // Given
        String cidr = "203.0.113.77/24";

        // When
        IPAddress network = EgressException.parseCidr(cidr);

        // Then
        assertThat(network).hasToString("203.0.113.0/24");
    }
}
