package ai.matih.flowwatch.violation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The audit event behind (or explaining) a violation.
 *
 * @param auditId  the auditID
 * @param actor    the user or service account
 * @param verb     the verb
 * @param object   the object ({@code resource/namespace/name}, with subresource)
 * @param code     the response code
 * @param sourceIp the client IP
 * @param at       when
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvidence(
        String auditId, String actor, String verb, String object, int code, String sourceIp, Instant at) {}
