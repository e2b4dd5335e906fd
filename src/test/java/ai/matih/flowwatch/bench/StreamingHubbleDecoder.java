package ai.matih.flowwatch.bench;

import ai.matih.flowwatch.decode.FlowBounds;
import ai.matih.flowwatch.decode.InputBounds;
import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.decode.json.SliceCache;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.ObservationSide;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.flow.Workloads;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The yardstick for the Hubble fast path: Hubble exporter lines ({@code {"flow":{...},"node_name","time"}}) read with
 * Jackson's streaming parser ({@link JsonParser}, {@link JsonToken}), field by field, into the same {@link Flow} the
 * fast path yields. It reads the fields the fast path reads and skips the rest with {@link JsonParser#skipChildren()};
 * an endpoint object is read token by token every time or, when {@code cacheEndpoints}, once per distinct byte content
 * (the fast path's {@link SliceCache}, keyed by the parser's byte offsets), so the figure separates the cost of the
 * parser from the gain of the memo. The semantics are the tree path's, copied here (the decoder's helpers are not
 * public); JsonScannerBenchmarkEquivalenceTest checks the flows equal the production decoder's on every benchmark
 * record. Accepts only well-formed exporter lines: anything else throws (the benchmark records are all well formed).
 */
final class StreamingHubbleDecoder {

    private static final String NAMESPACE_LABEL_PREFIX = "io.cilium.k8s.namespace.labels.";
    private static final String POLICY_LABEL_PREFIX = "io.cilium.k8s.policy.";
    private static final String POD_NAMESPACE_LABEL = "io.kubernetes.pod.namespace";
    private static final List<String> POLICY_FIELDS =
            List.of("ingress_denied_by", "egress_denied_by", "ingress_allowed_by", "egress_allowed_by");

    private final JsonFactory factory;
    private final SliceCache<Endpoint> endpoints;

    /** @param cacheEndpoints decode each distinct endpoint object once, as the fast path does */
    StreamingHubbleDecoder(JsonCodec codec, boolean cacheEndpoints) {
        this.factory = codec.factory();
        this.endpoints = cacheEndpoints ? new SliceCache<>(4096, 4096) : null;
    }

    /** The flows of every exporter line of {@code value}. */
    List<Flow> decode(byte[] value, Instant receivedAt) {
        List<Flow> out = new ArrayList<>(2);
        try (JsonParser p = factory.createParser(value)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                expect(p, t, JsonToken.START_OBJECT);
                out.add(FlowBounds.check(line(p, value, receivedAt)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private Flow line(JsonParser p, byte[] value, Instant receivedAt) throws IOException {
        Fields h = null;
        String node = null;
        String time = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "flow" -> {
                    expect(p, t, JsonToken.START_OBJECT);
                    h = flow(p, value);
                }
                case "node_name" -> node = string(p, t);
                case "time" -> time = string(p, t);
                default -> p.skipChildren();
            }
        }
        if (h == null) {
            throw new IllegalArgumentException("not an exporter flow line");
        }
        h.wrapperNode = node;
        Instant wrapperTime = time == null || time.isEmpty()
                ? null
                : time.equals(h.timeText) ? h.time : JsonFields.parseRfc3339(time, "time");
        h.wrapperTime = wrapperTime != null ? wrapperTime : receivedAt;
        return h.toFlow();
    }

    private Fields flow(JsonParser p, byte[] value) throws IOException {
        Fields h = new Fields();
        List<List<String>> policies = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "time" -> {
                    h.timeText = string(p, t);
                    h.time = h.timeText == null || h.timeText.isEmpty()
                            ? null
                            : JsonFields.parseRfc3339(h.timeText, "flow.time");
                }
                case "verdict" -> h.verdict = string(p, t);
                case "drop_reason_desc" -> h.dropReason = string(p, t);
                case "Type" -> h.type = string(p, t);
                case "event_type" -> eventType(p, t, h);
                case "IP" -> ip(p, t, h);
                case "source" -> h.source = endpoint(p, t, value);
                case "destination" -> h.destination = endpoint(p, t, value);
                case "l4" -> l4(p, t, h);
                case "is_reply" -> h.isReply = t == JsonToken.VALUE_NULL ? null : p.getBooleanValue();
                case "trace_reason" -> h.traceReason = string(p, t);
                case "trace_observation_point" -> h.observationPoint = string(p, t);
                case "node_name" -> h.node = string(p, t);
                case "uuid" -> h.uuid = string(p, t);
                case "traffic_direction" -> h.trafficDirection = string(p, t);
                case "aggregate" -> aggregate(p, t, h);
                default -> {
                    int policy = POLICY_FIELDS.indexOf(name);
                    if (policy >= 0 && t == JsonToken.START_ARRAY) {
                        if (policies == null) {
                            policies = new ArrayList<>(List.of(List.of(), List.of(), List.of(), List.of()));
                        }
                        policies.set(policy, policies(p));
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }
        if (policies != null) {
            for (List<String> names : policies) {
                for (String qualified : names) {
                    if (!h.policies.contains(qualified)) {
                        h.policies.add(qualified);
                    }
                }
            }
        }
        return h;
    }

    private static void eventType(JsonParser p, JsonToken t, Fields h) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, t, JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "type" -> h.eventType = p.getLongValue();
                case "sub_type" -> h.eventSubType = p.getLongValue();
                default -> p.skipChildren();
            }
        }
    }

