package ai.matih.flowwatch.violation;

import com.fasterxml.jackson.annotation.JsonValue;

/** Which forbidden pattern a connection follows (the intent table of docs/judging.md). */
public enum Category {
    CROSS_TENANT("cross-tenant"),
    TENANT_TO_CONTROL_PLANE("tenant-to-control-plane"),
    EXTERNAL_EGRESS("external-egress"),
    EXTERNAL_INGRESS("external-ingress"),
    OTHER("other");

    private final String tag;

    Category(String tag) {
        this.tag = tag;
    }

    @JsonValue
    public String tag() {
        return tag;
    }
}
