package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.topology.Topology;

/** A placed end of a flow as the policy engine sees it, exactly as the classifier's policy axis builds it. Pure. */
public final class PolicyEndpoints {

    private PolicyEndpoints() {}

    /**
     * The end from the topology when it knows the pod, else from what the record says (labels it does not carry are
     * unknown, not empty).
     */
    public static PolicyEndpoint of(Party party, Flow flow, Topology topology) {
        return EnginePolicyAxis.endpoint(party, flow, topology);
    }
}
