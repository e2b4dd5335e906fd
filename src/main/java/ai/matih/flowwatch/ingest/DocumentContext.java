package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.flow.Flow;

/**
 * Where one document of a record sits (line, byte offset, byte length) and the sink its results go to.
 * Rejections made through it point at the document, so the caller can dead-letter just that part.
 */
public final class DocumentContext {

    private final DecodeSink sink;
    private final int line;
    private final int offset;
    private final int length;

    public DocumentContext(DecodeSink sink, int line, int offset, int length) {
        this.sink = sink;
        this.line = line;
        this.offset = offset;
        this.length = length;
    }

    public void flow(Flow flow) {
        sink.flow(flow);
    }

    public void audit(AuditEvent event) {
        sink.audit(event);
    }

    public void skipped(String kind, long lostEvents) {
        sink.skipped(kind, lostEvents);
    }

    public void reject(RejectReason reason, String detail) {
        sink.rejected(new Rejection(reason, JsonFields.oneLine(detail), line, offset, length));
    }
}
