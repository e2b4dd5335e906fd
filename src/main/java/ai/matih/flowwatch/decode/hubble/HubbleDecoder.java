package ai.matih.flowwatch.decode.hubble;

import static ai.matih.flowwatch.decode.json.JsonFields.asObject;
import static ai.matih.flowwatch.decode.json.JsonFields.bool;
import static ai.matih.flowwatch.decode.json.JsonFields.get;
import static ai.matih.flowwatch.decode.json.JsonFields.longValue;
import static ai.matih.flowwatch.decode.json.JsonFields.object;
import static ai.matih.flowwatch.decode.json.JsonFields.port;
import static ai.matih.flowwatch.decode.json.JsonFields.rfc3339;
import static ai.matih.flowwatch.decode.json.JsonFields.strings;
import static ai.matih.flowwatch.decode.json.JsonFields.text;

import ai.matih.flowwatch.decode.DecodeException;
import ai.matih.flowwatch.decode.DocumentContext;
import ai.matih.flowwatch.decode.InputBounds;
import ai.matih.flowwatch.decode.RejectReason;
import ai.matih.flowwatch.decode.Shape;
import ai.matih.flowwatch.decode.TreeDecoder;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.Workloads;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes Hubble flows: the exporter / {@code hubble observe} wrapper {@code {"flow":{...},"node_name","time"}},
 * a bare Flow object, and the exporter's non-flow lines ({@code lost_events}, {@code agent_event},
 * {@code debug_event}), which are skipped.
 */
public final class HubbleDecoder implements TreeDecoder {

    private static final String NAMESPACE_LABEL_PREFIX = "io.cilium.k8s.namespace.labels.";
    private static final String POLICY_LABEL_PREFIX = "io.cilium.k8s.policy.";
    private static final String POD_NAMESPACE_LABEL = "io.kubernetes.pod.namespace";
    /** The fields naming the policies that decided, in the order their names are listed in evidence. */
    static final List<String> POLICY_FIELDS =
            List.of("ingress_denied_by", "egress_denied_by", "ingress_allowed_by", "egress_allowed_by");

    @Override
    public void decode(JsonNode doc, DocumentContext ctx) {
        if (!doc.isObject()) {
            throw new DecodeException(
                    RejectReason.UNKNOWN_FORMAT, "expected a JSON object, got " + JsonFields.kind(doc));
        }
        JsonNode flowField = get(doc, "flow");
        if (flowField != null) {
            JsonNode flow = asObject(flowField, "flow");
            Instant wrapperTime = rfc3339(get(doc, "time"), "time");
            ctx.flow(decodeFlow(
                    flow, text(doc, "node_name", "node_name"), wrapperTime != null ? wrapperTime : ctx.receivedAt()));
            return;
        }
        JsonNode lost = get(doc, "lost_events");
        if (lost != null) {
            JsonNode lostObject = asObject(lost, "lost_events");
            long count =
                    longValue(get(lostObject, "num_events_lost", "numEventsLost"), "lost_events.num_events_lost", 0);
            ctx.skipped("lost_events", Math.max(0, count));
            return;
        }
        if (get(doc, "agent_event") != null) {
            ctx.skipped("agent_event", 0);
            return;
        }
        if (get(doc, "debug_event") != null) {
            ctx.skipped("debug_event", 0);
            return;
        }
        Shape shape = Shape.of(doc);
        if (shape == Shape.HUBBLE_FLOW) {
            ctx.flow(decodeFlow(doc, null, ctx.receivedAt()));
            return;
        }
        if (shape != Shape.UNKNOWN) {
            throw new DecodeException(RejectReason.MISROUTED, shape.description() + " on the hubble topic");
        }
        throw new DecodeException(RejectReason.UNKNOWN_FORMAT, "not a Hubble flow: no flow, verdict, IP or l4");
    }

    private Flow decodeFlow(JsonNode f, String wrapperNode, Instant wrapperTime) {
        HubbleFields h = new HubbleFields();
        h.wrapperNode = wrapperNode;
        h.wrapperTime = wrapperTime;
        h.time = rfc3339(get(f, "time"), "flow.time");
        if (h.time == null && wrapperTime == null) {
            throw DecodeException.missing("flow.time");
        }
        h.verdict = text(f, "verdict", "flow.verdict");
        h.dropReason = text(f, "drop_reason_desc", "flow.drop_reason_desc");
        h.type = text(f, "Type", "flow.Type");
        eventType(object(f, "event_type", "flow.event_type"), h);

        JsonNode ip = object(f, "IP", "flow.IP");
        h.sourceIp = ip == null ? null : HubbleFields.blankToNull(text(ip, "source", "flow.IP.source"));
        h.destinationIp = ip == null ? null : HubbleFields.blankToNull(text(ip, "destination", "flow.IP.destination"));
        h.source = endpoint(object(f, "source", "flow.source"), "flow.source");
        h.destination = endpoint(object(f, "destination", "flow.destination"), "flow.destination");

        l4(object(f, "l4", "flow.l4"), h);

        h.isReply = bool(get(f, "is_reply"), "flow.is_reply");
        h.traceReason = text(f, "trace_reason", "flow.trace_reason");
        h.observationPoint = text(f, "trace_observation_point", "flow.trace_observation_point");
        h.node = text(f, "node_name", "flow.node_name");
        for (String field : POLICY_FIELDS) {
            addPolicies(JsonFields.array(f, field, "flow." + field), field, h.policies);
        }
        aggregate(object(f, "aggregate", "flow.aggregate"), h);
        h.uuid = text(f, "uuid", "flow.uuid");
        h.trafficDirection = text(f, "traffic_direction", "flow.traffic_direction");
        return h.toFlow();
    }

