package ai.matih.flowwatch.audit;

import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.ViolationType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The audit detections (docs/judging.md), as a pure function of an event and the topology. */
public final class AuditDetector {

    private static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch", "delete", "deletecollection");
    private static final Set<String> EXEC_SUBRESOURCES = Set.of("exec", "attach", "portforward");
    private static final String SA_PREFIX = "system:serviceaccount:";

    private AuditDetector() {}

    /**
     * What an audit event means for isolation.
     *
     * @param type         the detection, or null when none
     * @param critical     true when it is critical rather than its type's usual severity
     * @param tenant       the tenant whose isolation is concerned (the target's)
     * @param actorTenant  the tenant of the acting service account, or null
     * @param reason       a sentence for the user
     */
    public record Detection(ViolationType type, boolean critical, String tenant, String actorTenant, String reason) {

        static final Detection NONE = new Detection(null, false, null, null, null);
    }

    public static Detection detect(AuditEvent e, Topology topology) {
        if (e.dryRun()) {
            return Detection.NONE;
        }
        String resource = e.resource() == null ? "" : e.resource();
        String actorNamespace = serviceAccountNamespace(e.username());
        NamespaceInfo actor = actorNamespace == null ? null : topology.describe(actorNamespace, Map.of());
        String actorTenant = actor != null && actor.role() == Role.TENANT ? actor.tenant() : null;
        NamespaceInfo target = e.namespace() == null ? null : topology.describe(e.namespace(), Map.of());

        if ("pods".equals(resource) && e.subresource() != null && EXEC_SUBRESOURCES.contains(e.subresource())) {
            if (actorTenant != null
                    && target != null
                    && target.role() == Role.TENANT
                    && !actorTenant.equals(target.tenant())
                    && (e.succeeded() || e.responseCode() == 101)) {
                return new Detection(
                        ViolationType.CROSS_TENANT_EXEC,
                        false,
                        target.tenant(),
                        actorTenant,
                        e.username() + " (" + actorTenant + ") ran " + e.subresource() + " in " + target.tenant()
                                + "'s pod " + e.namespace() + "/" + e.name());
            }
            return Detection.NONE;
        }
        if (e.responseCode() == 403 || "forbid".equals(e.decision())) {
            if (actorTenant != null
                    && target != null
                    && (target.role() == Role.CONTROL_PLANE
                            || (target.role() == Role.TENANT && !actorTenant.equals(target.tenant())))) {
                String whose = target.role() == Role.TENANT ? target.tenant() + "'s" : "the control plane's";
                return new Detection(
                        ViolationType.FORBIDDEN_API_ACCESS,
                        false,
                        target.role() == Role.TENANT ? target.tenant() : actorTenant,
                        actorTenant,
                        e.username() + " (" + actorTenant + ") was refused " + e.verb() + " on " + resource + " in "
                                + whose + " namespace " + e.namespace());
            }
            return Detection.NONE;
        }
        if (!"ResponseComplete".equals(e.stage()) || !e.succeeded() || !WRITE_VERBS.contains(e.verb())) {
            return Detection.NONE;
        }
        if ("networkpolicies".equals(resource) && target != null && target.role() == Role.TENANT) {
            String name = e.name() == null ? "(all)" : e.name();
            String what = "default-deny-all".equals(e.name()) ? " the default-deny policy " : " NetworkPolicy ";
            return new Detection(
                    ViolationType.POLICY_TAMPERING,
                    true,
                    target.tenant(),
                    actorTenant,
                    e.username() + " " + past(e.verb()) + what + e.namespace() + "/" + name + ": " + target.tenant()
                            + "'s isolation may have changed");
        }
        if ("namespaces".equals(resource)) {
            return namespaceDrift(e, topology);
        }
        return Detection.NONE;
    }