    private static void ip(JsonParser p, JsonToken t, Fields h) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, t, JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "source" -> h.sourceIp = blankToNull(string(p, v));
                case "destination" -> h.destinationIp = blankToNull(string(p, v));
                default -> p.skipChildren();
            }
        }
    }

    private static void l4(JsonParser p, JsonToken t, Fields h) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, t, JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            expect(p, v, JsonToken.START_OBJECT);
            h.protocol = protocol(name);
            if (h.protocol.hasPorts()) {
                ports(p, h);
            } else if (h.protocol == Protocol.ICMP || h.protocol == Protocol.ICMPV6) {
                icmp(p, h);
            } else {
                p.skipChildren();
            }
        }
    }

    private static void ports(JsonParser p, Fields h) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "source_port" -> h.sourcePort = p.getIntValue();
                case "destination_port" -> h.destinationPort = p.getIntValue();
                case "flags" -> {
                    if (h.protocol == Protocol.TCP && v == JsonToken.START_OBJECT) {
                        flags(p, h);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void flags(JsonParser p, Fields h) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "SYN" -> h.syn = v == JsonToken.VALUE_TRUE;
                case "ACK" -> h.ack = v == JsonToken.VALUE_TRUE;
                default -> p.skipChildren();
            }
        }
    }

    private static void icmp(JsonParser p, Fields h) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "type" -> h.icmpType = icmpField(p.getLongValue());
                case "code" -> h.icmpCode = icmpField(p.getLongValue());
                default -> p.skipChildren();
            }
        }
    }

    private static void aggregate(JsonParser p, JsonToken t, Fields h) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, t, JsonToken.START_OBJECT);
        long connections = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "ingress_flow_count", "egress_flow_count", "unknown_direction_flow_count" ->
                    connections += p.getLongValue();
                default -> p.skipChildren();
            }
        }
        h.connections = connections;
    }

    /** A policy array: {@code [{"name","namespace","kind"}...]} as qualified names, in order, without repeats. */
    private static List<String> policies(JsonParser p) throws IOException {
        List<String> out = new ArrayList<>(1);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            expect(p, t, JsonToken.START_OBJECT);
            String name = null;
            String namespace = null;
            String kind = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "name" -> name = string(p, v);
                    case "namespace" -> namespace = blankToNull(string(p, v));
                    case "kind" -> kind = blankToNull(string(p, v));
                    default -> p.skipChildren();
                }
            }
            if (name == null || name.isEmpty()) {
                continue;
            }
            String qualified = namespace == null ? name : namespace + "/" + name;
            if (kind != null && !"NetworkPolicy".equals(kind)) {
                qualified = kind + ":" + qualified;
            }
            if (!out.contains(qualified)) {
                out.add(qualified);
            }
        }
        return out;
    }

    /** An endpoint object (null when absent or empty), read here or found in the memo by its bytes. */
    private Endpoint endpoint(JsonParser p, JsonToken t, byte[] value) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, t, JsonToken.START_OBJECT);
        if (endpoints == null) {
            return endpointObject(p);
        }
        int from = (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        int to = (int) p.currentLocation().getByteOffset();
        return endpoints.get(value, from, to, this::parseEndpoint);
    }

    private Endpoint parseEndpoint(byte[] object) {
        try (JsonParser p = factory.createParser(object)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT);
            return endpointObject(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The endpoint whose '{' the parser is on, read up to its '}'; the semantics of the tree path. */
    private static Endpoint endpointObject(JsonParser p) throws IOException {
        String namespace = null;
        String pod = null;
        String workload = null;
        long identity = 0;
        boolean empty = true;
        Map<String, String> labels = new HashMap<>();
        Map<String, String> namespaceLabels = new HashMap<>();
        List<String> reserved = new ArrayList<>(2);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            empty = false;
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "namespace" -> namespace = blankToNull(string(p, t));
                case "pod_name" -> pod = blankToNull(string(p, t));
                case "identity" -> identity = t == JsonToken.VALUE_NULL ? 0 : p.getLongValue();
                case "labels" -> {
                    if (t == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            parseLabel(p.getText(), labels, namespaceLabels, reserved);
                        }
                    }
                }
                case "workloads" -> workload = firstWorkload(p, t);
                default -> p.skipChildren();
            }
        }
        if (empty) {
            return null;
        }
        InputBounds.checkLabels(labels, namespaceLabels, "flow.endpoint.labels");
        if (namespace != null) {
            if (workload == null) {
                workload = Workloads.of(pod, labels);
            }
            return new Endpoint(
                    EndpointKind.POD,
                    namespace,
                    pod,
                    workload,
                    null,
                    Map.copyOf(labels),
                    Map.copyOf(namespaceLabels),
                    null);
        }
        if (!reserved.isEmpty()) {
            if (reserved.contains("kube-apiserver")) {
                return simple(EndpointKind.RESERVED, "kube-apiserver");
            }
            if (reserved.contains("world") || reserved.contains("world-ipv4") || reserved.contains("world-ipv6")) {
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

    /** The name of the first element of {@code workloads}, skipping the others. */
    private static String firstWorkload(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        String workload = null;
        boolean first = true;
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (first && e == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("name".equals(name)) {
                        workload = blankToNull(string(p, v));
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
            first = false;
        }
        return workload;
    }

    /** Splits {@code source:key=value} on the first ':' and then the first '='. */
    private static void parseLabel(
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
            return;
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

    private static Protocol protocol(String name) {
        return switch (name) {
            case "TCP" -> Protocol.TCP;
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            case "ICMPv4" -> Protocol.ICMP;
            case "ICMPv6" -> Protocol.ICMPV6;
            case "VRRP" -> Protocol.VRRP;
            case "IGMP" -> Protocol.IGMP;
            default -> throw new IllegalArgumentException("not an l4 protocol: " + name);
        };
    }

    private static Endpoint simple(EndpointKind kind, String name) {
        return new Endpoint(kind, null, null, null, null, Map.of(), Map.of(), name);
    }

    private static String string(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, t, JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("expected " + expected + ", got " + actual + " at "
                    + p.currentTokenLocation().getByteOffset());
        }
    }

    private static int icmpField(long value) {
        return value >= 0 && value <= 255 ? (int) value : -1;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The fields of one flow, and the tree path's rules turning them into a {@link Flow}. */
    private static final class Fields {
        Instant time;
        String timeText;
        Instant wrapperTime;
        String wrapperNode;
        String verdict;
        String dropReason;
        String type;
        long eventType;
        long eventSubType;
        String sourceIp;
        String destinationIp;
        Endpoint source;
        Endpoint destination;
        Protocol protocol = Protocol.UNKNOWN;
        int sourcePort = -1;
        int destinationPort = -1;
        int icmpType = -1;
        int icmpCode = -1;
        boolean syn;
        boolean ack;
        Boolean isReply;
        String traceReason;
        String observationPoint;
        String node;
        final List<String> policies = new ArrayList<>(0);
        long connections = 1;
        String uuid;
        String trafficDirection;

        Flow toFlow() {
            Instant at = time != null ? time : wrapperTime;
            if (at == null) {
                throw new IllegalArgumentException("no flow.time");
            }
            Observed observed;
            String detail;
            if (verdict == null) {
                observed = Observed.UNKNOWN;
                detail = "no verdict";
            } else {
                switch (verdict) {
                    case "FORWARDED", "REDIRECTED" -> {
                        observed = Observed.ALLOWED;
                        detail = verdict;
                    }
                    case "AUDIT" -> {
                        observed = Observed.AUDIT;
                        detail = "AUDIT: would be denied by policy";
                    }
                    case "DROPPED" -> {
                        if ("POLICY_DENIED".equals(dropReason)
                                || "POLICY_DENY".equals(dropReason)
                                || "AUTH_REQUIRED".equals(dropReason)) {
                            observed = Observed.DENIED;
                            detail = "DROPPED " + dropReason;
                        } else if ("L7".equals(type)) {
                            observed = Observed.DENIED;
                            detail = "DROPPED by L7 policy";
                        } else if (dropReason == null
                                && eventType == 1
                                && (eventSubType == 133 || eventSubType == 181 || eventSubType == 189)) {
                            observed = Observed.DENIED;
                            detail = "DROPPED policy drop code " + eventSubType;
                        } else if (eventType == 5) {
                            observed = Observed.DENIED;
                            detail = "DROPPED by policy verdict" + (dropReason == null ? "" : " " + dropReason);
                        } else {
                            observed = Observed.UNKNOWN;
                            detail = "DROPPED "
                                    + (dropReason == null ? "without reason" : JsonFields.clip(dropReason))
                                    + " (datapath, not policy)";
                        }
                    }
                    default -> {
                        observed = Observed.UNKNOWN;
                        detail = JsonFields.clip(verdict) + " (no policy verdict)";
                    }
                }
            }
            if (icmpType >= 0) {
                detail = detail + "; " + (protocol == Protocol.ICMP ? "ICMPv4" : "ICMPv6") + " type " + icmpType
                        + (icmpCode >= 0 ? " code " + icmpCode : "");
            }
            Initiation initiation;
            if (isReply != null) {
                initiation = isReply ? Initiation.REPLY : Initiation.INITIATING;
            } else if ("REPLY".equals(traceReason)) {
                initiation = Initiation.REPLY;
            } else if ("NEW".equals(traceReason)) {
                initiation = Initiation.INITIATING;
            } else if (syn && !ack) {
                initiation = Initiation.INITIATING;
            } else if (syn) {
                initiation = Initiation.REPLY;
            } else if (icmpEcho(true)) {
                initiation = Initiation.INITIATING;
            } else if (icmpEcho(false)) {
                initiation = Initiation.REPLY;
            } else {
                initiation = Initiation.UNKNOWN;
            }
            String reporter = observationPoint;
            if (reporter == null || reporter.isEmpty()) {
                reporter = eventTypeName(eventType, type);
            }
            String reportingNode = node == null || node.isEmpty() ? wrapperNode : node;
            Endpoint from = source == null ? Endpoint.unknown(sourceIp) : source.withIp(sourceIp);
            Endpoint to = destination == null ? Endpoint.unknown(destinationIp) : destination.withIp(destinationIp);
            return new Flow(
                    SourceFormat.HUBBLE,
                    at,
                    at,
                    from,
                    to,
                    protocol,
                    destinationPort,
                    sourcePort,
                    observed,
                    initiation,
                    reporter,
                    blankToNull(reportingNode),
                    policies,
                    detail,
                    connections,
                    blankToNull(uuid),
                    side(reporter));
        }

        private boolean icmpEcho(boolean request) {
            if (protocol == Protocol.ICMP) {
                return icmpType == (request ? 8 : 0);
            }
            return protocol == Protocol.ICMPV6 && icmpType == (request ? 128 : 129);
        }

        private ObservationSide side(String reporter) {
            if ("TO_ENDPOINT".equals(reporter) || "INGRESS".equals(trafficDirection)) {
                return ObservationSide.DESTINATION;
            }
            if ("EGRESS".equals(trafficDirection)) {
                return ObservationSide.SOURCE;
            }
            return ObservationSide.UNKNOWN;
        }

        private static String eventTypeName(long type, String l7Type) {
            if ("L7".equals(l7Type)) {
                return "l7";
            }
            return switch ((int) type) {
                case 0 -> null;
                case 1 -> "drop";
                case 2 -> "debug";
                case 3 -> "capture";
                case 4 -> "trace";
                case 5 -> "policy-verdict";
                case 6 -> "recorder";
                case 7 -> "trace-sock";
                case 129 -> "l7";
                default -> "type-" + type;
            };
        }
    }
}
