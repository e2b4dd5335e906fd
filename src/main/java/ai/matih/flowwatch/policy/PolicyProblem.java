package ai.matih.flowwatch.policy;

import java.util.Objects;

/**
 * A NetworkPolicy the API server would reject (VAL), or that flowwatch cannot read. The engine never lets such a
 * policy decide a verdict: see {@link PolicyEngine}.
 *
 * @param policy  {@code namespace/name}
 * @param field   the offending field path, e.g. {@code spec.ingress[0].from[1]}
 * @param message what is wrong
 */
public record PolicyProblem(String policy, String field, String message) {

    public PolicyProblem {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return policy + " " + field + ": " + message;
    }
}
