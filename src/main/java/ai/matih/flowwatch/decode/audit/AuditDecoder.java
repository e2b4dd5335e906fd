package ai.matih.flowwatch.decode.audit;

import static ai.matih.flowwatch.decode.json.JsonFields.get;
import static ai.matih.flowwatch.decode.json.JsonFields.text;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.DecodeException;
import ai.matih.flowwatch.decode.DocumentContext;
import ai.matih.flowwatch.decode.RejectReason;
import ai.matih.flowwatch.decode.Shape;
import ai.matih.flowwatch.decode.TreeDecoder;
import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.decode.json.JsonFields;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * The audit topic: {@code audit.k8s.io} Event (v1, and pre-v1 captures without apiVersion), EventList (webhook
 * batches, one {@link AuditEvent} per item) and the AKS diagnostic wrapper ({@code properties.log}, object or
 * JSON string).
 */
public final class AuditDecoder implements TreeDecoder {

    private static final String DECISION = "authorization.k8s.io/decision";
    private static final String TRUNCATED = "audit.k8s.io/truncated";

    private final JsonCodec codec;

    public AuditDecoder(JsonCodec codec) {
        this.codec = codec;
    }

    @Override
    public void decode(JsonNode doc, DocumentContext ctx) {
        if (!doc.isObject()) {
            throw new DecodeException(
                    RejectReason.UNKNOWN_FORMAT, "expected a JSON object, got " + JsonFields.kind(doc));
        }
        decode(doc, ctx, 0);
    }

    private void decode(JsonNode doc, DocumentContext ctx, int depth) {
        Shape shape = Shape.of(doc);
        switch (shape) {
            case AUDIT_EVENT -> ctx.audit(event(doc));
            case AUDIT_EVENT_LIST -> list(doc, ctx);
            case AKS_AUDIT -> {
                if (depth > 1) {
                    throw new DecodeException(RejectReason.UNKNOWN_FORMAT, "AKS wrapper nested too deep");
                }
                decode(aksInner(doc), ctx, depth + 1);
            }
            case GKE_AUDIT ->
                throw new DecodeException(
                        RejectReason.UNKNOWN_FORMAT, "GKE Cloud Audit Log (protoPayload) is not an audit.k8s.io Event");
            case UNKNOWN ->
                throw new DecodeException(
                        RejectReason.UNKNOWN_FORMAT,
                        "not an audit Event: no kind Event/EventList or auditID, stage and verb");
            default -> throw new DecodeException(RejectReason.MISROUTED, shape.description() + " on the audit topic");
        }
    }

    private JsonNode aksInner(JsonNode doc) {
        JsonNode log = doc.get("properties").get("log");
        if (log.isTextual()) {
            String s = log.textValue().strip();
            if (s.isEmpty() || s.charAt(0) != '{') {
                throw new DecodeException(RejectReason.UNKNOWN_FORMAT, "properties.log: not a JSON object");
            }
            log = codec.parse(s, "properties.log");
        }
        if (!log.isObject()) {
            throw DecodeException.invalid(
                    "properties.log", "expected an object or a JSON string, got " + JsonFields.kind(log));
        }
        return log;
    }

    private void list(JsonNode doc, DocumentContext ctx) {
        JsonNode items = JsonFields.array(doc, "items", "items");
        if (items == null || items.isEmpty()) {
            ctx.skipped("empty_event_list", 0);
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            try {
                if (item == null || !item.isObject()) {
                    throw DecodeException.invalid("item", "expected an object");
                }
                ctx.audit(event(item));
            } catch (DecodeException e) {
                ctx.reject(e.reason(), "items[" + i + "]: " + e.detail());
            }
        }
    }

