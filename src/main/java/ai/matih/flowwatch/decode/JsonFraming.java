package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.decode.json.Utf8;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The framing of a JSON format: finds the JSON documents of a record value and hands each, unwrapped, to the
 * format's {@link TreeDecoder}.
 *
 * <p>A value holds one JSON document (possibly pretty-printed) or several (NDJSON); a value that is not a plain
 * sequence of JSON documents is read line by line, where each line may carry a CRI log prefix
 * ({@code <ts> stdout F {json}}) or be a server-sent event ({@code data: {json}}). Every document may be wrapped by
 * a log shipper as {@code {"log":"<json string>"}}. A bad document or line is rejected with its position; the others
 * are still decoded. A JSON array's elements are decoded one by one, and its rejections count as its document's.
 *
 * <p>Thread-safe.
 */
public final class JsonFraming implements FormatDecoder {

    private static final int MAX_UNWRAP_LEVELS = 3;

    private final TreeDecoder decoder;
    private final JsonCodec codec;

    /** @param codec the codec of the decoder's {@link DecodeLimits} */
    public JsonFraming(TreeDecoder decoder, JsonCodec codec) {
        this.decoder = decoder;
        this.codec = codec;
    }

    @Override
    public void decode(byte[] value, RecordContext record) {
        List<Document> documents = new ArrayList<>();
        RuntimeException sequenceFailure = readSequence(value, record.maxDocuments(), documents);
        if (sequenceFailure != null) {
            decodeLines(value, record, sequenceFailure);
            return;
        }
        if (documents.size() > record.maxDocuments()) {
            record.rejectTooManyDocuments();
            return;
        }
        for (Document d : documents) {
            if (!record.endDocument(process(d.node, record.document(d.line, d.offset, d.length)))) {
                return;
            }
        }
    }

    /** Reads the value as a sequence of root-level JSON values; returns the failure, or null when all parsed. */
    private RuntimeException readSequence(byte[] value, int maxDocuments, List<Document> out) {
        try (JsonParser parser = codec.factory().createParser(value)) {
            while (parser.nextToken() != null) {
                JsonLocation start = parser.currentTokenLocation();
                JsonNode node = codec.mapper().readTree(parser);
                long end = parser.currentLocation().getByteOffset();
                long begin = start.getByteOffset();
                if (out.size() == maxDocuments) {
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

    private void decodeLines(byte[] value, RecordContext record, RuntimeException sequenceFailure) {
        List<int[]> lines = Lines.split(value);
        if (lines.size() > record.maxDocuments()) {
            record.rejectTooManyDocuments();
            return;
        }
        if (lines.isEmpty()) {
            record.rejectWhole(RejectReason.EMPTY, "no JSON document (only blank or SSE control lines)");
            return;
        }
        if (looksPrettyPrinted(value, lines)) {
            int[] first = lines.get(0);
            int end = Utf8.trimEnd(value, value.length);
            DecodeException e = JsonCodec.failure(sequenceFailure, "document");
            record.reject(new Rejection(
                    e.reason(),
                    JsonFields.oneLine(e.detail()),
                    first[Lines.LINE],
                    first[Lines.START],
                    end - first[Lines.START]));
            return;
        }
        for (int[] line : lines) {
            DocumentContext ctx = record.document(line[Lines.LINE], line[Lines.START], line[Lines.LENGTH]);
            JsonNode node;
            try {
                node = codec.parse(value, line[Lines.CONTENT], line[Lines.CONTENT_LENGTH], "document");
            } catch (DecodeException e) {
                ctx.reject(e.reason(), e.detail());
                if (!record.endDocument(0)) {
                    return;
                }
                continue;
            }
            if (!record.endDocument(process(node, ctx))) {
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
            // the probe's answer: the first line alone is no JSON value; the reason is reported for the whole document
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
    private int process(JsonNode node, DocumentContext ctx) {
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
            ctx.reject(
                    RejectReason.INVALID_VALUE,
                    "decoder failure: " + e.getClass().getSimpleName());
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

    private record Document(JsonNode node, int line, int offset, int length) {}
}
