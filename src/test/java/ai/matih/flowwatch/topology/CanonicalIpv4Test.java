package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.IPAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shortcut that lets an IP-index miss skip the parse: a string is taken as a canonical IPv4 address exactly when
 * the IP library parses it to an IPv4 address whose canonical string is that string.
 */
class CanonicalIpv4Test {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.244.1.10",
                "0.0.0.0",
                "255.255.255.255",
                "1.2.3.4",
                "010.244.1.10",
                "10.244.1.256",
                "10.244.1",
                "10.244.1.1.1",
                "10.244..1",
                ".10.244.1",
                "10.244.1.",
                "10.244.1.1/32",
                "10.244.1.01",
                "1000.1.1.1",
                "10.244.1.a",
                "::1",
                "::ffff:10.0.0.1",
                "fe80::1",
                " 10.0.0.1",
                "10.0.0.1 ",
                "1.2.3.4:80",
                "00.0.0.0",
                "0.0.0.00",
                "1.2.3.-4",
                "+1.2.3.4",
                "1.2.3.4.",
                "0x0a.0.0.1",
                "4294967295",
                "1.2.3",
                "١.٢.٣.٤"
            })
    void agreesWithTheParserOnHandPickedStrings(String text) {
        // Given a string  // When both judge it  // Then they agree
        assertThat(Topology.isCanonicalIpv4(text)).as(text).isEqualTo(canonicalByParser(text));
    }

    @Test
    void agreesWithTheParserOnRandomDottedStrings() {
        // Given 20,000 random strings of digits and dots (most near the IPv4 form)
        Random random = new Random(7);
        String alphabet = "0123456789.";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int length = 1 + random.nextInt(16);
            for (int j = 0; j < length; j++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = i % 2 == 0
                    ? b.toString()
                    : random.nextInt(300) + "." + random.nextInt(300) + "." + random.nextInt(300) + "."
                            + (random.nextBoolean() ? "0" : "") + random.nextInt(300);
            // When / Then
            assertThat(Topology.isCanonicalIpv4(text)).as(text).isEqualTo(canonicalByParser(text));
        }
    }

    private static boolean canonicalByParser(String text) {
        IPAddress parsed = Topology.parseIp(text);
        return parsed != null && parsed.isIPv4() && parsed.toCanonicalString().equals(text) && !text.contains("/");
    }
}
