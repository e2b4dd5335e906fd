package ai.matih.flowwatch.decode.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.matih.flowwatch.decode.FastPath;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The scanner finds where a string ends eight bytes at a time: these cases put the quote, an escape, a control
 * character or a multi-byte character at every offset of a word, after every alignment of the string's start.
 */
class JsonScannerTest {

    private static final int LONGEST = 40;

    private static JsonScanner at(String json) {
        return new JsonScanner(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String padding(int n) {
        return " ".repeat(n);
    }

    @Test
    void givenPlainStringsOfEveryLengthAndAlignment_whenRead_thenEachEndsAtItsQuote() {
        for (int pad = 0; pad < 8; pad++) {
            for (int n = 0; n <= LONGEST; n++) {
                String content = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH".substring(0, n);
                JsonScanner s = at(padding(pad) + "\"" + content + "\" ,\"next\"");

                assertThat(s.string()).as("pad %d, length %d", pad, n).isEqualTo(content);
                assertThat(s.accept(',')).isTrue();
                assertThat(s.string()).isEqualTo("next");
            }
        }
    }

    @Test
    void givenAMultiByteCharacterAtEveryOffset_whenRead_thenTheStringIsWhole() {
        for (int pad = 0; pad < 8; pad++) {
            for (int at = 0; at <= LONGEST; at++) {
                String content = "x".repeat(at) + "é€😀" + "y".repeat(5);
                JsonScanner s = at(padding(pad) + "\"" + content + "\"");

                assertThat(s.string()).as("pad %d, at %d", pad, at).isEqualTo(content);
                assertThat(s.more()).isFalse();
            }
        }
    }

    @Test
    void givenAnEscapedQuoteAtEveryOffset_whenSkipped_thenTheScannerStopsAfterTheClosingQuote() {
        for (int pad = 0; pad < 8; pad++) {
            for (int at = 0; at <= LONGEST; at++) {
                String value = "\"" + "x".repeat(at) + "\\\"" + "y".repeat(3) + "\"";
                String json = padding(pad) + value + ",1";
                JsonScanner s = at(json);

                s.skipValue(0);

                assertThat(s.position()).as("pad %d, at %d", pad, at).isEqualTo(pad + value.length());
                assertThat(s.accept(',')).isTrue();
            }
        }
    }

    @Test
    void givenAnEscapeAtEveryOffset_whenReadAsAPlainString_thenTheScannerDeclines() {
        for (int at = 0; at <= LONGEST; at++) {
            JsonScanner s = at("\"" + "x".repeat(at) + "\\n" + "y".repeat(9) + "\"");

            assertThatThrownBy(s::string).as("at %d", at).isSameAs(FastPath.DECLINE);
        }
    }

    @Test
    void givenAControlCharacterAtEveryOffset_whenRead_thenTheScannerDeclines() {
        for (int pad = 0; pad < 8; pad++) {
            for (int at = 0; at <= LONGEST; at++) {
                JsonScanner s = at(padding(pad) + "\"" + "x".repeat(at) + "\u0001" + "y".repeat(9) + "\"");

                assertThatThrownBy(s::string).as("pad %d, at %d", pad, at).isSameAs(FastPath.DECLINE);
            }
        }
    }

    @Test
    void givenAnEscapedQuoteAtEveryOffsetInsideAnObject_whenSkippedUnchecked_thenItEndsAtTheClosingBrace() {
        for (int at = 0; at <= LONGEST; at++) {
            String object = "{\"a\":\"" + "x".repeat(at) + "\\\"}" + "y".repeat(at % 9) + "\",\"b\":[1,{}]}";
            JsonScanner s = at(object + " tail");

            assertThat(s.skipContainerUnchecked(4)).as("at %d", at).isEqualTo(object.length());
        }
    }

    @Test
    void givenAnUnterminatedString_whenRead_thenTheScannerDeclines() {
        for (int n = 0; n <= LONGEST; n++) {
            JsonScanner s = at("\"" + "x".repeat(n));

            assertThatThrownBy(s::string).as("length %d", n).isSameAs(FastPath.DECLINE);
        }
    }
}
