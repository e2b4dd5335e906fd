package ai.matih.flowwatch.decode;

import static ai.matih.flowwatch.decode.RecordingSink.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Observed;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecordFramingTest {

    private static final String HUBBLE_LINE = "{\"flow\":{\"time\":\"2024-01-01T00:00:00Z\",\"verdict\":\"FORWARDED\","
            + "\"IP\":{\"source\":\"10.0.0.1\",\"destination\":\"10.0.0.2\"},"
            + "\"l4\":{\"TCP\":{\"source_port\":1234,\"destination_port\":80}}}}";

    static Stream<Arguments> wholeRecordRejections() {
        return Stream.of(
                Arguments.of("null value", null, RejectReason.EMPTY),
                Arguments.of("empty value", new byte[0], RejectReason.EMPTY),
                Arguments.of("blank value", " \n\t\r\n ".getBytes(StandardCharsets.UTF_8), RejectReason.EMPTY),
                Arguments.of(
                        "invalid UTF-8",
                        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                        RejectReason.INVALID_UTF8),
                Arguments.of(
                        "UTF-16 surrogate encoded as UTF-8",
                        new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
                        RejectReason.INVALID_UTF8),
                Arguments.of(
                        "truncated multi-byte sequence",
                        new byte[] {'{', (byte) 0xE2, (byte) 0x82},
                        RejectReason.INVALID_UTF8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void wholeRecordRejections(String name, byte[] value, RejectReason reason) {
        // Given
        RecordingSink sink = new RecordingSink();

        // When
        RecordingSink.DECODER.decode(Formats.HUBBLE, value, sink);

        // Then
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.line()).isZero();
            assertThat(r.offset()).isZero();
        });
        assertThat(sink.flows).isEmpty();
    }

    @Test
    void rejectsARecordLargerThanTheLimitAsOversized() {
        // Given
        RecordDecoder decoder = new RecordDecoder(100, 10);
        byte[] value = (HUBBLE_LINE + "\n").getBytes(StandardCharsets.UTF_8);
        RecordingSink sink = new RecordingSink();

        // When
        decoder.decode(Formats.HUBBLE, value, sink);

        // Then
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.OVERSIZED);
            assertThat(r.length()).isEqualTo(value.length);
        });
    }

    @Test
    void rejectsARecordWithMoreDocumentsThanTheLimitAsTooManyLines() {
        // Given
        RecordDecoder decoder = new RecordDecoder(1_048_576, 3);
        byte[] value = String.join("\n", HUBBLE_LINE, HUBBLE_LINE, HUBBLE_LINE, HUBBLE_LINE)
                .getBytes(StandardCharsets.UTF_8);
        RecordingSink sink = new RecordingSink();

        // When
        decoder.decode(Formats.HUBBLE, value, sink);

        // Then
        assertThat(sink.flows).isEmpty();
        assertThat(sink.rejections)
                .extracting(Rejection::reason, Rejection::line)
                .containsExactly(tuple(RejectReason.TOO_MANY_LINES, 0));
    }

    @Test
    void rejectsTooManyPrefixedLinesAsTooManyLines() {
        // Given
        RecordDecoder decoder = new RecordDecoder(1_048_576, 2);
        String line = "data: " + HUBBLE_LINE;
        byte[] value = String.join("\n", line, line, line).getBytes(StandardCharsets.UTF_8);
        RecordingSink sink = new RecordingSink();

        // When
        decoder.decode(Formats.HUBBLE, value, sink);

        // Then
        assertThat(sink.rejections).extracting(Rejection::reason).containsExactly(RejectReason.TOO_MANY_LINES);
    }

    @Test
    void deliversTheGoodLinesOfNdjsonAndRejectsEachBadLineWithItsPosition() {
        // Given
        String bad1 = "{\"flow\":{\"time\":";
        String bad2 = "not json at all";
        String bad3 = "{\"flow\":{\"verdict\":\"FORWARDED\"}}";
        String value = HUBBLE_LINE + "\n" + bad1 + "\r\n\n" + HUBBLE_LINE + "\n" + bad2 + "\n" + bad3 + "\n";
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);

        // When
        RecordingSink sink = decode(Formats.HUBBLE, bytes);

        // Then
        assertThat(sink.flows).hasSize(2);
        assertThat(sink.rejections)
                .extracting(Rejection::reason, Rejection::line, Rejection::offset, Rejection::length)
                .containsExactly(
                        tuple(RejectReason.INVALID_JSON, 2, HUBBLE_LINE.length() + 1, bad1.length()),
                        tuple(RejectReason.INVALID_JSON, 5, value.indexOf(bad2), bad2.length()),
                        tuple(RejectReason.MISSING_FIELD, 6, value.indexOf(bad3), bad3.length()));
        Rejection first = sink.rejections.get(0);
        assertThat(new String(bytes, first.offset(), first.length(), StandardCharsets.UTF_8))
                .isEqualTo(bad1);
    }

    @Test
    void locatesEachDocumentOfValidNdjsonByLineAndByteOffset() {
        // Given
        String bad = "{\"lost\":1}";
        String value = HUBBLE_LINE + "\n" + bad + "\n" + HUBBLE_LINE;

        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.flows).hasSize(2);
        assertThat(sink.rejections)
                .extracting(Rejection::reason, Rejection::line, Rejection::offset, Rejection::length)
                .containsExactly(tuple(RejectReason.UNKNOWN_FORMAT, 2, HUBBLE_LINE.length() + 1, bad.length()));
    }

    @Test
    void rejectsATruncatedDocumentAsInvalidJson() {
        // Given
        String value = HUBBLE_LINE.substring(0, HUBBLE_LINE.length() - 20);

        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.INVALID_JSON);
            assertThat(r.line()).isEqualTo(1);
            assertThat(r.length()).isEqualTo(value.length());
            assertThat(r.detail()).contains("truncated").doesNotContain("\n");
        });
    }

    @Test
    void rejectsAnInvalidPrettyPrintedDocumentOnceNotLineByLine() {
        // Given
        byte[] value = RecordingSink.sample("calico-enterprise-tigera-docs-noaggr.invalid-json.txt");

        // When
        RecordingSink sink = decode(Formats.CALICO, value);

        // Then
        assertThat(sink.flows).isEmpty();
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.INVALID_JSON);
            assertThat(r.line()).isEqualTo(1);
            assertThat(r.offset()).isZero();
        });
    }

    @Test
    void rejectsDeeplyNestedJsonAsTooDeep() {
        // Given
        String value = "{\"flow\":" + "[".repeat(200) + "]".repeat(200) + "}";

        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.rejections).extracting(Rejection::reason).containsExactly(RejectReason.TOO_DEEP);
    }

    @Test
    void rejectsDeepNestingInsideALogWrapperAsTooDeep() {
        // Given
        String inner = "{\\\"a\\\":" + "[".repeat(100) + "]".repeat(100) + "}";
        String value = "{\"log\":\"" + inner + "\"}";

        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.rejections).extracting(Rejection::reason).containsExactly(RejectReason.TOO_DEEP);
    }

    @Test
    void rejectsAHugeStringWithoutEchoingIt() {
        // Given
        String value = "{\"flow\":{\"uuid\":\"" + "x".repeat(JsonCodec.MAX_STRING_LENGTH + 10) + "\"}}";

        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isIn(RejectReason.INVALID_VALUE, RejectReason.INVALID_JSON);
            assertThat(r.detail()).hasSizeLessThan(200);
        });
    }

    static Stream<Arguments> wrappedLines() {
        String escaped = HUBBLE_LINE.replace("\"", "\\\"");
        return Stream.of(
                Arguments.of("CRI prefix", "2024-01-01T00:00:00.000000000Z stdout F " + HUBBLE_LINE),
                Arguments.of(
                        "SSE data with event and comment lines",
                        ": keep-alive\nevent: flow\nid: 7\ndata: " + HUBBLE_LINE + "\n\n"),
                Arguments.of("Fluent Bit log wrapper", "{\"@timestamp\":1704067200.0,\"log\":\"" + escaped + "\"}"),
                Arguments.of(
                        "Docker log wrapper with newline",
                        "{\"log\":\"" + escaped + "\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T00:00:00Z\"}"),
                Arguments.of(
                        "log wrapper around a CRI line", "{\"log\":\"2024-01-01T00:00:00Z stdout F " + escaped + "\"}"),
                Arguments.of("log wrapper as an object", "{\"log\":" + HUBBLE_LINE + ",\"stream\":\"stdout\"}"),
                Arguments.of(
                        "double log wrapper",
                        "{\"log\":\"{\\\"log\\\":" + "\\\"" + escaped.replace("\\\"", "\\\\\\\"") + "\\\"}\"}"),
                Arguments.of("JSON string holding the document", "\"" + escaped + "\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void wrappedLines(String name, String value) {
        // When
        RecordingSink sink = decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.flows).singleElement().satisfies(f -> {
            assertThat(f.observed()).isEqualTo(Observed.ALLOWED);
            assertThat(f.port()).isEqualTo(80);
        });
    }

    @Test
    void rejectsALogWrapperWhoseTextIsNotJson() {
        // When
        RecordingSink sink = decode(Formats.HUBBLE, "{\"log\":\"agent started\"}");

        // Then
        assertThat(sink.rejections).extracting(Rejection::reason).containsExactly(RejectReason.UNKNOWN_FORMAT);
    }

    @Test
    void rejectsTrailingGarbageOnALine() {
        // When
        RecordingSink sink = decode(Formats.HUBBLE, HUBBLE_LINE + " trailing\n" + HUBBLE_LINE);

        // Then
        assertThat(sink.flows).hasSize(1);
        assertThat(sink.rejections)
                .extracting(Rejection::reason, Rejection::line)
                .containsExactly(tuple(RejectReason.INVALID_JSON, 1));
    }

    @Test
    void neverThrowsWhenTheSinkFails() {
        // Given
        DecodeSink failing = new RecordingSink() {
            @Override
            public void flow(Flow flow) {
                throw new IllegalStateException("boom");
            }
        };

        // When / Then (no exception)
        RecordingSink.DECODER.decode(Formats.HUBBLE, HUBBLE_LINE.getBytes(StandardCharsets.UTF_8), failing);
        assertThat(((RecordingSink) failing).rejections)
                .extracting(Rejection::reason)
                .containsExactly(RejectReason.INVALID_VALUE);
    }

    @Test
    void rejectsRootValuesThatAreNotObjects() {
        // When
        RecordingSink sink = decode(Formats.CALICO, "42\n[1]\n\"hello\"");

        // Then
        assertThat(sink.rejections)
                .extracting(Rejection::reason, Rejection::line)
                .containsExactly(
                        tuple(RejectReason.UNKNOWN_FORMAT, 1),
                        tuple(RejectReason.UNKNOWN_FORMAT, 2),
                        tuple(RejectReason.UNKNOWN_FORMAT, 3));
    }
}
