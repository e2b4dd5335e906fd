package ai.matih.flowwatch.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One record makes at most one rejection per document, each pointing at that document's own bytes, and at most
 * {@code maxRejectionsPerRecord} of them plus one for the rest of the record.
 */
class RejectionBoundsTest {

    private static final String GOOD_HUBBLE = "{\"flow\":{\"time\":\"2024-01-01T00:00:00Z\",\"verdict\":\"FORWARDED\","
            + "\"IP\":{\"source\":\"10.0.0.1\",\"destination\":\"10.0.0.2\"},"
            + "\"l4\":{\"TCP\":{\"source_port\":1234,\"destination_port\":80}}}}";
    /* Valid JSON that no decoder accepts as a flow or an audit event. */
    private static final String INVALID_OBJECT =
            "{\"flow\":{\"verdict\":\"FORWARDED\",\"padding\":\"" + "x".repeat(40) + "\"}}";

    private static String array(int elements, String element) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < elements; i++) {
            sb.append(i == 0 ? "" : ",").append(element);
        }
        return sb.append(']').toString();
    }

    static Stream<Arguments> kinds() {
        return Stream.of(Arguments.of(Formats.HUBBLE), Arguments.of(Formats.CALICO), Arguments.of(Formats.AUDIT));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aThousandRejectedElementsOfOneArrayMakeOneRejectionOfThatArray(FlowFormat kind) {
        // Given
        byte[] value = array(1_000, INVALID_OBJECT).getBytes(StandardCharsets.UTF_8);
        RecordingSink sink = new RecordingSink();

        // When
        RecordingSink.DECODER.decode(kind, value, sink);

        // Then
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.detail()).startsWith("1000 of 1000 elements rejected; first: [0]: ");
            assertThat(r.offset()).isZero();
            assertThat(r.length()).isEqualTo(value.length);
        });
        assertThat(sink.flows).isEmpty();
    }

    @Test
    void anArrayWithSomeBadElementsDeliversTheGoodOnesAndOneRejectionNamingTheFirstBadOne() {
        // Given
        String value = "[" + GOOD_HUBBLE + "," + INVALID_OBJECT + "," + GOOD_HUBBLE + "," + INVALID_OBJECT + "]";

        // When
        RecordingSink sink = RecordingSink.decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.flows).hasSize(2);
        assertThat(sink.rejections).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD);
            assertThat(r.detail()).startsWith("2 of 4 elements rejected; first: [1]: ");
        });
    }

    @Test
    void aSingleRejectedElementKeepsItsOwnDetail() {
        // Given
        String value = "[" + GOOD_HUBBLE + "," + INVALID_OBJECT + "]";

        // When
        RecordingSink sink = RecordingSink.decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.rejections)
                .singleElement()
                .satisfies(r -> assertThat(r.detail()).startsWith("[1]: "));
    }

    @Test
    void eachArrayDocumentOfAnNdjsonRecordIsRejectedOnceWithItsOwnBytes() {
        // Given two lines, each an array of bad objects, and a good line between them
        String first = array(5, INVALID_OBJECT);
        String second = array(3, INVALID_OBJECT);
        String value = first + "\n" + GOOD_HUBBLE + "\n" + second;

        // When
        RecordingSink sink = RecordingSink.decode(Formats.HUBBLE, value);

        // Then
        assertThat(sink.flows).hasSize(1);
        assertThat(sink.rejections).hasSize(2);
        assertThat(slice(value, sink.rejections.get(0))).isEqualTo(first);
        assertThat(slice(value, sink.rejections.get(1))).isEqualTo(second);
        assertThat(sink.rejections.get(0).detail()).startsWith("5 of 5 elements rejected");
        assertThat(sink.rejections.get(1).detail()).startsWith("3 of 3 elements rejected");
    }

    static Stream<Arguments> capped() {
        // separator, what each document looks like: NDJSON of bad JSON lines, of bad objects, a sequence of
        // pretty-printed bad objects
        return Stream.of(
                Arguments.of("unparsable lines", "\n", "{\"flow\": truncated"),
                Arguments.of("NDJSON of invalid objects", "\n", INVALID_OBJECT),
                Arguments.of("concatenated invalid objects", " ", INVALID_OBJECT),
                Arguments.of("NDJSON of arrays of invalid objects", "\n", array(4, INVALID_OBJECT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void capped(String name, String separator, String document) {
        // Given a decoder that dead-letters at most 5 documents of a record, and a record of 12 bad documents
        RecordDecoder decoder = new RecordDecoder(1_048_576, 10_000, 5);
        StringBuilder record = new StringBuilder();
        int[] starts = new int[12];
        for (int i = 0; i < 12; i++) {
            starts[i] = record.length();
            record.append(document).append(separator);
        }
        String value = record.toString();
        RecordingSink sink = new RecordingSink();

        // When
        decoder.decode(Formats.HUBBLE, value.getBytes(StandardCharsets.UTF_8), sink);

        // Then: five rejections of their own document, then one of the rest of the record
        assertThat(sink.rejections).hasSize(6);
        for (int i = 0; i < 5; i++) {
            assertThat(slice(value, sink.rejections.get(i))).isEqualTo(document);
            assertThat(sink.rejections.get(i).reason()).isNotEqualTo(RejectReason.TOO_MANY_REJECTIONS);
        }
        Rejection rest = sink.rejections.get(5);
        assertThat(rest.reason()).isEqualTo(RejectReason.TOO_MANY_REJECTIONS);
        assertThat(rest.line()).isPositive();
        assertThat(rest.offset()).isEqualTo(starts[5]);
        assertThat(rest.offset() + rest.length()).isEqualTo(value.length());
        assertThat(rest.detail()).startsWith("more than 5 documents");
    }

    @Test
    void aRecordWithFewerRejectedDocumentsThanTheCapIsNotCut() {
        // Given
        RecordDecoder decoder = new RecordDecoder(1_048_576, 10_000, 2);
        String value = String.join("\n", INVALID_OBJECT, GOOD_HUBBLE, INVALID_OBJECT, GOOD_HUBBLE);
        RecordingSink sink = new RecordingSink();

        // When
        decoder.decode(Formats.HUBBLE, value.getBytes(StandardCharsets.UTF_8), sink);

        // Then
        assertThat(sink.flows).hasSize(2);
        assertThat(sink.rejections)
                .extracting(Rejection::reason)
                .containsExactly(RejectReason.MISSING_FIELD, RejectReason.MISSING_FIELD);
    }

    @Test
    void theDocumentOverTheCapAndTheRestOfTheRecordAreNotDecoded() {
        // Given
        RecordDecoder decoder = new RecordDecoder(1_048_576, 10_000, 1);
        String value = String.join("\n", INVALID_OBJECT, GOOD_HUBBLE, INVALID_OBJECT, GOOD_HUBBLE);
        RecordingSink sink = new RecordingSink();

        // When
        decoder.decode(Formats.HUBBLE, value.getBytes(StandardCharsets.UTF_8), sink);

        // Then: the rest, good documents included, is dead-lettered undecoded, so it can be replayed as a whole
        assertThat(sink.flows).hasSize(1);
        assertThat(sink.rejections)
                .extracting(Rejection::reason)
                .containsExactly(RejectReason.MISSING_FIELD, RejectReason.TOO_MANY_REJECTIONS);
        assertThat(slice(value, sink.rejections.get(1))).isEqualTo(INVALID_OBJECT + "\n" + GOOD_HUBBLE);
        assertThat(sink.rejections.get(1).line()).isEqualTo(3);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new RecordDecoder(1_048_576, 10, 0))
                .withMessageContaining("maxRejectionsPerRecord=0");
    }

    private static String slice(String value, Rejection r) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return new String(bytes, r.offset(), r.length(), StandardCharsets.UTF_8);
    }
}
