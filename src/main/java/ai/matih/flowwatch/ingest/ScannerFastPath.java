package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.flow.Flow;
import java.time.Instant;
import java.util.List;

/**
 * A fast path over records of one or more top-level JSON objects (one per line, or run together), read with a
 * {@link JsonScanner}: a subclass decodes one object into a flow and throws {@link FastPath#DECLINE} (or a
 * DecodeException of the shared decoders) to let the tree path judge the whole record.
 */
public abstract class ScannerFastPath implements FastPath {

    @Override
    public final boolean decode(byte[] value, Instant receivedAt, int maxDocuments, List<Flow> out) {
        try {
            JsonScanner s = new JsonScanner(value);
            int documents = 0;
            while (s.more()) {
                if (s.peek() != '{' || ++documents > maxDocuments) {
                    return false;
                }
                out.add(document(s, value, receivedAt));
            }
            return documents > 0;
        } catch (RuntimeException e) {
            // a decline, or a DecodeException of the shared code: the full path judges the record
            return false;
        }
    }

    /** One object; the scanner is on its '{' and must end after its '}'. */
    protected abstract Flow document(JsonScanner s, byte[] value, Instant receivedAt);
}
