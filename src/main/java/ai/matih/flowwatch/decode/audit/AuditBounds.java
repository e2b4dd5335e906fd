package ai.matih.flowwatch.decode.audit;

import static ai.matih.flowwatch.decode.InputBounds.MAX_GROUPS;
import static ai.matih.flowwatch.decode.InputBounds.MAX_ID_CHARS;
import static ai.matih.flowwatch.decode.InputBounds.MAX_LABELS;
import static ai.matih.flowwatch.decode.InputBounds.MAX_LABEL_BYTES;
import static ai.matih.flowwatch.decode.InputBounds.MAX_PATCH_OPERATIONS;
import static ai.matih.flowwatch.decode.InputBounds.MAX_TEXT_BYTES;
import static ai.matih.flowwatch.decode.InputBounds.MAX_TOKEN_CHARS;
import static ai.matih.flowwatch.decode.InputBounds.MAX_URI_BYTES;
import static ai.matih.flowwatch.decode.InputBounds.MAX_USER_BYTES;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.DecodeException;
import ai.matih.flowwatch.decode.InputBounds;
import ai.matih.flowwatch.decode.RejectReason;
import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.flow.KubernetesNames;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Holds a decoded {@link AuditEvent} to the {@link InputBounds}: the names flowwatch acts on (namespace, the
 * objectRef of namespaces, pods and NetworkPolicies, a service account's namespace and name, API group, resource)
 * have the Kubernetes syntax; identifiers and verbs are short tokens; user names and groups are bounded; the bodies
 * kept for namespaces and NetworkPolicies have valid names and labels within the label bounds (merge and JSON
 * patches included); free text (user agent, request URI, decision, names of other objects) is clipped.
 */
public final class AuditBounds {

    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    private AuditBounds() {}

    /**
     * The event as flowwatch may keep it: {@code e} itself when every field is within bounds, or a copy whose free
     * text is clipped.
     *
     * @throws DecodeException with the reason and a detail naming the field
     */
    public static AuditEvent check(AuditEvent e) {
        token(e.auditId(), "auditID", MAX_ID_CHARS, true);
        token(e.stage(), "stage", MAX_TOKEN_CHARS, false);
        token(e.level(), "level", MAX_TOKEN_CHARS, false);
        token(e.verb(), "verb", MAX_TOKEN_CHARS, true);
        user(e.username(), e.groups());
        if (e.sourceIp() != null && !KubernetesNames.isIpText(e.sourceIp())) {
            throw InputBounds.invalidValue("sourceIPs", "not an IP address", e.sourceIp());
        }
        if (e.apiGroup() != null && !e.apiGroup().isEmpty() && !KubernetesNames.isDnsSubdomain(e.apiGroup())) {
            throw InputBounds.invalidName("objectRef.apiGroup", "API group (DNS-1123 subdomain)", e.apiGroup());
        }
        if (e.resource() != null && !KubernetesNames.isDnsLabel(e.resource())) {
            throw InputBounds.invalidName("objectRef.resource", "resource name (DNS-1123 label)", e.resource());
        }
        if (e.subresource() != null && !KubernetesNames.isDnsLabel(e.subresource())) {
            throw InputBounds.invalidName(
                    "objectRef.subresource", "subresource name (DNS-1123 label)", e.subresource());
        }
        namespace(e.namespace(), "objectRef.namespace");
        String name = objectName(e.resource(), e.name(), "objectRef.name");
        body(e.resource(), e.requestObject(), "requestObject");
        body(e.resource(), e.responseObject(), "responseObject");

        String requestUri = InputBounds.clip(e.requestUri(), MAX_URI_BYTES);
        String userAgent = InputBounds.clip(e.userAgent(), MAX_TEXT_BYTES);
        String decision = InputBounds.clip(e.decision(), MAX_TEXT_BYTES);
        if (requestUri == e.requestUri()
                && userAgent == e.userAgent()
                && decision == e.decision()
                && name == e.name()) {
            return e;
        }
        return new AuditEvent(
                e.auditId(),
                e.stage(),
                e.level(),
                e.verb(),
                requestUri,
                e.username(),
                e.groups(),
                e.sourceIp(),
                userAgent,
                e.apiGroup(),
                e.resource(),
                e.subresource(),
                e.namespace(),
                name,
                e.responseCode(),
                decision,
                e.dryRun(),
                e.truncated(),
                e.stageTimestamp(),
                e.requestObject(),
                e.responseObject());
    }

    private static void token(String value, String field, int max, boolean required) {
        if (!required && (value == null || value.isEmpty())) {
            return;
        }
        if (!KubernetesNames.isToken(value, max)) {
            throw InputBounds.invalidValue(
                    field, "expected 1 to " + max + " letters, digits, '-', '_', '.' and ':'", value);
        }
    }

    private static void user(String username, List<String> groups) {
        if (username != null) {
            text(username, "user.username");
            if (username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
                int colon = username.indexOf(':', SERVICE_ACCOUNT_PREFIX.length());
                if (colon < 0
                        || !KubernetesNames.isDnsLabel(username.substring(SERVICE_ACCOUNT_PREFIX.length(), colon))
                        || !KubernetesNames.isDnsSubdomain(username.substring(colon + 1))) {
                    throw InputBounds.invalidName(
                            "user.username", "service account (system:serviceaccount:<namespace>:<name>)", username);
                }
            }
        }
        if (groups.size() > MAX_GROUPS) {
            throw InputBounds.tooLarge("user.groups", groups.size() + " groups, more than " + MAX_GROUPS);
        }
        for (int i = 0; i < groups.size(); i++) {
            text(groups.get(i), "user.groups[" + i + "]");
        }
    }

    /** A user or group name: at most {@link InputBounds#MAX_USER_BYTES} bytes, no control character. */
    private static void text(String value, String field) {
        if (value.length() > MAX_USER_BYTES || InputBounds.utf8Length(value) > MAX_USER_BYTES) {
            throw InputBounds.tooLarge(field, "more than " + MAX_USER_BYTES + " bytes");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw InputBounds.invalidValue(field, "a control character", value);
            }
        }
    }

    private static void namespace(String namespace, String field) {
        if (namespace != null && !KubernetesNames.isDnsLabel(namespace)) {
            throw InputBounds.invalidName(field, "namespace name (DNS-1123 label, 63 characters at most)", namespace);
        }
    }

    /**
     * The name of the object: a namespace's must be a DNS-1123 label and a pod's or NetworkPolicy's a DNS-1123
     * subdomain (flowwatch acts on them); other objects' names (RBAC names with ':' ...) are free text, clipped.
     */
    private static String objectName(String resource, String name, String field) {
        if (name == null) {
            return null;
        }
        if ("namespaces".equals(resource)) {
            if (!KubernetesNames.isDnsLabel(name)) {
                throw InputBounds.invalidName(field, "namespace name (DNS-1123 label, 63 characters at most)", name);
            }
            return name;
        }
        if ("pods".equals(resource) || "networkpolicies".equals(resource)) {
            if (!KubernetesNames.isDnsSubdomain(name)) {
                throw InputBounds.invalidName(field, "object name (DNS-1123 subdomain, 253 characters at most)", name);
            }
            return name;
        }
        return InputBounds.clip(name, KubernetesNames.MAX_SUBDOMAIN_CHARS);
    }

    /** A request or response body (kept for namespaces and NetworkPolicies only). */
    private static void body(String resource, JsonNode body, String field) {
        if (body == null || body.isNull()) {
            return;
        }
        if (body.isArray()) {
            jsonPatch(body, field);
            return;
        }
        if (!body.isObject()) {
            return;
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && metadata.isObject()) {
            String path = field + ".metadata";
            JsonNode name = metadata.get("name");
            if (name != null && !name.isNull()) {
                String text = name.isTextual() ? name.textValue() : null;
                boolean valid = "namespaces".equals(resource)
                        ? KubernetesNames.isDnsLabel(text)
                        : KubernetesNames.isDnsSubdomain(text);
                if (!valid) {
                    throw InputBounds.invalidName(
                            path + ".name", "object name", text == null ? JsonFields.kind(name) : text);
                }
            }
            JsonNode namespace = metadata.get("namespace");
            if (namespace != null && !namespace.isNull()) {
                namespace(
                        namespace.isTextual() ? namespace.textValue() : JsonFields.kind(namespace),
                        path + ".namespace");
            }
            JsonNode labels = metadata.get("labels");
            if (labels != null && !labels.isNull()) {
                labels(labels, path + ".labels");
            }
        }
        JsonNode spec = body.get("spec");
        if (spec != null && spec.isContainerNode()) {
            selectors(spec, field + ".spec", 0);
        }
    }

    /** A labels object: string (or, in a merge patch, null) values, within the label bounds. */
    private static void labels(JsonNode labels, String field) {
        if (!labels.isObject()) {
            throw DecodeException.invalid(field, "expected an object, got " + JsonFields.kind(labels));
        }
        if (labels.size() > MAX_LABELS) {
            throw InputBounds.tooManyLabels(field, labels.size());
        }
        int bytes = 0;
        Iterator<Map.Entry<String, JsonNode>> it = labels.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> label = it.next();
            String key = label.getKey();
            JsonNode value = label.getValue();
            if (!KubernetesNames.isLabelKey(key)) {
                throw InputBounds.invalidName(field, "label key", key);
            }
            String text = value.isNull() ? "" : value.isTextual() ? value.textValue() : null;
            if (!KubernetesNames.isLabelValue(text)) {
                throw new DecodeException(
                        RejectReason.INVALID_VALUE,
                        field + ": value of label " + key
                                + " is not a Kubernetes label value (a string of 63 characters at most)");
            }
            bytes += key.length() + text.length();
            if (bytes > MAX_LABEL_BYTES) {
                throw InputBounds.tooManyLabelBytes(field);
            }
        }
    }

    /** A JSON-patch body: bounded in operations; what it does to labels has the label syntax and bounds. */
    private static void jsonPatch(JsonNode patch, String field) {
        if (patch.size() > MAX_PATCH_OPERATIONS) {
            throw InputBounds.tooLarge(field, patch.size() + " patch operations, more than " + MAX_PATCH_OPERATIONS);
        }
        int labelOperations = 0;
        for (int i = 0; i < patch.size(); i++) {
            JsonNode op = patch.get(i);
            JsonNode path = op == null ? null : op.get("path");
            if (path == null || !path.isTextual()) {
                continue;
            }
            String p = path.textValue();
            String item = field + "[" + i + "]";
            if (p.equals("/metadata/labels")) {
                JsonNode value = op.get("value");
                if (value != null && !value.isNull()) {
                    labels(value, item + ".value");
                }
            } else if (p.startsWith("/metadata/labels/")) {
                if (++labelOperations > MAX_LABELS) {
                    throw InputBounds.tooManyLabels(field, labelOperations);
                }
                String key = p.substring("/metadata/labels/".length())
                        .replace("~1", "/")
                        .replace("~0", "~");
                if (!KubernetesNames.isLabelKey(key)) {
                    throw InputBounds.invalidName(item + ".path", "label key", key);
                }
                JsonNode value = op.get("value");
                if (value != null
                        && !value.isNull()
                        && !(value.isTextual() && KubernetesNames.isLabelValue(value.textValue()))) {
                    throw new DecodeException(
                            RejectReason.INVALID_VALUE,
                            item + ".value: not a Kubernetes label" + " value (a string of 63 characters at most)");
                }
            }
        }
    }

    /** Every {@code matchLabels} and {@code matchExpressions} under a NetworkPolicy spec. */
    private static void selectors(JsonNode node, String field, int depth) {
        if (depth > JsonCodec.MAX_NESTING_DEPTH) {
            return;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (item.isContainerNode()) {
                    selectors(item, field + "[" + i + "]", depth + 1);
                }
            }
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> child = it.next();
            JsonNode value = child.getValue();
            String path = field + "." + child.getKey();
            if ("matchLabels".equals(child.getKey()) && !value.isNull()) {
                labels(value, path);
            } else if ("matchExpressions".equals(child.getKey()) && value.isArray()) {
                expressions(value, path);
            } else if (value.isContainerNode()) {
                selectors(value, path, depth + 1);
            }
        }
    }

    private static void expressions(JsonNode expressions, String field) {
        if (expressions.size() > MAX_LABELS) {
            throw InputBounds.tooManyLabels(field, expressions.size());
        }
        int bytes = 0;
        for (int i = 0; i < expressions.size(); i++) {
            JsonNode expression = expressions.get(i);
            String item = field + "[" + i + "]";
            JsonNode key = expression.get("key");
            if (key != null && !(key.isTextual() && KubernetesNames.isLabelKey(key.textValue()))) {
                throw InputBounds.invalidName(
                        item + ".key", "label key", key.isTextual() ? key.textValue() : JsonFields.kind(key));
            }
            bytes += key == null ? 0 : key.textValue().length();
            JsonNode values = expression.get("values");
            if (values != null && values.isArray()) {
                if (values.size() > MAX_LABELS) {
                    throw InputBounds.tooManyLabels(item + ".values", values.size());
                }
                for (int j = 0; j < values.size(); j++) {
                    JsonNode v = values.get(j);
                    if (!v.isTextual() || !KubernetesNames.isLabelValue(v.textValue())) {
                        throw new DecodeException(
                                RejectReason.INVALID_VALUE,
                                item + ".values[" + j
                                        + "]: not a Kubernetes label value (a string of 63 characters at most)");
                    }
                    bytes += v.textValue().length();
                }
            }
            if (bytes > MAX_LABEL_BYTES) {
                throw InputBounds.tooManyLabelBytes(field);
            }
        }
    }
}
