package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.audit.AuditBounds;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.flow.Flow;
import java.time.Instant;

/**
 * Where one document of a record sits (line, byte offset, byte length) and the sink its results go to.
 * Rejections made through it point at the document, so the caller can dead-letter just that part.
 */
public final class DocumentContext {

    private final DecodeSink sink;
    private final int line;
    private final int offset;
    private final int length;
    private final Instant receivedAt;

    public DocumentContext(DecodeSink sink, int line, int offset, int length) {
        this(sink, line, offset, length, null);
    }

    /**
     * @param receivedAt when the record reached Kafka (its timestamp): the time of a flow whose document
     *                   carries none (some Calico examples have no start_time); null when unknown
     */
    public DocumentContext(DecodeSink sink, int line, int offset, int length, Instant receivedAt) {
        this.sink = sink;
        this.line = line;
        this.offset = offset;
        this.length = length;
        this.receivedAt = receivedAt;
    }

    /** When the record reached Kafka, or null. */
    public Instant receivedAt() {
        return receivedAt;
    }

    /**
     * Delivers a decoded flow held to the input bounds ({@link FlowBounds}): free text clipped, and anything else
     * out of bounds thrown, for the caller to reject with this document's position.
     *
     * @throws DecodeException when a name, label, IP or list of the flow is not acceptable
     */
    public void flow(Flow flow) {
        sink.flow(FlowBounds.check(flow));
    }

    /**
     * Delivers a decoded audit event held to the input bounds ({@link AuditBounds}), as {@link #flow}.
     *
     * @throws DecodeException when a name, label or size of the event is not acceptable
     */
    public void audit(AuditEvent event) {
        sink.audit(AuditBounds.check(event));
    }

    public void skipped(String kind, long lostEvents) {
        sink.skipped(kind, lostEvents);
    }

    public void reject(RejectReason reason, String detail) {
        sink.rejected(new Rejection(reason, JsonFields.oneLine(detail), line, offset, length));
    }
}
