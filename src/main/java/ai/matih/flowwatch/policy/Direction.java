package ai.matih.flowwatch.policy;

import java.util.Locale;

/** A policy direction, as in {@code spec.policyTypes}. */
public enum Direction {
    INGRESS("Ingress"),
    EGRESS("Egress");

    private final String policyType;

    Direction(String policyType) {
        this.policyType = policyType;
    }

    /** The spelling in {@code spec.policyTypes}: {@code Ingress} or {@code Egress}. */
    public String policyType() {
        return policyType;
    }

    /** Lower-case name used in rule references: {@code ingress} or {@code egress}. */
    public String field() {
        return name().toLowerCase(Locale.ROOT);
    }
}
