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
 * @param podCidrs    optional pod CIDRs: the manifests list every pod, so an address no Pod of them has is not a pod,
 *                    except inside these CIDRs, where it may be a pod they leave out (the verdict is then INDETERMINATE
 *                    where that matters)
 */
public record EvaluateRequest(
        String manifests,
        @JsonDeserialize(using = BoundedConnections.class) List<ConnectionSpec> connections,
        String cni,
        List<String> podCidrs) {

    /**
     * One connection: endpoints are {@code {"namespace","pod"}} (a Pod of the manifests) or {@code {"ip"}}.
     *
     * @param source      the initiating end
     * @param destination the responding end
     * @param port        destination port (omit when unknown, and for a protocol without ports such as ICMP)
     * @param protocol    TCP (default), UDP, SCTP, ICMP, ICMPv6, GRE, ESP, AH... or an IANA protocol number 0-255
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