    /** {@code l4}: one protocol object (TCP, UDP, SCTP with ports; ICMPv4, ICMPv6 with type and code; VRRP, IGMP). */
    private static void l4(JsonNode l4, HubbleFields h) {
        if (l4 == null) {
            return;
        }
        String which = null;
        for (var it = l4.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (l4.get(name).isNull()) {
                continue;
            }
            Protocol protocol = HubbleFields.l4Protocol(name);
            if (protocol == null) {
                throw DecodeException.invalid(
                        "flow.l4",
                        "a protocol object (" + HubbleFields.L4_NAMES + "), got '" + JsonFields.clip(name) + "'");
            }
            if (which != null) {
                throw DecodeException.invalid("flow.l4", "one protocol object, got " + which + " and " + name);
            }
            which = name;
            h.protocol = protocol;
        }
        if (which == null) {
            return;
        }
        String path = "flow.l4." + which;
        JsonNode fields = asObject(get(l4, which), path);
        if (h.protocol.hasPorts()) {
            h.sourcePort = port(get(fields, "source_port"), path + ".source_port");
            h.destinationPort = port(get(fields, "destination_port"), path + ".destination_port");
            if (h.protocol == Protocol.TCP) {
                JsonNode flags = object(fields, "flags", "flow.l4.TCP.flags");
                if (flags != null) {
                    h.syn = Boolean.TRUE.equals(bool(get(flags, "SYN"), "flow.l4.TCP.flags.SYN"));
                    h.ack = Boolean.TRUE.equals(bool(get(flags, "ACK"), "flow.l4.TCP.flags.ACK"));
                }
            }
        } else if (h.protocol == Protocol.ICMP || h.protocol == Protocol.ICMPV6) {
            h.icmpType = HubbleFields.icmpField(longValue(get(fields, "type"), path + ".type", -1));
            h.icmpCode = HubbleFields.icmpField(longValue(get(fields, "code"), path + ".code", -1));
        }
    }

    static void eventType(JsonNode eventType, HubbleFields h) {
        if (eventType != null) {
            h.eventType = longValue(get(eventType, "type"), "flow.event_type.type", 0);
            h.eventSubType = longValue(get(eventType, "sub_type"), "flow.event_type.sub_type", 0);
        }
    }

    static void aggregate(JsonNode aggregate, HubbleFields h) {
        if (aggregate != null) {
            h.connections = longValue(get(aggregate, "ingress_flow_count"), "flow.aggregate.ingress_flow_count", 0)
                    + longValue(get(aggregate, "egress_flow_count"), "flow.aggregate.egress_flow_count", 0)
                    + longValue(
                            get(aggregate, "unknown_direction_flow_count"),
                            "flow.aggregate.unknown_direction_flow_count",
                            0);
        }
    }

    static void addPolicies(JsonNode array, String field, List<String> out) {
        if (array == null) {
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            String path = "flow." + field + "[" + i + "]";
            JsonNode policy = asObject(array.get(i), path);
            if (policy == null) {
                continue;
            }
            String name = text(policy, "name", path + ".name");
            if (name == null || name.isEmpty()) {
                continue;
            }
            String namespace = blankToNull(text(policy, "namespace", path + ".namespace"));
            String kind = blankToNull(text(policy, "kind", path + ".kind"));
            String qualified = namespace == null ? name : namespace + "/" + name;
            if (kind != null && !"NetworkPolicy".equals(kind)) {
                qualified = kind + ":" + qualified;
            }
            if (!out.contains(qualified)) {
                out.add(qualified);
            }
        }
    }

    /** The endpoint an object describes, without its IP (null when absent or empty). */
    static Endpoint endpoint(JsonNode e, String path) {
        if (e == null || e.isEmpty()) {
            return null;
        }
        String namespace = blankToNull(text(e, "namespace", path + ".namespace"));
        String pod = blankToNull(text(e, "pod_name", path + ".pod_name"));
        Map<String, String> labels = new HashMap<>();
        Map<String, String> namespaceLabels = new HashMap<>();
        List<String> reserved = new ArrayList<>(2);
        String labelsPath = path + ".labels";
        List<String> raw = strings(get(e, "labels"), labelsPath);
        for (String label : raw) {
            addLabel(label, labels, namespaceLabels, reserved, labelsPath, raw.size());
        }
        InputBounds.checkLabels(labels, namespaceLabels, labelsPath);
        String workload = null;
        long identity = 0;
        if (namespace != null) {
            JsonNode workloads = JsonFields.array(e, "workloads", path + ".workloads");
            if (workloads != null && !workloads.isEmpty()) {
                JsonNode first = asObject(workloads.get(0), path + ".workloads[0]");
                workload = first == null ? null : blankToNull(text(first, "name", path + ".workloads[0].name"));
            }
        } else {
            identity = longValue(get(e, "identity"), path + ".identity", 0);
        }
        return endpoint(namespace, pod, workload, identity, labels, namespaceLabels, reserved);
    }

