package ai.matih.flowwatch.violation;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the policy axis says about why a violation happened: what to fix. */
public enum Cause {
    /** The CNI let through what the policies deny. */
    NOT_ENFORCED("not-enforced"),
    /** A policy allows what intent forbids: it is too open. */
    POLICY_PERMITS("policy-permits"),
    /** The policies deny it (as expected for a blocked attempt; too strict for an unexpected deny). */
    POLICY_DENIES("policy-denies"),
    /** The CNI dropped what the policies allow. */
    NOT_POLICY("not-policy"),
    /** The policy axis is indeterminate. */
    UNKNOWN("unknown");

    private final String tag;

    Cause(String tag) {
        this.tag = tag;
    }

    @JsonValue
    public String tag() {
        return tag;
    }
}
