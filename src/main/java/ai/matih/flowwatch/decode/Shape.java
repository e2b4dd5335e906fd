package ai.matih.flowwatch.decode;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a JSON document looks like, judged by its keys alone: a JSON format's decoder tells its own shapes apart by
 * it, and tells data misrouted from another format's topic ({@link FlowFormat#shapes()} says which format accepts
 * which shapes).
 */
public enum Shape {
    CALICO_ENTERPRISE("Calico Enterprise flow log"),
    GOLDMANE("Calico Goldmane flow"),
    WHISKER("Calico Whisker flow"),
    HUBBLE_FLOW("Hubble flow"),
    HUBBLE_EVENT("Hubble non-flow event"),
    AUDIT_EVENT("audit Event"),
    AUDIT_EVENT_LIST("audit EventList"),
    AKS_AUDIT("AKS audit record"),
    GKE_AUDIT("GKE Cloud Audit Log"),
    UNKNOWN("unknown document");

    private final String description;

    Shape(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Detects the shape of an (unwrapped) document. */
    public static Shape of(JsonNode doc) {
        if (doc == null || !doc.isObject()) {
            return UNKNOWN;
        }
        JsonNode flow = doc.get("flow");
        if (flow != null && flow.isObject()) {
            return flow.has("Key") || flow.has("key") ? GOLDMANE : HUBBLE_FLOW;
        }
        if (doc.has("Key") || (doc.has("key") && doc.get("key").isObject())) {
            return GOLDMANE;
        }
        if (doc.has("lost_events") || doc.has("agent_event") || doc.has("debug_event")) {
            return HUBBLE_EVENT;
        }
        if (flow != null && !flow.isNull()) {
            return HUBBLE_FLOW;
        }
        String kind = doc.path("kind").asText("");
        if ("EventList".equals(kind)) {
            return AUDIT_EVENT_LIST;
        }
        if ("Event".equals(kind)) {
            if (doc.path("apiVersion").asText("").startsWith("audit.k8s.io")
                    || doc.has("auditID")
                    || doc.has("stage")
                    || doc.has("requestURI")) {
                return AUDIT_EVENT;
            }
            return UNKNOWN;
        }
        if (kind.isEmpty() && doc.has("auditID") && (doc.has("stage") || doc.has("verb"))) {
            return AUDIT_EVENT;
        }
        if (doc.path("apiVersion").asText("").startsWith("audit.k8s.io") && doc.has("items")) {
            return AUDIT_EVENT_LIST;
        }
        JsonNode properties = doc.get("properties");
        if (properties != null && properties.isObject() && properties.has("log")) {
            return AKS_AUDIT;
        }
        if (doc.has("protoPayload")) {
            return GKE_AUDIT;
        }
        if (doc.has("verdict")
                || doc.has("IP")
                || doc.has("l4")
                || doc.has("drop_reason_desc")
                || doc.has("trace_observation_point")
                || doc.has("event_type")) {
            return HUBBLE_FLOW;
        }
        if (isCalicoFlat(doc)) {
            return isWhisker(doc) ? WHISKER : CALICO_ENTERPRISE;
        }
        return UNKNOWN;
    }

    private static boolean isCalicoFlat(JsonNode doc) {
        boolean endpoint = doc.has("source_namespace")
                || doc.has("dest_namespace")
                || doc.has("source_type")
                || doc.has("dest_type")
                || doc.has("source_name_aggr")
                || doc.has("dest_name_aggr")
                || doc.has("source_name")
                || doc.has("dest_name")
                || doc.has("source_ip")
                || doc.has("dest_ip");
        return endpoint && (doc.has("action") || doc.has("reporter"));
    }

    private static boolean isWhisker(JsonNode doc) {
        if (doc.has("protocol") && !doc.has("proto")) {
            return true;
        }
        JsonNode start = doc.get("start_time");
        if (start != null && start.isTextual() && start.textValue().indexOf('T') > 0) {
            return true;
        }
        JsonNode policies = doc.get("policies");
        if (policies != null && (policies.has("enforced") || policies.has("pending"))) {
            return true;
        }
        JsonNode labels = doc.get("source_labels");
        if (labels != null && labels.isTextual()) {
            return true;
        }
        String action = doc.path("action").asText("");
        return !action.isEmpty() && Character.isUpperCase(action.charAt(0));
    }
}
