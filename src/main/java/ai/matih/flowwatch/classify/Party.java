package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.topology.NamespaceInfo;
import java.util.Map;

/**
 * An endpoint of a connection placed in the tenancy model.
 *
 * @param kind      where it stands
 * @param endpoint  the endpoint as the record gave it
 * @param namespace the namespace, or null for non-namespaced parties
 * @param labels    pod labels (from the record, else from the topology)
 * @param why       for {@link Kind#UNKNOWN}: why it could not be placed
 * @param placedAs  for an endpoint placed by its IP alone: what the IP belongs to ({@code pod <ns>/<name>},
 *                  {@code pod <ns>/<name> (deleted <instant>, IP remembered)} or {@code node <name>}); else null
 */
public record Party(
        Kind kind,
        Endpoint endpoint,
        NamespaceInfo namespace,
        Map<String, String> labels,
        String why,
        String placedAs) {

    /** A party placed by what the record said of it. */
    public Party(Kind kind, Endpoint endpoint, NamespaceInfo namespace, Map<String, String> labels, String why) {
        this(kind, endpoint, namespace, labels, why, null);
    }

    /** Where a party stands in the tenancy model. */
    public enum Kind {
        TENANT,
        CONTROL_PLANE,
        INGRESS,
        SHARED_INFRA,
        /** A namespace with no tenancy role (kube-system, monitoring, unknown namespaces). */
        OTHER_NAMESPACE,
        /** In the cluster but not in a namespace: nodes, Cilium reserved identities. */
        CLUSTER,
        /** Outside the cluster. */
        EXTERNAL,
        /** Cannot be placed: flowwatch lacks the data. */
        UNKNOWN
    }

    /** The tenant id for tenant namespaces, else null. */
    public String tenant() {
        return namespace == null ? null : namespace.tenant();
    }

    /** The namespace name, or null. */
    public String namespaceName() {
        return namespace == null ? null : namespace.name();
    }
}