    private static Detection namespaceDrift(AuditEvent e, Topology topology) {
        String name = e.name();
        if (name == null && e.responseObject() != null) {
            name = e.responseObject().path("metadata").path("name").asText(null);
        }
        if (name == null && e.requestObject() != null) {
            name = e.requestObject().path("metadata").path("name").asText(null);
        }
        if (name == null) {
            return Detection.NONE;
        }
        NamespaceInfo before = topology.namespaces().get(name);
        Map<String, String> oldLabels = before == null ? Map.of() : before.labels();
        Map<String, String> newLabels;
        if ("delete".equals(e.verb()) || "deletecollection".equals(e.verb())) {
            newLabels = Map.of();
        } else {
            newLabels = labelsAfter(e, oldLabels);
            if (newLabels == null) {
                return Detection.NONE;
            }
        }
        String roleLabel = topology.rules().roleLabel();
        String tenantLabel = topology.rules().tenantLabel();
        boolean roleChanged = !Objects.equals(oldLabels.get(roleLabel), newLabels.get(roleLabel));
        boolean tenantChanged = !Objects.equals(oldLabels.get(tenantLabel), newLabels.get(tenantLabel));
        if (!roleChanged && !tenantChanged) {
            return Detection.NONE;
        }
        NamespaceInfo after = topology.rules().describe(name, newLabels, true);
        boolean critical = roleChanged
                && newLabels.get(roleLabel) != null
                && after.role() != Role.TENANT
                && after.role() != Role.OTHER;
        String tenant = after.tenant() != null ? after.tenant() : before != null ? before.tenant() : null;
        String change = roleChanged
                ? roleLabel + ": " + describe(oldLabels.get(roleLabel)) + " → " + describe(newLabels.get(roleLabel))
                : tenantLabel + ": " + describe(oldLabels.get(tenantLabel)) + " → "
                        + describe(newLabels.get(tenantLabel));
        return new Detection(
                ViolationType.TOPOLOGY_DRIFT,
                critical,
                tenant,
                null,
                e.username() + " " + past(e.verb()) + " namespace " + name + " (" + change + ")");
    }

    /** The namespace's labels after the request, or null when the event does not tell. */
    static Map<String, String> labelsAfter(AuditEvent e, Map<String, String> oldLabels) {
        JsonNode response = e.responseObject();
        if (response != null && response.path("metadata").has("labels")) {
            return toMap(response.path("metadata").path("labels"));
        }
        JsonNode request = e.requestObject();
        if (request == null) {
            return null;
        }
        if (request.isArray()) {
            Map<String, String> labels = new HashMap<>(oldLabels);
            boolean touched = false;
            for (JsonNode op : request) {
                String path = op.path("path").asText("");
                String verb = op.path("op").asText("");
                if (path.equals("/metadata/labels")) {
                    touched = true;
                    labels.clear();
                    if (!verb.equals("remove")) {
                        labels.putAll(toMap(op.path("value")));
                    }
                } else if (path.startsWith("/metadata/labels/")) {
                    touched = true;
                    String key = path.substring("/metadata/labels/".length())
                            .replace("~1", "/")
                            .replace("~0", "~");
                    if (verb.equals("remove")) {
                        labels.remove(key);
                    } else if (verb.equals("add") || verb.equals("replace")) {
                        labels.put(key, op.path("value").asText());
                    }
                }
            }
            return touched ? labels : null;
        }
        JsonNode patchLabels = request.path("metadata").path("labels");
        if (!patchLabels.isObject()) {
            return "create".equals(e.verb()) || "update".equals(e.verb()) ? Map.of() : null;
        }
        Map<String, String> labels = "patch".equals(e.verb()) ? new HashMap<>(oldLabels) : new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = patchLabels.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isNull()) {
                labels.remove(f.getKey());
            } else {
                labels.put(f.getKey(), f.getValue().asText());
            }
        }
        return labels;
    }

    private static Map<String, String> toMap(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        node.fields().forEachRemaining(f -> map.put(f.getKey(), f.getValue().asText()));
        return map;
    }

    private static String describe(String value) {
        return value == null ? "(none)" : value;
    }

    private static String past(String verb) {
        return switch (verb) {
            case "create" -> "created";
            case "update" -> "updated";
            case "patch" -> "patched";
            case "delete" -> "deleted";
            case "deletecollection" -> "deleted all of";
            default -> verb;
        };
    }

    /** The namespace of a service-account username, or null for other users. */
    static String serviceAccountNamespace(String username) {
        if (username == null || !username.startsWith(SA_PREFIX)) {
            return null;
        }
        int colon = username.indexOf(':', SA_PREFIX.length());
        return colon < 0 ? null : username.substring(SA_PREFIX.length(), colon);
    }
}
