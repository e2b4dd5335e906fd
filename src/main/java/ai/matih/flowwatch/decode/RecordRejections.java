package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.flow.Flow;

/**
 * The rejections of one record's documents, on their way to the record's sink: everything one document rejects (the
 * elements of a JSON array, the items of an event list, the flows it yields) becomes one rejection of that document,
 * with the reason of the first and a detail saying how many. After {@code cap} rejected documents, the next one to be
 * rejected is rejected together with the rest of the record, undecoded, as one {@link RejectReason#TOO_MANY_REJECTIONS}
 * ({@link #endDocument} says to stop). So one record makes at most {@code cap + 1} dead letters, each carrying only
 * its own document's bytes (or the rest of the record). Used by one decode call.
 */
final class RecordRejections implements DecodeSink {

    private final DecodeSink sink;
    private final int cap;
    private final int recordLength;
    private int rejectedDocuments;
    /* The current document's first rejection and how many it made. */
    private Rejection first;
    private int count;

    /**
     * @param sink         the record's sink
     * @param cap          most documents of the record rejected one by one
     * @param recordLength the record value's length in bytes
     */
    RecordRejections(DecodeSink sink, int cap, int recordLength) {
        this.sink = sink;
        this.cap = cap;
        this.recordLength = recordLength;
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

    /**
     * Ends the current document: passes on its rejection, if it made any, as one; or, when {@code cap} documents were
     * rejected before, rejects it and the rest of the record as one and returns false: the record is to stop here.
     *
     * @param elements how many elements the document had when it is a JSON array, else 0
     */
    boolean endDocument(int elements) {
        if (first == null) {
            return true;
        }
        Rejection r = first;
        first = null;
        if (rejectedDocuments >= cap) {
            sink.rejected(new Rejection(
                    RejectReason.TOO_MANY_REJECTIONS,
                    "more than " + cap
                            + " documents of the record rejected: this one (line " + r.line() + ", "
                            + r.reason().tag()
                            + ") and the rest of the record were not decoded further",
                    r.line(),
                    r.offset(),
                    Math.max(0, recordLength - r.offset())));
            return false;
        }
        if (count > 1) {
            String of = elements > 0 ? count + " of " + elements + " elements rejected" : count + " rejections";
            r = new Rejection(r.reason(), of + "; first: " + r.detail(), r.line(), r.offset(), r.length());
        }
        count = 0;
        rejectedDocuments++;
        sink.rejected(r);
        return true;
    }
}
