package ai.matih.flowwatch.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One Kubernetes API-server audit event ({@code audit.k8s.io/v1 Event}), normalized.
 * Request and response bodies are kept only for the resources topology updates and detections need
 * (namespaces, networkpolicies); they are null otherwise or when the audit level carries none.
 *
 * @param auditId        the event's auditID (one per request; several stages share it)
 * @param stage          RequestReceived, ResponseStarted, ResponseComplete or Panic
 * @param level          Metadata, Request or RequestResponse (null when absent)
 * @param verb           create, update, patch, delete, deletecollection, get, list, watch ...
 * @param requestUri     the request URI
 * @param username       the acting user ({@code system:serviceaccount:<ns>:<sa>} for service accounts)
 * @param groups         the user's groups
 * @param sourceIp       the last entry of sourceIPs (the only trustworthy one), or null
 * @param userAgent      the user agent, or null
 * @param apiGroup       objectRef.apiGroup ("" for the core group), null without objectRef
 * @param resource       objectRef.resource, null for non-resource requests
 * @param subresource    objectRef.subresource, or null
 * @param namespace      objectRef.namespace, or null
 * @param name           objectRef.name, or null
 * @param responseCode   responseStatus.code, or 0 when absent
 * @param decision       the {@code authorization.k8s.io/decision} annotation (allow/forbid), or null
 * @param dryRun         true when the request was a dry run (changes nothing)
 * @param truncated      true when the audit backend dropped the bodies ({@code audit.k8s.io/truncated})
 * @param stageTimestamp when the stage was reached
 * @param requestObject  the request body (patch bodies may be JSON-patch arrays), or null
 * @param responseObject the response body, or null
 */
public record AuditEvent(
        String auditId,
        String stage,
        String level,
        String verb,
        String requestUri,
        String username,
        List<String> groups,
        String sourceIp,
        String userAgent,
        String apiGroup,
        String resource,
        String subresource,
        String namespace,
        String name,
        int responseCode,
        String decision,
        boolean dryRun,
        boolean truncated,
        Instant stageTimestamp,
        JsonNode requestObject,
        JsonNode responseObject) {

    public AuditEvent {
        Objects.requireNonNull(stageTimestamp, "stageTimestamp");
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** True when the request succeeded (2xx). */
    public boolean succeeded() {
        return responseCode >= 200 && responseCode < 300;
    }
}
