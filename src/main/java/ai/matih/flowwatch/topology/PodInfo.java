package ai.matih.flowwatch.topology;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pod known to the topology.
 *
 * @param namespace   its namespace
 * @param name        pod name
 * @param labels      pod labels
 * @param ips         pod IPs (status.podIPs / status.podIP)
 * @param node        node name, or null
 * @param hostNetwork true for hostNetwork pods (they appear as their node's IP)
 * @param ports       declared container ports
 * @param owner       its controller as {@code Kind/name} (e.g. {@code ReplicaSet/web-7d9f}), or null
 * @param deletedAt   when the pod was deleted, for a pod whose IP is still remembered for late flows; null for a live
 *                    pod
 */
public record PodInfo(
        String namespace,
        String name,
        Map<String, String> labels,
        List<String> ips,
        String node,
        boolean hostNetwork,
        List<ContainerPort> ports,
        String owner,
        Instant deletedAt) {

    /** A live pod without a known owner (manifests). */
    public PodInfo(
            String namespace,
            String name,
            Map<String, String> labels,
            List<String> ips,
            String node,
            boolean hostNetwork,
            List<ContainerPort> ports) {
        this(namespace, name, labels, ips, node, hostNetwork, ports, null, null);
    }

    /** True for a deleted pod whose IP is still remembered. */
    public boolean deleted() {
        return deletedAt != null;
    }

    /** This pod, deleted at {@code at}. */
    public PodInfo deletedAt(Instant at) {
        return new PodInfo(namespace, name, labels, ips, node, hostNetwork, ports, owner, at);
    }

    public PodInfo {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        ips = ips == null ? List.of() : List.copyOf(ips);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /**
     * A declared container port.
     *
     * @param name     port name, or null
     * @param port     port number
     * @param protocol TCP, UDP or SCTP
     */
    public record ContainerPort(String name, int port, String protocol) {}
}
