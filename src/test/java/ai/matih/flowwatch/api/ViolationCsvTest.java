package ai.matih.flowwatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Cells as RFC 4180 quotes them and as no spreadsheet runs them; the next page's link. */
class ViolationCsvTest {

    static Stream<Arguments> cells() {
        return Stream.of(
                Arguments.of(null, ""),
                Arguments.of("", ""),
                Arguments.of("plain", "plain"),
                Arguments.of("a,b", "\"a,b\""),
                Arguments.of("say \"hi\"", "\"say \"\"hi\"\"\""),
                Arguments.of("two\r\nlines", "\"two\r\nlines\""),
                Arguments.of("=1+1", "'=1+1"),
                Arguments.of("+1", "'+1"),
                Arguments.of("-1", "'-1"),
                Arguments.of("@SUM(A1)", "'@SUM(A1)"),
                Arguments.of("\tx", "'\tx"),
                Arguments.of("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
                Arguments.of("a=1", "a=1"));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cells")
    void aCellIsQuotedWhenItMustBeAndDefusedWhenItCouldBeAFormula(String value, String expected) {
        // Given
        StringBuilder sb = new StringBuilder();
        // When
        ViolationCsv.cell(sb, value);
        // Then
        assertThat(sb).hasToString(expected);
    }

    @Test
    void theNextPageKeepsTheQueryAndReplacesTheCursor() {
        // When
        String next = ViolationCsv.nextPage(
                "/api/v1/violations",
                "tenant=acme-corp&cursor=old&observed=%21DENIED&since=15m&label=app%3Dapi",
                "NEW");
        // Then
        assertThat(next)
                .isEqualTo("/api/v1/violations?tenant=acme-corp&observed=%21DENIED&since=15m&label=app%3Dapi"
                        + "&cursor=NEW");
    }
}
