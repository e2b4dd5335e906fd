package ai.matih.flowwatch.decode;

import java.util.Objects;

/**
 * A rejected record, or a rejected line of an NDJSON record.
 *
 * @param reason    the bounded reason
 * @param detail    one line saying what is wrong, for the DLQ header (never contains the payload)
 * @param line      1-based line number within the record value, or 0 when the whole record is rejected
 * @param offset    byte offset of the rejected part within the record value
 * @param length    byte length of the rejected part
 */
public record Rejection(RejectReason reason, String detail, int line, int offset, int length) {

    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** Rejects the whole record value. */
    public static Rejection whole(RejectReason reason, String detail, int length) {
        return new Rejection(reason, detail, 0, 0, length);
    }
}
