package ai.matih.flowwatch.flow;

import java.util.Map;
import java.util.Objects;

/**
 * One end of a connection as a flow record describes it.
 *
 * @param kind            what the endpoint is
 * @param namespace       Kubernetes namespace, or null when not namespaced or unknown
 * @param pod             exact pod name, or null when aggregated or unknown
 * @param workload        workload name (Deployment, StatefulSet, aggregated name prefix), or null
 * @param ip              IP address as text, or null when aggregated or unknown
 * @param labels          pod labels (empty when the record carries none)
 * @param namespaceLabels namespace labels carried by the record itself (Cilium), empty otherwise
 * @param name            a display name for non-pod endpoints (network set, reserved identity), or null
 */
public record Endpoint(
        EndpointKind kind,
        String namespace,
        String pod,
        String workload,
        String ip,
        Map<String, String> labels,
        Map<String, String> namespaceLabels,
        String name) {

    public Endpoint {
        Objects.requireNonNull(kind, "kind");
        labels = labels == null ? Map.of() : labels;
        namespaceLabels = namespaceLabels == null ? Map.of() : namespaceLabels;
    }

    /** An endpoint about which nothing but the IP (possibly null) is known. */
    public static Endpoint unknown(String ip) {
        return new Endpoint(EndpointKind.UNKNOWN, null, null, null, ip, Map.of(), Map.of(), null);
    }

    /** This endpoint at {@code address}: itself when the address is the same. */
    public Endpoint withIp(String address) {
        return Objects.equals(address, ip)
                ? this
                : new Endpoint(kind, namespace, pod, workload, address, labels, namespaceLabels, name);
    }

    /** The workload name if known, else the pod name, else the IP, else the display name. */
    public String identity() {
        if (workload != null) {
            return workload;
        }
        if (pod != null) {
            return pod;
        }
        if (ip != null) {
            return ip;
        }
        return name;
    }
}
