package ai.matih.flowwatch.isolation;

import java.util.Collection;

/** A tenant's isolation in one word, from its findings. */
public enum IsolationStatus {
    /** No finding: the policies do what the model says. */
    ISOLATED,
    /** Some connection the model forbids is allowed. */
    BREACHABLE,
    /** Nothing forbidden is allowed, but something permitted is denied. */
    OVER_STRICT,
    /** Neither, but some answer depends on the CNI or on missing data. */
    INDETERMINATE;

    /** BREACHABLE if any PERMITS_FORBIDDEN, else OVER_STRICT if any DENIES_PERMITTED, else INDETERMINATE if any. */
    public static IsolationStatus of(Collection<Finding> findings) {
        boolean denies = false;
        boolean undecided = false;
        for (Finding f : findings) {
            switch (f.kind()) {
                case PERMITS_FORBIDDEN -> {
                    return BREACHABLE;
                }
                case DENIES_PERMITTED -> denies = true;
                case INDETERMINATE -> undecided = true;
            }
        }
        return denies ? OVER_STRICT : undecided ? INDETERMINATE : ISOLATED;
    }
}
