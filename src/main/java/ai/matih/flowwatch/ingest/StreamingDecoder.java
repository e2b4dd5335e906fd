package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.flow.Flow;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * A {@link FastPath} on Jackson's streaming parser: subclasses decode one root-level object; this class walks the
 * documents of a record (one, or NDJSON). Thread-safe when the subclass is.
 */
public abstract class StreamingDecoder implements FastPath {

    private final JsonCodec codec;

    protected StreamingDecoder(JsonCodec codec) {
        this.codec = codec;
    }

    @Override
    public final boolean decode(byte[] value, Instant receivedAt, int maxDocuments, List<Flow> out) {
        try (JsonParser p = codec.factory().createParser(value)) {
            int documents = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_OBJECT || ++documents > maxDocuments) {
                    return false;
                }
                out.add(document(p, value, receivedAt));
            }
            return documents > 0;
        } catch (IOException | RuntimeException e) {
            // Decline, a DecodeException of shared code, a syntax error or a read constraint: the full path judges it
            return false;
        }
    }

    /**
     * Decodes the root-level object whose START_OBJECT the parser is on, up to its END_OBJECT; throws
     * {@link FastPath#DECLINE} (or any exception) to decline.
     *
     * @param value the bytes the parser reads, from offset 0 (for byte ranges of sub-documents)
     */
    protected abstract Flow document(JsonParser p, byte[] value, Instant receivedAt) throws IOException;

    /** The codec the parsers come from. */
    protected final JsonCodec codec() {
        return codec;
    }

    /** True when the parser is on an object's START_OBJECT, false on null; declines on anything else. */
    protected static boolean object(JsonToken t) {
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        if (t != JsonToken.START_OBJECT) {
            throw DECLINE;
        }
        return true;
    }
}
