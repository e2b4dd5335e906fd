package ai.matih.flowwatch.policy;

import java.util.List;
import java.util.Objects;

/**
 * What one direction says: the source's egress or the destination's ingress.
 *
 * @param direction            egress (of the source) or ingress (of the destination)
 * @param subject              the end whose policies were consulted ({@code ns/pod}), or the non-pod end
 * @param evaluated            false when policies were not consulted: a non-pod end (R3.7), loopback (R7.3), ingress
 *                             from the pod's own node (R7.2)
 * @param isolated             whether some policy selects the subject for this direction (R1.2)
 * @param verdict              ALLOW, DENY or INDETERMINATE for this direction
 * @param selectedBy           policies ({@code ns/name}) that select (or may select) the subject for this direction
 * @param allowedBy            the rules that allow the connection (empty when not isolated or not allowed)
 * @param reasons              human-readable explanation lines, most important first
 * @param indeterminateBecause why the verdict is INDETERMINATE (empty otherwise)
 */
public record DirectionResult(
        Direction direction,
        String subject,
        boolean evaluated,
        Truth isolated,
        PolicyVerdict verdict,
        List<String> selectedBy,
        List<RuleRef> allowedBy,
        List<String> reasons,
        List<String> indeterminateBecause) {

    public DirectionResult {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(isolated, "isolated");
        Objects.requireNonNull(verdict, "verdict");
        selectedBy = List.copyOf(selectedBy);
        allowedBy = List.copyOf(allowedBy);
        reasons = List.copyOf(reasons);
        indeterminateBecause = List.copyOf(indeterminateBecause);
    }

    /** A direction that was not evaluated and allows (non-pod end, loopback, node-local ingress). */
    static DirectionResult exempt(Direction direction, String subject, String reason) {
        return new DirectionResult(
                direction,
                subject,
                false,
                Truth.FALSE,
                PolicyVerdict.ALLOW,
                List.of(),
                List.of(),
                List.of(reason),
                List.of());
    }

    /** A direction that could not be evaluated for lack of data. */
    static DirectionResult unknown(Direction direction, String subject, String because) {
        return new DirectionResult(
                direction,
                subject,
                false,
                Truth.UNKNOWN,
                PolicyVerdict.INDETERMINATE,
                List.of(),
                List.of(),
                List.of(because),
                List.of(because));
    }

    /** True when this direction allows the connection. */
    public boolean allowed() {
        return verdict == PolicyVerdict.ALLOW;
    }
}
