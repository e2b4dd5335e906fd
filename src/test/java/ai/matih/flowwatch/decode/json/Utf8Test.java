package ai.matih.flowwatch.decode.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Utf8Test {

    @Test
    void givenAsciiOfEveryLengthUpTo200_whenChecked_thenItIsValid() {
        // the word-at-a-time loops end exactly on the last byte for lengths that are multiples of 8 and 32
        for (int n = 0; n <= 200; n++) {
            byte[] b = new byte[n];
            Arrays.fill(b, (byte) 'a');
            assertThat(Utf8.firstInvalid(b)).as("length " + n).isEqualTo(-1);
        }
    }

    @Test
    void givenOneBadByteAtEveryPosition_whenChecked_thenItsOffsetIsReported() {
        for (int n = 1; n <= 100; n++) {
            for (int at = 0; at < n; at++) {
                byte[] b = new byte[n];
                Arrays.fill(b, (byte) '{');
                b[at] = (byte) 0xff;
                assertThat(Utf8.firstInvalid(b))
                        .as("length " + n + ", bad byte at " + at)
                        .isEqualTo(at);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "two-byte é, c3a9, -1",
        "three-byte €, e282ac, -1",
        "four-byte emoji, f09f9880, -1",
        "overlong slash, c0af, 0",
        "surrogate, eda080, 0",
        "above U+10FFFF, f4908080, 0",
        "truncated three-byte, e282, 0",
        "lone continuation, 80, 0"
    })
    void givenMultiByteSequences_whenChecked_thenOnlyWellFormedOnesPass(String what, String hex, int expected) {
        byte[] seq = HexFormat.of().parseHex(hex);
        byte[] prefix = "0123456789abcdef0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII);
        byte[] b = Arrays.copyOf(prefix, prefix.length + seq.length);
        System.arraycopy(seq, 0, b, prefix.length, seq.length);
        assertThat(Utf8.firstInvalid(b)).isEqualTo(expected < 0 ? -1 : prefix.length + expected);
    }
}
