package ai.matih.flowwatch.topology;

import java.util.Locale;

/** The role a namespace plays in the tenancy model. */
public enum Role {
    /** A tenant's own namespace. */
    TENANT,
    /** The platform control plane. */
    CONTROL_PLANE,
    /** The ingress controllers (one per tenant, told apart by the tenant label on their pods). */
    INGRESS,
    /** Shared infrastructure (databases, caches, brokers). */
    SHARED_INFRA,
    /** Any other namespace (kube-system, monitoring, ...). */
    OTHER;

    private final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** Lower-case, dashed name used in metric tags and JSON ("control-plane"). */
    public String tag() {
        return tag;
    }
}