    /**
     * The endpoint an object's fields describe, once read and its labels checked: a pod when it has a namespace (its
     * workload from {@code workloads}, else from its name and labels), else what its reserved labels or its security
     * identity say. Shared by every way of reading the object.
     *
     * @param workload the first workload's name, or null (read only for a namespaced endpoint)
     * @param identity the security identity (read only for an endpoint without namespace), 0 when absent
     */
    static Endpoint endpoint(
            String namespace,
            String pod,
            String workload,
            long identity,
            Map<String, String> labels,
            Map<String, String> namespaceLabels,
            List<String> reserved) {
        if (namespace != null) {
            return new Endpoint(
                    EndpointKind.POD,
                    namespace,
                    pod,
                    workload != null ? workload : Workloads.of(pod, labels),
                    null,
                    Map.copyOf(labels),
                    Map.copyOf(namespaceLabels),
                    null);
        }
        if (!reserved.isEmpty()) {
            boolean world =
                    reserved.contains("world") || reserved.contains("world-ipv4") || reserved.contains("world-ipv6");
            if (reserved.contains("kube-apiserver")) {
                return simple(EndpointKind.RESERVED, "kube-apiserver");
            }
            if (world) {
                return simple(EndpointKind.WORLD, null);
            }
            if (reserved.contains("host")) {
                return simple(EndpointKind.HOST, "host");
            }
            if (reserved.contains("remote-node")) {
                return simple(EndpointKind.HOST, "remote-node");
            }
            return simple(EndpointKind.RESERVED, reserved.get(0));
        }
        return switch ((int) identity) {
            case 1 -> simple(EndpointKind.HOST, "host");
            case 2, 9, 10 -> simple(EndpointKind.WORLD, null);
            case 3 -> simple(EndpointKind.RESERVED, "unmanaged");
            case 4 -> simple(EndpointKind.RESERVED, "health");
            case 5 -> simple(EndpointKind.RESERVED, "init");
            case 6 -> simple(EndpointKind.HOST, "remote-node");
            case 7 -> simple(EndpointKind.RESERVED, "kube-apiserver");
            case 8 -> simple(EndpointKind.RESERVED, "ingress");
            default -> new Endpoint(EndpointKind.UNKNOWN, null, pod, null, null, Map.copyOf(labels), Map.of(), null);
        };
    }

    private static Endpoint simple(EndpointKind kind, String name) {
        return new Endpoint(kind, null, null, null, null, Map.of(), Map.of(), name);
    }

    /** Splits {@code source:key=value} on the first ':' and then the first '='. */
    /**
     * One entry of an endpoint's {@code labels}, parsed ({@link #parseLabel}); refuses more than
     * {@link InputBounds#MAX_LABELS} kept. Both paths read the list with it.
     *
     * @param count the entries of the list, for the message
     */
    static void addLabel(
            String label,
            Map<String, String> labels,
            Map<String, String> namespaceLabels,
            List<String> reserved,
            String path,
            int count) {
        parseLabel(label, labels, namespaceLabels, reserved);
        if (labels.size() + namespaceLabels.size() > InputBounds.MAX_LABELS) {
            throw InputBounds.tooManyLabels(path, count);
        }
    }

    static void parseLabel(
            String label, Map<String, String> labels, Map<String, String> namespaceLabels, List<String> reserved) {
        int colon = label.indexOf(':');
        int equals = label.indexOf('=');
        String source = "";
        String rest = label;
        if (colon >= 0 && (equals < 0 || colon < equals)) {
            source = label.substring(0, colon);
            rest = label.substring(colon + 1);
            equals = rest.indexOf('=');
        }
        String key = equals < 0 ? rest : rest.substring(0, equals);
        String value = equals < 0 ? "" : rest.substring(equals + 1);
        if ("reserved".equals(source)) {
            reserved.add(key);
            return;
        }
        if (!source.isEmpty() && !"k8s".equals(source) && !"container".equals(source)) {
            return; // cidr:, fqdn:, unspec: ... describe identities, not pod labels
        }
        if (key.startsWith(NAMESPACE_LABEL_PREFIX)) {
            namespaceLabels.put(key.substring(NAMESPACE_LABEL_PREFIX.length()), value);
            return;
        }
        if (key.equals(POD_NAMESPACE_LABEL) || key.startsWith(POLICY_LABEL_PREFIX) || key.isEmpty()) {
            return;
        }
        labels.put(key, value);
    }

    private static String blankToNull(String s) {
        return HubbleFields.blankToNull(s);
    }
}
