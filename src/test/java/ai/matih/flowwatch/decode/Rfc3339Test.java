package ai.matih.flowwatch.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.matih.flowwatch.decode.json.JsonFields;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast UTC timestamp path gives what the formatter gives, and leaves everything else to it. */
class Rfc3339Test {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-26T08:03:18.638611888Z",
                "2026-11-26T08:03:18Z",
                "2024-02-29T23:59:59.5Z",
                "1970-01-01T00:00:00Z",
                "2026-01-31T12:00:00.123Z",
                "0001-01-01T00:00:00.000000001Z",
                "9999-12-31T23:59:59.999999999Z"
            })
    void shouldParseUtcTimestampsAsTheFormatterDoes(String text) {
        // When
        Instant fast = JsonFields.parseUtc(text);

        // Then
        assertThat(fast).isEqualTo(Instant.parse(text));
        assertThat(JsonFields.parseRfc3339(text, "t")).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-26T08:03:18+02:00",
                "2026-11-26t08:03:18z",
                "2026-11-26T08:03:18.Z",
                "2026-11-26T08:03:18.1234567890Z",
                "2026-02-30T08:03:18Z",
                "2026-11-26T24:00:00Z",
                "2026-11-26 08:03:18Z",
                "2026-13-26T08:03:18Z",
                "2026-11-26T08:60:18Z",
                "2026-11-26T08:03:60Z",
                "+2026-11-26T08:03:18Z"
            })
    void shouldLeaveOtherSpellingsToTheFormatter(String text) {
        // When
        Instant fast = JsonFields.parseUtc(text);

        // Then
        assertThat(fast).isNull();
        Instant expected;
        try {
            expected = Instant.parse(text);
        } catch (RuntimeException e) {
            try {
                expected = OffsetDateTime.parse(text).toInstant();
            } catch (RuntimeException e2) {
                assertThatThrownBy(() -> JsonFields.parseRfc3339(text, "t")).isInstanceOf(DecodeException.class);
                return;
            }
        }
        assertThat(JsonFields.parseRfc3339(text, "t")).isEqualTo(expected);
    }
}
