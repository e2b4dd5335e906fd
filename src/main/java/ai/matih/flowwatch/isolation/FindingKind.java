package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.violation.Severity;

/** How the policies in force disagree with the isolation model on one connection. */
public enum FindingKind {
    /** The policies allow what the model forbids: an open door. */
    PERMITS_FORBIDDEN(Severity.CRITICAL),
    /** The policies deny what the model permits (DNS, shared infrastructure, the tenant's ingress, ...). */
    DENIES_PERMITTED(Severity.WARNING),
    /** The answer depends on the CNI or on missing data. */
    INDETERMINATE(Severity.INFO);

    private final Severity severity;

    FindingKind(Severity severity) {
        this.severity = severity;
    }

    /** critical, warning or info. */
    public Severity severity() {
        return severity;
    }
}
