package ai.matih.flowwatch.topology;

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
 */
public record PodInfo(
        String namespace,
        String name,
        Map<String, String> labels,
        List<String> ips,
        String node,
        boolean hostNetwork,
        List<ContainerPort> ports) {

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
