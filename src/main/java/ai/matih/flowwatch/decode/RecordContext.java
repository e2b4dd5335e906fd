package ai.matih.flowwatch.decode;

import java.time.Instant;

/**
 * One record value on its way through a {@link FormatDecoder}: its limits, when it reached Kafka, and where its
 * results go. A document's results go through {@link #document}'s context; {@link #endDocument} after each document
 * folds its rejections into one and says when the record has had too many ({@link RecordRejections}). Used by one
 * decode call, on one thread.
 */
public final class RecordContext {

    private final DecodeSink sink;
    private final Instant receivedAt;
    private final int maxDocuments;
    private final int maxRejections;
    private final int length;
    private RecordRejections rejections;

    RecordContext(DecodeSink sink, Instant receivedAt, int maxDocuments, int maxRejections, int length) {
        this.sink = sink;
        this.receivedAt = receivedAt;
        this.maxDocuments = maxDocuments;
        this.maxRejections = maxRejections;
        this.length = length;
    }

    /** When the record reached Kafka (its timestamp), or null. */
    public Instant receivedAt() {
        return receivedAt;
    }

    /** The most documents the record may hold; with more, {@link #rejectTooManyDocuments} rejects it whole. */
    public int maxDocuments() {
        return maxDocuments;
    }

    /** The record value's length in bytes. */
    public int length() {
        return length;
    }

    /** The context of one document of the record, at {@code line} (1-based), {@code offset} and {@code length}. */
    public DocumentContext document(int line, int offset, int documentLength) {
        return new DocumentContext(rejections(), line, offset, documentLength, receivedAt);
    }

    /**
     * Ends the current document; false when the record is to stop here (too many rejected documents: the rest of
     * the record has been rejected as one).
     *
     * @param elements how many elements the document had when it is a list (a JSON array), else 0
     */
    public boolean endDocument(int elements) {
        return rejections().endDocument(elements);
    }

    /** Rejects the whole record, undecoded. */
    public void rejectWhole(RejectReason reason, String detail) {
        sink.rejected(Rejection.whole(reason, detail, length));
    }

    /** Rejects the whole record for holding more than {@link #maxDocuments} documents. */
    public void rejectTooManyDocuments() {
        rejectWhole(RejectReason.TOO_MANY_LINES, "more than " + maxDocuments + " documents in one record");
    }

    /** Rejects a part of the record that is not one of its documents (a run of lines read as one). */
    public void reject(Rejection rejection) {
        sink.rejected(rejection);
    }

    private RecordRejections rejections() {
        if (rejections == null) {
            rejections = new RecordRejections(sink, maxRejections, length);
        }
        return rejections;
    }
}
