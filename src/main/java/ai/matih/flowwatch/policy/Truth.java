package ai.matih.flowwatch.policy;

/** A three-valued (Kleene) truth: a match that holds, does not hold, or cannot be decided from what flowwatch knows. */
public enum Truth {
    TRUE,
    FALSE,
    UNKNOWN;

    /** TRUE or FALSE for a boolean. */
    public static Truth of(boolean value) {
        return value ? TRUE : FALSE;
    }
}
