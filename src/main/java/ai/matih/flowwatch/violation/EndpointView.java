package ai.matih.flowwatch.violation;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One end of a violation as the API shows it.
 *
 * @param namespace namespace, or null
 * @param workload  workload name, or null
 * @param pod       pod name, or null
 * @param ip        IP address, or null
 * @param tenant    tenant id of a tenant namespace (or of an ingress pod), or null
 * @param role      tenant, control-plane, ingress, shared-infra, other, cluster, external or unknown
 * @param external  true when outside the cluster
 * @param name      a display name for non-pod endpoints (network set, reserved identity), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointView(
        String namespace,
        String workload,
        String pod,
        String ip,
        String tenant,
        String role,
        boolean external,
        String name) {}
