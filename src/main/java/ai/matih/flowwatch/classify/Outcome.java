package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.policy.PolicyDecision;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.Cause;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.ViolationType;

/** The result of classifying one flow record. */
public sealed interface Outcome {

    /** The metric tag value of this outcome ({@code classification} tag). */
    String classification();

    /** Permitted traffic the CNI allowed, or platform traffic that is not judged. */
    record Normal(String reason) implements Outcome {
        @Override
        public String classification() {
            return "NORMAL";
        }
    }

    /** A reply: not a new connection. */
    record Reply() implements Outcome {
        @Override
        public String classification() {
            return "REPLY";
        }
    }

    /**
     * An allow seen only on the source side of an in-cluster connection: the destination's own report decides
     * (the destination's ingress policy may still drop it), so it is neither counted as normal nor as a breach.
     */
    record Partial(String reason) implements Outcome {
        @Override
        public String classification() {
            return "PARTIAL";
        }
    }

    /**
     * A connection against intent (or permitted traffic that was denied).
     *
     * @param type     violation type
     * @param severity severity
     * @param category forbidden pattern, null for permitted traffic
     * @param cause    what the policy axis says
     * @param intent   the intent axis
     * @param policy   the policy axis
     * @param reason   a sentence for the user
     * @param source   the source party
     * @param destination the destination party
     */
    record Flagged(
            ViolationType type,
            Severity severity,
            Category category,
            Cause cause,
            IntentResult.Judged intent,
            PolicyDecision policy,
            String reason,
            Party source,
            Party destination)
            implements Outcome {
        @Override
        public String classification() {
            return type.name();
        }
    }

    /**
     * flowwatch cannot judge the connection: counted, never treated as allowed.
     *
     * @param reason      why
     * @param source      the source party
     * @param destination the destination party
     * @param tenantInvolved true when a tenant may be at one end (then it is also kept as a violation)
     */
    record Unclassified(String reason, Party source, Party destination, boolean tenantInvolved) implements Outcome {
        @Override
        public String classification() {
            return "UNCLASSIFIED";
        }
    }
}
