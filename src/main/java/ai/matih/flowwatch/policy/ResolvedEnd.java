package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One end of a connection, resolved for one evaluation run: either a policy-managed pod (with what is known of its
 * labels, its namespace's labels and its ports) or a non-pod address.
 *
 * @param endpoint        what the caller gave
 * @param managed         true for a policy-managed pod
 * @param namespace       the pod's namespace (null for an address)
 * @param labels          pod labels (managed pods only)
 * @param namespaceLabels namespace labels (managed pods only)
 * @param ips             parsed IPs (empty when unknown)
 * @param kind            for a non-pod: what it is
 * @param node            node name (a pod's node, or a node address's), or null
 * @param ports           declared ports of a managed pod; null when unknown or not a pod
 */
record ResolvedEnd(
        PolicyEndpoint endpoint,
        boolean managed,
        String namespace,
        LabelView labels,
        LabelView namespaceLabels,
        List<IPAddress> ips,
        PolicyEndpoint.Address.Kind kind,
        String node,
        List<PodInfo.ContainerPort> ports) {

    static final String POD_LABELS_UNKNOWN = "the pod's labels are unknown";

    static ResolvedEnd resolve(PolicyEndpoint endpoint, Map<String, Map<String, String>> namespaces, Variant variant) {
        if (endpoint instanceof PolicyEndpoint.Pod pod) {
            if (pod.hostNetwork() && variant.hostNetworkAsNode()) {
                return new ResolvedEnd(
                        endpoint,
                        false,
                        null,
                        null,
                        null,
                        parse(pod.ips()),
                        PolicyEndpoint.Address.Kind.NODE,
                        pod.node(),
                        null);
            }
            LabelView labels =
                    pod.labels() == null ? LabelView.partial(Map.of(), POD_LABELS_UNKNOWN) : LabelView.of(pod.labels());
            return new ResolvedEnd(
                    endpoint,
                    true,
                    pod.namespace(),
                    labels,
                    namespaceLabels(pod, namespaces),
                    parse(pod.ips()),
                    null,
                    pod.node(),
                    pod.ports());
        }
        PolicyEndpoint.Address address = (PolicyEndpoint.Address) endpoint;
        return new ResolvedEnd(
                endpoint,
                false,
                null,
                null,
                null,
                parse(address.ip() == null ? List.of() : List.of(address.ip())),
                address.kind(),
                address.node(),
                null);
    }

    private static LabelView namespaceLabels(PolicyEndpoint.Pod pod, Map<String, Map<String, String>> namespaces) {
        if (pod.namespaceLabels() != null) {
            return LabelView.of(pod.namespaceLabels());
        }
        Map<String, String> known = namespaces.get(pod.namespace());
        if (known != null) {
            return LabelView.of(known);
        }
        return LabelView.partial(
                Map.of(PolicyEndpoint.NAME_LABEL, pod.namespace()),
                "R8.6: namespace " + pod.namespace() + " is unknown, so its labels (other than "
                        + PolicyEndpoint.NAME_LABEL + ") are unknown");
    }

    private static List<IPAddress> parse(List<String> ips) {
        List<IPAddress> parsed = new ArrayList<>();
        for (String ip : ips) {
            IPAddress a = Topology.parseIp(ip);
            if (a != null) {
                parsed.add(a);
            }
        }
        return parsed;
    }

    String describe() {
        if (managed || !(endpoint instanceof PolicyEndpoint.Pod pod)) {
            return endpoint.describe();
        }
        return "hostNetwork pod " + pod.describe() + " (as node " + (node == null ? "" : node + " ") + pod.ips() + ")";
    }
}
