package ai.matih.flowwatch.violation;

/** The kinds of violation flowwatch reports (docs/judging.md). */
public enum ViolationType {
    ISOLATION_BREACH(Severity.CRITICAL),
    UNEXPECTED_EGRESS(Severity.CRITICAL),
    ENFORCEMENT_GAP(Severity.WARNING),
    BLOCKED_ATTEMPT(Severity.INFO),
    UNEXPECTED_DENY(Severity.WARNING),
    UNCLASSIFIED(Severity.INFO),
    POLICY_TAMPERING(Severity.CRITICAL),
    TOPOLOGY_DRIFT(Severity.WARNING),
    FORBIDDEN_API_ACCESS(Severity.WARNING),
    CROSS_TENANT_EXEC(Severity.CRITICAL),
    POLICY_GAP(Severity.CRITICAL);

    private final Severity severity;

    ViolationType(Severity severity) {
        this.severity = severity;
    }

    /** The usual severity of this type (some detections raise it). */
    public Severity severity() {
        return severity;
    }

    /** Parses a type name, case-insensitively; null when unknown. */
    public static ViolationType parse(String text) {
        for (ViolationType t : values()) {
            if (t.name().equalsIgnoreCase(text)) {
                return t;
            }
        }
        return null;
    }
}
