package ai.matih.flowwatch.decode;

import java.util.Objects;

/**
 * Thrown by the format decoders when a document cannot be used. Carries the bounded reason and a one-line
 * detail that never echoes payload content. No stack trace: it is control flow on the hot path.
 */
public final class DecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final RejectReason reason;

    public DecodeException(RejectReason reason, String detail) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RejectReason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }

    public static DecodeException missing(String field) {
        return new DecodeException(RejectReason.MISSING_FIELD, "missing " + field);
    }

    public static DecodeException invalid(String field, String expectation) {
        return new DecodeException(RejectReason.INVALID_VALUE, field + ": " + expectation);
    }
}
