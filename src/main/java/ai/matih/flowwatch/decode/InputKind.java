package ai.matih.flowwatch.decode;

/** The three input topics and what each carries. */
public enum InputKind {
    /** Calico Enterprise flows.log lines and Calico OSS Goldmane/Whisker flows. */
    CALICO,
    /** Hubble exporter / observe lines, bare Flow objects, or either wrapped as {"log": "..."}. */
    HUBBLE,
    /** Kubernetes audit Event, EventList, AKS wrapper. */
    AUDIT
}
