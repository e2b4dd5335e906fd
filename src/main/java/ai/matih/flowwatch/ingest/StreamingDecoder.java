package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.flow.Flow;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The fast path of a topic: decodes a whole record value in the common shape its shippers write, straight from the
 * bytes, without building a JSON tree. Anything out of the ordinary (a wrapper, a non-flow line, a wrong type, a
 * duplicated field, a syntax error) makes it decline, and the record then goes through the full decoder, which gives
 * the exact reason for a rejection. Both paths produce equal flows for every record the fast path accepts.
 *
 * <p>Subclasses decode one root-level object; this class walks the documents of a record (one, or NDJSON).
 * Thread-safe when the subclass is.
 */
public abstract class StreamingDecoder {

    /** Thrown to leave the fast path; carries no stack trace and never leaves {@link #decode}. */
    protected static final class Decline extends RuntimeException {
        private Decline() {
            super(null, null, false, false);
        }
    }

    protected static final Decline DECLINE = new Decline();

    private final JsonCodec codec;

    protected StreamingDecoder(JsonCodec codec) {
        this.codec = codec;
    }

    /**
     * Decodes every document of {@code value} into {@code out}.
     *
     * @param receivedAt   the Kafka record's timestamp, the time of a flow whose document carries none, or null
     * @param maxDocuments the most documents a record may hold
     * @return true when every document was decoded; false to decline (what was added to {@code out} is then
     *         meaningless and the caller discards it)
     */
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
     * {@link #DECLINE} (or any exception) to decline.
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