    /** Decodes one audit.k8s.io Event object. */
    AuditEvent event(JsonNode e) {
        String auditId = text(e, "auditID", "auditID");
        if (auditId == null || auditId.isEmpty()) {
            throw DecodeException.missing("auditID");
        }
        String verb = text(e, "verb", "verb");
        if (verb == null || verb.isEmpty()) {
            throw DecodeException.missing("verb");
        }
        Instant stageTimestamp = JsonFields.rfc3339(get(e, "stageTimestamp"), "stageTimestamp");
        if (stageTimestamp == null) {
            stageTimestamp = JsonFields.rfc3339(get(e, "requestReceivedTimestamp"), "requestReceivedTimestamp");
        }
        if (stageTimestamp == null) {
            stageTimestamp = JsonFields.rfc3339(get(e, "timestamp"), "timestamp");
        }
        if (stageTimestamp == null) {
            throw DecodeException.missing("stageTimestamp (and requestReceivedTimestamp)");
        }
        String requestUri = text(e, "requestURI", "requestURI");

        String username = null;
        List<String> groups = List.of();
        JsonNode user = JsonFields.object(e, "user", "user");
        if (user != null) {
            username = text(user, "username", "user.username");
            groups = JsonFields.strings(get(user, "groups"), "user.groups");
        }
        List<String> sourceIps = JsonFields.strings(get(e, "sourceIPs"), "sourceIPs");
        String sourceIp = sourceIps.isEmpty() ? null : sourceIps.get(sourceIps.size() - 1);

        String apiGroup = null;
        String resource = null;
        String subresource = null;
        String namespace = null;
        String name = null;
        JsonNode ref = JsonFields.object(e, "objectRef", "objectRef");
        if (ref != null) {
            apiGroup = text(ref, "apiGroup", "objectRef.apiGroup");
            if (apiGroup == null) {
                apiGroup = "";
            }
            resource = emptyToNull(text(ref, "resource", "objectRef.resource"));
            subresource = emptyToNull(text(ref, "subresource", "objectRef.subresource"));
            namespace = emptyToNull(text(ref, "namespace", "objectRef.namespace"));
            name = emptyToNull(text(ref, "name", "objectRef.name"));
        }
        int code = 0;
        JsonNode status = JsonFields.object(e, "responseStatus", "responseStatus");
        if (status != null) {
            long c = JsonFields.longValue(get(status, "code"), "responseStatus.code", 0);
            if (c < 0 || c > 999) {
                throw DecodeException.invalid("responseStatus.code", "out of range: " + c);
            }
            code = (int) c;
        }
        String decision = null;
        boolean truncated = false;
        JsonNode annotations = JsonFields.object(e, "annotations", "annotations");
        if (annotations != null) {
            decision = emptyToNull(text(annotations, DECISION, "annotations." + DECISION));
            truncated = "true".equalsIgnoreCase(text(annotations, TRUNCATED, "annotations." + TRUNCATED));
        }
        boolean keepBodies = "namespaces".equals(resource) || "networkpolicies".equals(resource);
        JsonNode requestObject = keepBodies ? get(e, "requestObject") : null;
        JsonNode responseObject = keepBodies ? get(e, "responseObject") : null;
        return new AuditEvent(
                auditId,
                text(e, "stage", "stage"),
                text(e, "level", "level"),
                verb,
                requestUri,
                username,
                groups,
                sourceIp,
                text(e, "userAgent", "userAgent"),
                apiGroup,
                resource,
                subresource,
                namespace,
                name,
                code,
                decision,
                isDryRun(requestUri),
                truncated,
                stageTimestamp,
                requestObject,
                responseObject);
    }

    /** True when the query string has {@code dryRun=All} (any position). */
    static boolean isDryRun(String uri) {
        if (uri == null) {
            return false;
        }
        int q = uri.indexOf('?');
        if (q < 0) {
            return false;
        }
        int pos = q + 1;
        while (pos <= uri.length()) {
            int amp = uri.indexOf('&', pos);
            int end = amp < 0 ? uri.length() : amp;
            if (uri.regionMatches(pos, "dryRun=All", 0, 10) && end - pos == 10) {
                return true;
            }
            if (amp < 0) {
                break;
            }
            pos = amp + 1;
        }
        return false;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
