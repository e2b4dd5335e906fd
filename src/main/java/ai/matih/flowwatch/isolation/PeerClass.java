package ai.matih.flowwatch.isolation;

import com.fasterxml.jackson.annotation.JsonValue;

/** The class of peer a tenant namespace is checked against. */
public enum PeerClass {
    /** Another pod of the same namespace. */
    SAME_NAMESPACE("same-namespace"),
    /** A namespace of another tenant (or another namespace of the same tenant). */
    TENANT("tenant"),
    /** The platform control plane. */
    CONTROL_PLANE("control-plane"),
    /** An ingress-controller pod, labelled for the tenant or for another tenant. */
    INGRESS("ingress"),
    /** Shared infrastructure. */
    SHARED_INFRA("shared-infra"),
    /** The cluster DNS pods. */
    DNS("dns"),
    /** Outside the cluster. */
    EXTERNAL("external"),
    /** A namespace without a platform role (kube-system, monitoring, ...). */
    OTHER("other");

    private final String tag;

    PeerClass(String tag) {
        this.tag = tag;
    }

    /** The name in JSON: {@code same-namespace}, {@code control-plane}, ... */
    @JsonValue
    public String tag() {
        return tag;
    }
}
