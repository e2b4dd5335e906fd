package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.flow.Flow;

/**
 * The rejections of one record's documents, on their way to the record's sink: everything one document rejects (the
 * elements of a JSON array, the items of an event list, the flows it yields) becomes one rejection of that document,
 * with the reason of the first and a detail saying how many; and a record stops once {@code cap} of its documents
 * were rejected ({@link #full()}), its rest rejected once ({@link #rest}). So one record makes at most {@code cap + 1}
 * dead letters, each carrying only its own document's bytes (or the unread rest). Used by one decode call.
 */
final class RecordRejections implements DecodeSink {

    private final DecodeSink sink;
    private final int cap;
    private int rejectedDocuments;
    /* The current document's first rejection and how many it made. */
    private Rejection first;
    private int count;

    RecordRejections(DecodeSink sink, int cap) {
        this.sink = sink;
        this.cap = cap;
    }

    @Override
    public void flow(Flow flow) {
        sink.flow(flow);
    }

    @Override
    public void audit(AuditEvent event) {
        sink.audit(event);
    }

    @Override
    public void skipped(String kind, long lostEvents) {
        sink.skipped(kind, lostEvents);
    }

    @Override
    public void rejected(Rejection rejection) {
        if (first == null) {
            first = rejection;
        }
        count++;
    }

    /** True when {@code cap} documents of the record were rejected: the rest is not to be decoded. */
    boolean full() {
        return rejectedDocuments >= cap;
    }

    /**
     * Ends the current document: passes on its rejection, if it made any, as one.
     *
     * @param elements how many elements the document had when it is a JSON array, else 0
     */
    void endDocument(int elements) {
        if (first == null) {
            return;
        }
        Rejection r = first;
        if (count > 1) {
            String of = elements > 0 ? count + " of " + elements + " elements rejected" : count + " rejections";
            r = new Rejection(first.reason(), of + "; first: " + first.detail(), first.line(), first.offset(),
                    first.length());
        }
        first = null;
        count = 0;
        rejectedDocuments++;
        sink.rejected(r);
    }

    /**
     * Rejects the rest of the record, from the document at {@code offset} (on {@code line}) to its end, once: the
     * record had {@code cap} rejected documents already.
     */
    void rest(int line, int offset, int length) {
        sink.rejected(new Rejection(RejectReason.TOO_MANY_REJECTIONS, rejectedDocuments
                + " documents of the record were rejected, the most one record may have; the rest, from line " + line
                + ", was not decoded", line, offset, length));
    }
}
