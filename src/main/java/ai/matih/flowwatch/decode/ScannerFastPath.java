package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.decode.FastPathFallbacks.Reason;
import ai.matih.flowwatch.decode.json.JsonScanner;
import ai.matih.flowwatch.flow.Flow;
import java.time.Instant;
import java.util.List;

/**
 * A fast path over records of one or more top-level JSON objects (one per line, or run together), read with a
 * {@link JsonScanner}: a subclass decodes one object into a flow and throws {@link FastPath#DECLINE} (or a
 * DecodeException of the shared decoders) to let the tree path judge the whole record. A flow outside the
 * {@link FlowBounds} also declines, so that the tree path rejects it with its document's position (or clips it).
 * Every decline is counted by reason in {@link #fallbacks()}.
 */
public abstract class ScannerFastPath implements FastPath {

    private final FastPathFallbacks fallbacks;

    /** @param fallbacks where this fast path counts its declines */
    protected ScannerFastPath(FastPathFallbacks fallbacks) {
        this.fallbacks = fallbacks;
    }

    /** The declines of this fast path so far, by reason. */
    @Override
    public final FastPathFallbacks fallbacks() {
        return fallbacks;
    }

    @Override
    public final boolean decode(byte[] value, Instant receivedAt, int maxDocuments, List<Flow> out) {
        Reason reason;
        try {
            reason = decodeAll(value, receivedAt, maxDocuments, out);
        } catch (FastPath.Decline e) {
            reason = Reason.SHAPE;
        } catch (DecodeException e) {
            reason = Reason.DECODE_ERROR;
        } catch (RuntimeException e) {
            reason = Reason.FAILURE;
        }
        if (reason == null) {
            return true;
        }
        fallbacks.record(reason);
        return false;
    }

    /** Decodes every document into {@code out}; null when all were, else why the fast path declines. */
    private Reason decodeAll(byte[] value, Instant receivedAt, int maxDocuments, List<Flow> out) {
        JsonScanner s = new JsonScanner(value);
        int documents = 0;
        while (s.more()) {
            if (s.peek() != '{') {
                return Reason.NOT_AN_OBJECT;
            }
            if (++documents > maxDocuments) {
                return Reason.TOO_MANY_DOCUMENTS;
            }
            Flow flow = document(s, value, receivedAt);
            if (!FlowBounds.within(flow)) {
                return Reason.OUT_OF_BOUNDS;
            }
            out.add(flow);
        }
        return documents > 0 ? null : Reason.NOT_AN_OBJECT;
    }

    /** One object; the scanner is on its '{' and must end after its '}'. */
    protected abstract Flow document(JsonScanner s, byte[] value, Instant receivedAt);
}
