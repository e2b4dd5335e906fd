package ai.matih.flowwatch.policy;

import java.util.Objects;

/**
 * One rule of one policy: {@code namespace/name#ingress[0]} (the index is 0-based, as in the manifest's list).
 *
 * @param policy    {@code namespace/name}
 * @param direction ingress or egress
 * @param index     0-based index into {@code spec.ingress} or {@code spec.egress}
 */
public record RuleRef(String policy, Direction direction, int index) {

    public RuleRef {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(direction, "direction");
    }

    @Override
    public String toString() {
        return policy + "#" + direction.field() + "[" + index + "]";
    }
}
