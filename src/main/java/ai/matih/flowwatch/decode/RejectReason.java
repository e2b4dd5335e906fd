package ai.matih.flowwatch.decode;

/**
 * Why a record (or one NDJSON line of it) was rejected. The {@link #tag()} is the bounded value of the
 * {@code reason} tag of {@code flowwatch_records_rejected_total}; the detail goes in the DLQ header.
 */
public enum RejectReason {
    /** The record value is empty or blank. */
    EMPTY("empty"),
    /** The record is larger than {@code flowwatch.ingest.max-record-bytes}. */
    OVERSIZED("oversized"),
    /** The record holds more NDJSON lines than {@code flowwatch.ingest.max-lines-per-record}. */
    TOO_MANY_LINES("too-many-lines"),
    /** Not valid UTF-8. */
    INVALID_UTF8("invalid-utf8"),
    /** Not valid JSON (syntax error, truncated document). */
    INVALID_JSON("invalid-json"),
    /** Nested deeper than the decoder accepts. */
    TOO_DEEP("too-deep"),
    /** Valid JSON but not an object of any format this topic carries. */
    UNKNOWN_FORMAT("unknown-format"),
    /** A document of a known format that lacks a field classification needs. */
    MISSING_FIELD("missing-field"),
    /** A field of the wrong type or with a value outside its domain. */
    INVALID_VALUE("invalid-value"),
    /** A document of another topic's format (e.g. an audit event on hubble-flows). */
    MISROUTED("misrouted"),
    /** A Kubernetes name (namespace, pod, workload, node) that the API server would not accept. */
    INVALID_NAME("invalid-name"),
    /** An endpoint with more labels, or more label bytes, than flowwatch keeps. */
    TOO_MANY_LABELS("too-many-labels"),
    /** A field (or list) larger than flowwatch keeps. */
    FIELD_TOO_LARGE("field-too-large"),
    /** The record had more rejected documents than one record may dead-letter one by one. */
    TOO_MANY_REJECTIONS("too-many-rejections");

    private final String tag;

    RejectReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
