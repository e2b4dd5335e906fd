package ai.matih.flowwatch.flow;

/** What kind of thing an endpoint of a flow is, as far as the record tells. */
public enum EndpointKind {
    /** A pod (workload endpoint), named by namespace and pod or aggregated workload. */
    POD,
    /** A node / host endpoint (Cilium reserved:host, reserved:remote-node; Calico hep). */
    HOST,
    /** Known to be outside the cluster (Cilium reserved:world, Calico public network). */
    WORLD,
    /** A cluster component without a namespace (Cilium reserved:kube-apiserver, health, ingress, init, unmanaged). */
    RESERVED,
    /** A network or network set that is not a workload (Calico net pvt, NetworkSet): located by IP if any. */
    NETWORK,
    /** Nothing known but perhaps an IP: located by the configured internal CIDRs. */
    UNKNOWN
}
