package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.policy.PolicyDecision;
import ai.matih.flowwatch.topology.Topology;

/** Decides the policy axis of a connection. */
public interface PolicyAxis {

    PolicyDecision decide(Flow flow, Party source, Party destination, IntentResult.Judged intent, Topology topology);
}
