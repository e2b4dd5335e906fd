package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.decode.json.Utf8;
import ai.matih.flowwatch.ingest.IngestConfig;
import ai.matih.flowwatch.decode.audit.AuditDecoder;
import ai.matih.flowwatch.decode.calico.CalicoDecoder;
import ai.matih.flowwatch.decode.calico.CalicoFastPath;
import ai.matih.flowwatch.decode.hubble.HubbleDecoder;
import ai.matih.flowwatch.decode.hubble.HubbleFastPath;
import ai.matih.flowwatch.flow.Flow;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one Kafka record value of an input topic into flows, audit events, skips and rejections.
 *
 * <p>Framing: a value holds one JSON document (possibly pretty-printed) or several (NDJSON); a value that is not
 * a plain sequence of JSON documents is read line by line, where each line may carry a CRI log prefix
 * ({@code <ts> stdout F {json}}) or be a server-sent event ({@code data: {json}}). Every document may be wrapped
 * by a log shipper as {@code {"log":"<json string>"}}. A bad document or line is rejected with its position; the
 * others are still decoded.
 *
 * <p>One record makes at most one rejection per document, however many of its elements (a JSON array's, an event
 * list's) are bad, and at most {@code maxRejectionsPerRecord} of them: the next rejected document and the rest of the
 * record are then rejected once as {@link RejectReason#TOO_MANY_REJECTIONS}, undecoded ({@link RecordRejections}).
 *
 * <p>A topic may have a {@link FastPath} for the common shape of its records; it decodes them without a
 * JSON tree and declines anything else, which then takes the path above.
 *
 * <p>Thread-safe; {@link #decode} never throws.
 */
public final class RecordDecoder {

    /** Default limits used by the application ({@link IngestConfig}). */
    public static final int DEFAULT_MAX_RECORD_BYTES = 983_040;
    public static final int DEFAULT_MAX_LINES_PER_RECORD = 10_000;
    public static final int DEFAULT_MAX_REJECTIONS_PER_RECORD = 100;

    private static final int MAX_UNWRAP_LEVELS = 3;

    private final int maxRecordBytes;
    private final int maxLinesPerRecord;
    private final int maxRejectionsPerRecord;
    private final JsonCodec codec;
    private final Map<InputKind, TopicDecoder> decoders = new EnumMap<>(InputKind.class);
    private final Map<InputKind, FastPath> fastPaths = new EnumMap<>(InputKind.class);

    public RecordDecoder(int maxRecordBytes, int maxLinesPerRecord) {
        this(maxRecordBytes, maxLinesPerRecord, DEFAULT_MAX_REJECTIONS_PER_RECORD);
    }

    public RecordDecoder(int maxRecordBytes, int maxLinesPerRecord, int maxRejectionsPerRecord) {
        this(maxRecordBytes, maxLinesPerRecord, maxRejectionsPerRecord, true);
    }

    /** With {@code fastPaths} false every record takes the tree path (tests compare the two). */
    RecordDecoder(int maxRecordBytes, int maxLinesPerRecord, boolean fastPaths) {
        this(maxRecordBytes, maxLinesPerRecord, DEFAULT_MAX_REJECTIONS_PER_RECORD, fastPaths);
    }

    private RecordDecoder(int maxRecordBytes, int maxLinesPerRecord, int maxRejectionsPerRecord, boolean fastPaths) {
        if (maxRecordBytes < 1 || maxLinesPerRecord < 1 || maxRejectionsPerRecord < 1) {
            throw new IllegalArgumentException("limits must be positive: maxRecordBytes=" + maxRecordBytes
                    + ", maxLinesPerRecord=" + maxLinesPerRecord + ", maxRejectionsPerRecord="
                    + maxRejectionsPerRecord);
        }
        this.maxRecordBytes = maxRecordBytes;
        this.maxLinesPerRecord = maxLinesPerRecord;
        this.maxRejectionsPerRecord = maxRejectionsPerRecord;
        this.codec = new JsonCodec(maxRecordBytes);
        decoders.put(InputKind.CALICO, new CalicoDecoder());
        decoders.put(InputKind.HUBBLE, new HubbleDecoder());
        decoders.put(InputKind.AUDIT, new AuditDecoder(codec));
        if (fastPaths) {
            this.fastPaths.put(InputKind.HUBBLE, new HubbleFastPath(codec));
            this.fastPaths.put(InputKind.CALICO, new CalicoFastPath(codec));
        }
    }

    /** What the fast paths of this decoder count of the records they left to the tree path. */
    public List<FastPathFallbacks> fastPathFallbacks() {
        return fastPaths.values().stream().map(FastPath::fallbacks).toList();
    }

    /** A decoder with the application's default limits. */
    public RecordDecoder() {
        this(DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_LINES_PER_RECORD);
    }

    /** Decodes {@code value} read from the topic of {@code kind}; results and rejections go to {@code sink}. */
    public void decode(InputKind kind, byte[] value, DecodeSink sink) {
        decode(kind, value, null, sink);
    }

    /**
     * Decodes {@code value}; {@code receivedAt} (the Kafka record's timestamp, or null) stands in for the
     * time of a flow whose document carries none.
     */
    public void decode(InputKind kind, byte[] value, java.time.Instant receivedAt, DecodeSink sink) {
        try {
            decodeRecord(kind, value, receivedAt, sink);
        } catch (RuntimeException | StackOverflowError e) {
            try {
                sink.rejected(Rejection.whole(RejectReason.INVALID_VALUE,
                        "decoder failure: " + e.getClass().getSimpleName(), value == null ? 0 : value.length));
            } catch (RuntimeException ignored) {
                // the sink itself failed: nothing more can be done without throwing
            }
        }
    }

    private void decodeRecord(InputKind kind, byte[] value, java.time.Instant receivedAt, DecodeSink sink) {
        if (value == null || value.length == 0) {
            sink.rejected(Rejection.whole(RejectReason.EMPTY, "empty record value", 0));
            return;
        }
        if (value.length > maxRecordBytes) {
            sink.rejected(Rejection.whole(RejectReason.OVERSIZED,
                    "record of " + value.length + " bytes exceeds the limit of " + maxRecordBytes, value.length));
            return;
        }
        if (kind == null) {
            sink.rejected(Rejection.whole(RejectReason.UNKNOWN_FORMAT, "no input kind", value.length));
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
        FastPath fast = fastPaths.get(kind);
        if (fast != null) {
            List<Flow> flows = new ArrayList<>(2);
            if (fast.decode(value, receivedAt, maxLinesPerRecord, flows)) {
                for (Flow flow : flows) {
                    sink.flow(flow);
                }
                return;
            }
        }
        TopicDecoder decoder = decoders.get(kind);
        List<Document> documents = new ArrayList<>();
        RuntimeException sequenceFailure = readSequence(value, documents);
        if (sequenceFailure == null) {
            if (documents.size() > maxLinesPerRecord) {
                tooMany(value, sink);
                return;
            }
            RecordRejections rejections = new RecordRejections(sink, maxRejectionsPerRecord, value.length);
            for (Document d : documents) {
                if (!rejections.endDocument(process(decoder, d.node,
                        new DocumentContext(rejections, d.line, d.offset, d.length, receivedAt)))) {
                    return;
                }
            }
            return;
        }
        decodeLines(decoder, value, receivedAt, sink, sequenceFailure);
    }

    private void tooMany(byte[] value, DecodeSink sink) {
        sink.rejected(Rejection.whole(RejectReason.TOO_MANY_LINES,
                "more than " + maxLinesPerRecord + " documents in one record", value.length));
    }

    /** Reads the value as a sequence of root-level JSON values; returns the failure, or null when all parsed. */
    private RuntimeException readSequence(byte[] value, List<Document> out) {
        try (JsonParser parser = codec.factory().createParser(value)) {
            while (parser.nextToken() != null) {
                JsonLocation start = parser.currentTokenLocation();
                JsonNode node = codec.mapper().readTree(parser);
                long end = parser.currentLocation().getByteOffset();
                long begin = start.getByteOffset();
                if (out.size() == maxLinesPerRecord) {
                    out.add(null); // marks the overflow; the record is rejected as a whole
                    return null;
                }
                out.add(new Document(node, Math.max(1, start.getLineNr()), (int) begin, (int) (end - begin)));
            }
            return null;
        } catch (Exception | StackOverflowError e) {
            out.clear();
            return JsonCodec.failure(e, "document");
        }
    }

    private void decodeLines(TopicDecoder decoder, byte[] value, java.time.Instant receivedAt, DecodeSink sink,
                             RuntimeException sequenceFailure) {
        List<int[]> lines = Lines.split(value);
        if (lines.size() > maxLinesPerRecord) {
            tooMany(value, sink);
            return;
        }
        if (lines.isEmpty()) {
            sink.rejected(Rejection.whole(RejectReason.EMPTY, "no JSON document (only blank or SSE control lines)",
                    value.length));
            return;
        }
        if (looksPrettyPrinted(value, lines)) {
            int[] first = lines.get(0);
            int end = Utf8.trimEnd(value, value.length);
            DecodeException e = JsonCodec.failure(sequenceFailure, "document");
            sink.rejected(new Rejection(e.reason(), JsonFields.oneLine(e.detail()), first[Lines.LINE],
                    first[Lines.START], end - first[Lines.START]));
            return;
        }
        RecordRejections rejections = new RecordRejections(sink, maxRejectionsPerRecord, value.length);
        for (int[] line : lines) {
            DocumentContext ctx = new DocumentContext(rejections, line[Lines.LINE], line[Lines.START],
                    line[Lines.LENGTH], receivedAt);
            JsonNode node;
            try {
                node = codec.parse(value, line[Lines.CONTENT], line[Lines.CONTENT_LENGTH], "document");
            } catch (DecodeException e) {
                ctx.reject(e.reason(), e.detail());
                if (!rejections.endDocument(0)) {
                    return;
                }
                continue;
            }
            if (!rejections.endDocument(process(decoder, node, ctx))) {
                return;
            }
        }
    }

    /**
     * A pretty-printed document that is not valid JSON: its first line alone is an unfinished value and the next
     * line continues it. Rejected as one document rather than as dozens of bad lines.
     */
    private boolean looksPrettyPrinted(byte[] value, List<int[]> lines) {
        int[] first = lines.get(0);
        int c = first[Lines.CONTENT];
        int n = first[Lines.CONTENT_LENGTH];
        if (n == 0 || (value[c] != '{' && value[c] != '[')) {
            return false;
        }
        try {
            codec.parse(value, c, n, "line");
            return false;
        } catch (DecodeException e) {
            if (n == 1) {
                return true;
            }
            if (lines.size() < 2) {
                return false;
            }
            int[] second = lines.get(1);
            byte b = value[second[Lines.CONTENT]];
            return b == '"' || b == '}' || b == ']';
        }
    }

    /** Decodes one document; returns how many elements it had when it is a JSON array, else 0. */
    private int process(TopicDecoder decoder, JsonNode node, DocumentContext ctx) {
        int elements = 0;
        try {
            JsonNode doc = unwrap(node);
            if (doc.isArray()) {
                elements = doc.size();
                for (int i = 0; i < elements; i++) {
                    try {
                        decoder.decode(unwrap(doc.get(i)), ctx);
                    } catch (DecodeException e) {
                        ctx.reject(e.reason(), "[" + i + "]: " + e.detail());
                    }
                }
                return elements;
            }
            decoder.decode(doc, ctx);
        } catch (DecodeException e) {
            ctx.reject(e.reason(), e.detail());
        } catch (RuntimeException | StackOverflowError e) {
            ctx.reject(RejectReason.INVALID_VALUE, "decoder failure: " + e.getClass().getSimpleName());
        }
        return elements;
    }

    /** Removes shipper wrappers: {@code {"log":"<json>"}}, {@code {"log":{...}}} and double-encoded strings. */
    private JsonNode unwrap(JsonNode node) {
        JsonNode current = node;
        for (int level = 0; level < MAX_UNWRAP_LEVELS; level++) {
            if (current.isTextual()) {
                current = parseEmbedded(current.textValue(), "string document");
                continue;
            }
            if (current.isObject()) {
                JsonNode log = current.get("log");
                if (log != null && log.isTextual()) {
                    current = parseEmbedded(log.textValue(), "log");
                    continue;
                }
                if (log != null && log.isObject() && !current.has("properties")) {
                    current = log;
                    continue;
                }
            }
            return current;
        }
        return current;
    }

    private JsonNode parseEmbedded(String text, String field) {
        String s = Lines.stripCriPrefix(text.strip());
        if (s.isEmpty() || (s.charAt(0) != '{' && s.charAt(0) != '[')) {
            throw new DecodeException(RejectReason.UNKNOWN_FORMAT, field + ": not a JSON document");
        }
        return codec.parse(s, field);
    }

    private record Document(JsonNode node, int line, int offset, int length) {
    }
}
