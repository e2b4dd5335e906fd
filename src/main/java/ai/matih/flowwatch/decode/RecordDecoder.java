package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.decode.json.Utf8;
import ai.matih.flowwatch.flow.Flow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one Kafka record value of an input topic into flows, audit events, skips and rejections, with the decoders
 * of the record's {@link FlowFormat}.
 *
 * <p>Every record is first checked here the same way for every format: not empty, within the size limit, valid
 * UTF-8, not blank. A format may have a {@link FastPath} for the common shape of its records; it decodes them
 * without a JSON tree and declines anything else. The rest goes to the format's {@link FormatDecoder}, which finds
 * the record's documents ({@link JsonFraming} for the JSON formats, {@link LineFraming} for line formats).
 *
 * <p>One record makes at most one rejection per document, however many of its elements (a JSON array's, an event
 * list's) are bad, and at most {@code maxRejectionsPerRecord} of them: the next rejected document and the rest of the
 * record are then rejected once as {@link RejectReason#TOO_MANY_REJECTIONS}, undecoded ({@link RecordRejections}).
 *
 * <p>Thread-safe; {@link #decode} never throws.
 */
public final class RecordDecoder {

    /** Default limits used by the application (the ingest configuration). */
    public static final int DEFAULT_MAX_RECORD_BYTES = 983_040;

    public static final int DEFAULT_MAX_LINES_PER_RECORD = 10_000;
    public static final int DEFAULT_MAX_REJECTIONS_PER_RECORD = 100;

    private final DecodeLimits limits;
    private final Map<String, Reader> readers = new HashMap<>();

    /** A decoder of the built-in formats ({@link FlowFormats#builtIn()}). */
    public RecordDecoder(int maxRecordBytes, int maxLinesPerRecord) {
        this(maxRecordBytes, maxLinesPerRecord, DEFAULT_MAX_REJECTIONS_PER_RECORD);
    }

    /** A decoder of the built-in formats ({@link FlowFormats#builtIn()}). */
    public RecordDecoder(int maxRecordBytes, int maxLinesPerRecord, int maxRejectionsPerRecord) {
        this(FlowFormats.builtIn(), maxRecordBytes, maxLinesPerRecord, maxRejectionsPerRecord, true);
    }

    /** A decoder of {@code formats}. */
    public RecordDecoder(FlowFormats formats, int maxRecordBytes, int maxLinesPerRecord, int maxRejectionsPerRecord) {
        this(formats, maxRecordBytes, maxLinesPerRecord, maxRejectionsPerRecord, true);
    }

    /** With {@code fastPaths} false every record takes the tree path (tests compare the two). */
    RecordDecoder(int maxRecordBytes, int maxLinesPerRecord, boolean fastPaths) {
        this(FlowFormats.builtIn(), maxRecordBytes, maxLinesPerRecord, DEFAULT_MAX_REJECTIONS_PER_RECORD, fastPaths);
    }

    private RecordDecoder(
            FlowFormats formats,
            int maxRecordBytes,
            int maxLinesPerRecord,
            int maxRejectionsPerRecord,
            boolean fastPaths) {
        this.limits = DecodeLimits.of(maxRecordBytes, maxLinesPerRecord, maxRejectionsPerRecord);
        for (FlowFormat format : formats.all()) {
            readers.put(
                    format.name(),
                    new Reader(
                            format.decoder(limits),
                            fastPaths ? format.fastPath(limits).orElse(null) : null));
        }
    }

    /** A decoder with the application's default limits. */
    public RecordDecoder() {
        this(DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_LINES_PER_RECORD);
    }

    /** What the fast paths of this decoder count of the records they left to the tree path. */
    public List<FastPathFallbacks> fastPathFallbacks() {
        return readers.values().stream()
                .filter(r -> r.fast != null)
                .map(r -> r.fast.fallbacks())
                .toList();
    }

    /** Decodes {@code value} read from the topic of {@code format}; results and rejections go to {@code sink}. */
    public void decode(FlowFormat format, byte[] value, DecodeSink sink) {
        decode(format, value, null, sink);
    }

    /**
     * Decodes {@code value}; {@code receivedAt} (the Kafka record's timestamp, or null) stands in for the
     * time of a flow whose document carries none.
     */
    public void decode(FlowFormat format, byte[] value, Instant receivedAt, DecodeSink sink) {
        try {
            decodeRecord(format, value, receivedAt, sink);
        } catch (RuntimeException | StackOverflowError e) {
            try {
                sink.rejected(Rejection.whole(
                        RejectReason.INVALID_VALUE,
                        "decoder failure: " + e.getClass().getSimpleName(),
                        value == null ? 0 : value.length));
            } catch (RuntimeException ignored) {
                // the sink itself failed: nothing more can be done without throwing
            }
        }
    }

    private void decodeRecord(FlowFormat format, byte[] value, Instant receivedAt, DecodeSink sink) {
        if (value == null || value.length == 0) {
            sink.rejected(Rejection.whole(RejectReason.EMPTY, "empty record value", 0));
            return;
        }
        int maxRecordBytes = limits.maxRecordBytes();
        if (value.length > maxRecordBytes) {
            sink.rejected(Rejection.whole(
                    RejectReason.OVERSIZED,
                    "record of " + value.length + " bytes exceeds the limit of " + maxRecordBytes,
                    value.length));
            return;
        }
        Reader reader = format == null ? null : readers.get(format.name());
        if (reader == null) {
            sink.rejected(Rejection.whole(
                    RejectReason.UNKNOWN_FORMAT,
                    format == null ? "no input kind" : "no decoder for format " + format.name(),
                    value.length));
            return;
        }
        int bad = Utf8.firstInvalid(value);
        if (bad >= 0) {
            sink.rejected(Rejection.whole(RejectReason.INVALID_UTF8, "invalid UTF-8 at byte " + bad, value.length));
            return;
        }
        if (Utf8.isBlank(value)) {
            sink.rejected(Rejection.whole(RejectReason.EMPTY, "blank record value", value.length));
            return;
        }
        if (reader.fast != null) {
            List<Flow> flows = new ArrayList<>(2);
            if (reader.fast.decode(value, receivedAt, limits.maxDocuments(), flows)) {
                for (Flow flow : flows) {
                    sink.flow(flow);
                }
                return;
            }
        }
        reader.decoder.decode(
                value,
                new RecordContext(sink, receivedAt, limits.maxDocuments(), limits.maxRejections(), value.length));
    }

    /** A format's decoders for these limits; {@code fast} is null when it has no fast path. */
    private record Reader(FormatDecoder decoder, FastPath fast) {}
}
