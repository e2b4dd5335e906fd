package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.flow.Flow;
import java.time.Instant;
import java.util.List;

/**
 * The fast path of a topic: decodes a whole record value in the common shape its shippers write, straight from the
 * bytes, without building a JSON tree. Anything out of the ordinary (a wrapper, a non-flow line, a wrong type, a
 * duplicated field, a syntax error) makes it decline, and the record then goes through the full decoder, which gives
 * the exact reason for a rejection; a flow outside the input bounds ({@link FlowBounds}) also makes it decline.
 * Every decline is counted by reason ({@link #fallbacks()}). Both paths produce equal flows for every record the
 * fast path accepts (StreamingDecoderEquivalenceTest).
 */
public interface FastPath {

    /** Thrown inside a fast path to decline; carries no stack trace and never leaves {@link #decode}. */
    final class Decline extends RuntimeException {
        private Decline() {
            super(null, null, false, false);
        }
    }

    /** The one instance (throwing it costs nothing). */
    Decline DECLINE = new Decline();

    /**
     * Decodes every document of {@code value} into {@code out}.
     *
     * @param receivedAt   the Kafka record's timestamp, the time of a flow whose document carries none, or null
     * @param maxDocuments the most documents a record may hold
     * @return true when every document was decoded; false to decline (what was added to {@code out} is then
     *         meaningless and the caller discards it)
     */
    boolean decode(byte[] value, Instant receivedAt, int maxDocuments, List<Flow> out);

    /** How often, and why, this fast path declined records. */
    FastPathFallbacks fallbacks();
}
