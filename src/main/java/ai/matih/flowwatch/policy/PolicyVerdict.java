package ai.matih.flowwatch.policy;

/** What the NetworkPolicies in force say of a connection: the policy axis. */
public enum PolicyVerdict {
    ALLOW,
    DENY,
    /** Kubernetes leaves the answer to the CNI, or flowwatch lacks the data. */
    INDETERMINATE
}
