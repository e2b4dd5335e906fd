package ai.matih.flowwatch.violation;

/** Ids of violations that do not come from flows. */
public final class Violations {

    private Violations() {}

    /** The stable id of an audit detection: one per (type, auditID), so a replayed event changes nothing. */
    public static String auditId(ViolationType type, String auditId) {
        return Hashing.id(type.name(), "audit", auditId);
    }
}
