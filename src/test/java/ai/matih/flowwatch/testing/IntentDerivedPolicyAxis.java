package ai.matih.flowwatch.testing;

import ai.matih.flowwatch.classify.Intent;
import ai.matih.flowwatch.classify.IntentResult;
import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.classify.PolicyAxis;
import ai.matih.flowwatch.policy.PolicyDecision;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.topology.Topology;

/**
 * A policy axis that assumes the policies say what intent says (for tests of the classifier without the engine), so a breach is caused by {@code not-enforced} and an unexpected deny by {@code not-policy}.
 * {@code decidedBy} names the policies the CNI itself reported, when the record carries them.
 */
public final class IntentDerivedPolicyAxis implements PolicyAxis {

    @Override
    public PolicyDecision decide(Flow flow, Party source, Party destination, IntentResult.Judged intent,
                                 Topology topology) {
        PolicyVerdict verdict = intent.intent() == Intent.PERMITTED ? PolicyVerdict.ALLOW : PolicyVerdict.DENY;
        return new PolicyDecision(verdict, flow.policies(),
                "policy axis derived from intent: the seed policies " + (verdict == PolicyVerdict.ALLOW ? "allow" : "deny")
                        + " this connection");
    }
}
