package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.classify.PolicyVerdict;
import java.util.List;

/**
 * Reply of {@code POST /api/v1/policy/evaluate}: one result per connection, in order.
 *
 * @param results the results
 */
public record EvaluateResponse(List<Result> results) {

    /**
     * The verdict on one connection.
     *
     * @param verdict              ALLOW, DENY or INDETERMINATE
     * @param egress               the source side
     * @param ingress              the destination side
     * @param decidedBy            the policies (and rules, {@code ns/name#ingress[i]}) that decided
     * @param reasons              why, in sentences
     * @param indeterminateBecause what Kubernetes leaves to the CNI or what data is missing
     * @param cniDependent         true when another CNI could decide differently
     * @param cniDependentBecause  how
     */
    public record Result(PolicyVerdict verdict, DirectionResult egress, DirectionResult ingress, List<String> decidedBy,
                         List<String> reasons, List<String> indeterminateBecause, boolean cniDependent,
                         List<String> cniDependentBecause) {

        static Result of(PolicyResult r) {
            return new Result(r.verdict(), r.egress(), r.ingress(), r.decidedBy(), r.reasons(), r.indeterminateBecause(),
                    r.cniDependent(), r.cniDependentBecause());
        }
    }
}
