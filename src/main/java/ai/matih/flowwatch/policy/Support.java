package ai.matih.flowwatch.policy;

/** Whether the CNI in use implements a behaviour that Kubernetes leaves to it. */
public enum Support {
    /** It does. */
    YES,
    /** It does not. */
    NO,
    /** Not known: verdicts that depend on it are INDETERMINATE. */
    UNKNOWN
}
