package ai.matih.flowwatch.policy;

import java.util.List;
import java.util.Objects;

/**
 * What the NetworkPolicies in force say of one connection: the source's egress AND the destination's ingress (R3.6).
 *
 * @param verdict              ALLOW, DENY or INDETERMINATE (Kleene AND of the two directions, then CNI dependence)
 * @param egress               the source's egress
 * @param ingress              the destination's ingress
 * @param decidedBy            for ALLOW the allowing rules ({@code ns/name#ingress[0]}, 0-based); for DENY the
 *                             policies ({@code ns/name}) isolating the denying direction(s); for INDETERMINATE the
 *                             policies selecting the undecided direction(s); empty when no policy is involved
 * @param reasons              human-readable explanation, one line each
 * @param indeterminateBecause why the verdict is INDETERMINATE (UNDEFINED/CNI case or missing data); else empty
 * @param cniDependent         true when the verdict changes with CNI-defined behaviour (R4.8 ipBlock on pod IPs,
 *                             R5.7 endPort, R7.4 hostNetwork, R5.8 isolation of ICMP and other protocols); the
 *                             verdict given is the {@link CniProfile}'s
 * @param cniDependentBecause  which behaviour, and what the verdict would be otherwise
 */
public record PolicyResult(
        PolicyVerdict verdict,
        DirectionResult egress,
        DirectionResult ingress,
        List<String> decidedBy,
        List<String> reasons,
        List<String> indeterminateBecause,
        boolean cniDependent,
        List<String> cniDependentBecause) {

    public PolicyResult {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(egress, "egress");
        Objects.requireNonNull(ingress, "ingress");
        decidedBy = List.copyOf(decidedBy);
        reasons = List.copyOf(reasons);
        indeterminateBecause = List.copyOf(indeterminateBecause);
        cniDependentBecause = List.copyOf(cniDependentBecause);
    }

    /** True for ALLOW. */
    public boolean allowed() {
        return verdict == PolicyVerdict.ALLOW;
    }

    /** A multi-line human explanation: verdict, then each direction, then uncertainty. */
    public String explain() {
        StringBuilder sb = new StringBuilder(verdict.name());
        if (!decidedBy.isEmpty()) {
            sb.append(" by ").append(String.join(", ", decidedBy));
        }
        sb.append('\n');
        reasons.forEach(r -> sb.append("  ").append(r).append('\n'));
        for (DirectionResult d : List.of(egress, ingress)) {
            sb.append("  ")
                    .append(d.direction().field())
                    .append(" of ")
                    .append(d.subject())
                    .append(": ")
                    .append(d.verdict())
                    .append('\n');
            d.reasons().forEach(r -> sb.append("    ").append(r).append('\n'));
        }
        indeterminateBecause.forEach(
                r -> sb.append("  indeterminate: ").append(r).append('\n'));
        cniDependentBecause.forEach(
                r -> sb.append("  CNI-dependent: ").append(r).append('\n'));
        return sb.toString();
    }

    /** The policy axis as the classifier consumes it. */
    public PolicyDecision toDecision() {
        List<String> by = decidedBy.isEmpty() ? reasons : decidedBy;
        String reason = reasons.isEmpty() ? verdict.name() : reasons.get(0);
        if (!indeterminateBecause.isEmpty()) {
            reason = reason + " (" + indeterminateBecause.get(0) + ")";
        }
        return new PolicyDecision(verdict, by, reason);
    }
}
