package ai.matih.flowwatch.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;

/**
 * Body of {@code POST /api/v1/policy/evaluate}: manifests as multi-document YAML (Namespace, Pod and
 * NetworkPolicy documents) and the connections to judge against them.
 *
 * @param manifests   the manifests
 * @param connections the connections (reading stops past the most a request may carry)
 * @param cni         optional CNI profile (conformance, ipblock-ignores-pod-ips, unknown); default conformance
 */
public record EvaluateRequest(
        String manifests,
        @JsonDeserialize(using = BoundedConnections.class) List<ConnectionSpec> connections,
        String cni) {

    /**
     * One connection: endpoints are {@code {"namespace","pod"}} (a Pod of the manifests) or {@code {"ip"}}.
     *
     * @param source      the initiating end
     * @param destination the responding end
     * @param port        destination port (omit when unknown)
     * @param protocol    TCP (default), UDP or SCTP
     */
    public record ConnectionSpec(EndpointSpec source, EndpointSpec destination, Integer port, String protocol) {}

    /**
     * An endpoint reference.
     *
     * @param namespace namespace of a pod
     * @param pod       pod name
     * @param ip        an address (external, node, or a pod's IP)
     */
    public record EndpointSpec(String namespace, String pod, String ip) {}
}
