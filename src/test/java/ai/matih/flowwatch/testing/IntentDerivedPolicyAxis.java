package ai.matih.flowwatch.testing;

import ai.matih.flowwatch.classify.Intent;
import ai.matih.flowwatch.classify.IntentResult;
import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.classify.PolicyAxis;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.policy.PolicyDecision;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.topology.Topology;

/**
 * A policy axis for tests that answers what intent says: it allows what intent permits and denies what intent
 * forbids, so classifier and store tests run without the NetworkPolicy engine. A breach is therefore caused by
 * {@code not-enforced} and an unexpected deny by {@code not-policy}. {@code decidedBy} names the policies the CNI
 * itself reported, when the record carries them.
 */
public final class IntentDerivedPolicyAxis implements PolicyAxis {

    @Override
    public PolicyDecision decide(
            Flow flow, Party source, Party destination, IntentResult.Judged intent, Topology topology) {
        PolicyVerdict verdict = intent.intent() == Intent.PERMITTED ? PolicyVerdict.ALLOW : PolicyVerdict.DENY;
        String reason = verdict == PolicyVerdict.ALLOW
                ? "intent permits this connection, so the test policy axis allows it"
                : "intent forbids this connection, so the test policy axis denies it";
        return new PolicyDecision(verdict, flow.policies(), reason);
    }
}
