package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import inet.ipaddr.IPAddress;
import java.util.Map;

/** Places the endpoints of a flow in the tenancy model of a topology snapshot. Pure and thread-safe. */
public final class PartyResolver {

    private PartyResolver() {}

    public static Party resolve(Endpoint e, Topology topology) {
        return switch (e.kind()) {
            case POD -> pod(e, topology);
            case HOST, RESERVED -> new Party(Party.Kind.CLUSTER, e, null, e.labels(), null);
            case WORLD -> new Party(Party.Kind.EXTERNAL, e, null, e.labels(), null);
            case NETWORK, UNKNOWN -> e.namespace() != null ? pod(e, topology) : byIp(e, topology);
        };
    }

    private static Party pod(Endpoint e, Topology topology) {
        String namespace = e.namespace();
        PodInfo known = topology.pod(namespace, e.pod());
        if (known == null) {
            known = topology.podByIp(e.ip());
            if (known != null && namespace != null && !known.namespace().equals(namespace)) {
                known = null;
            }
        }
        if (namespace == null) {
            if (known == null) {
                return byIp(e, topology);
            }
            namespace = known.namespace();
        }
        Map<String, String> labels = e.labels().isEmpty() && known != null ? known.labels() : e.labels();
        NamespaceInfo info = topology.describe(namespace, e.namespaceLabels());
        String placedAs = known != null && e.pod() == null ? placedAs(known) : null;
        return new Party(kindOf(info), e, info, labels, null, placedAs);
    }

    private static Party byIp(Endpoint e, Topology topology) {
        PodInfo known = topology.podByIp(e.ip());
        if (known != null) {
            NamespaceInfo info = topology.describe(known.namespace(), Map.of());
            return new Party(kindOf(info), e, info, known.labels(), null, placedAs(known));
        }
        String node = topology.nodeByIp(e.ip());
        if (node != null) {
            return new Party(Party.Kind.CLUSTER, e, null, e.labels(), null, "node " + node);
        }
        IPAddress ip = Topology.parseIp(e.ip());
        if (ip == null) {
            String what = e.name() != null ? "network '" + e.name() + "'" : "endpoint";
            return new Party(Party.Kind.UNKNOWN, e, null, e.labels(), what + " has no namespace and no IP");
        }
        if (topology.isInternal(ip)) {
            return new Party(
                    Party.Kind.UNKNOWN,
                    e,
                    null,
                    e.labels(),
                    "in-cluster IP " + e.ip() + " matches no known pod or namespace");
        }
        return new Party(Party.Kind.EXTERNAL, e, null, e.labels(), null);
    }

    /** What an IP-only end turned out to be, for the evidence; a deleted pod's remembered IP says so. */
    private static String placedAs(PodInfo pod) {
        String name = "pod " + pod.namespace() + "/" + pod.name();
        return pod.deleted() ? name + " (deleted " + pod.deletedAt() + ", IP remembered)" : name;
    }

    private static Party.Kind kindOf(NamespaceInfo info) {
        return switch (info.role()) {
            case TENANT -> Party.Kind.TENANT;
            case CONTROL_PLANE -> Party.Kind.CONTROL_PLANE;
            case INGRESS -> Party.Kind.INGRESS;
            case SHARED_INFRA -> Party.Kind.SHARED_INFRA;
            default -> Party.Kind.OTHER_NAMESPACE;
        };
    }
}
