package ai.matih.flowwatch.decode.hubble;

import ai.matih.flowwatch.decode.FlowBounds;
import ai.matih.flowwatch.decode.InputBounds;
import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.decode.json.SliceCache;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Protocol;
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
 * parser from the gain of the memo. Only the reading is its own: the fields go into the decoders' {@link HubbleFields}
 * and an endpoint's into {@link HubbleDecoder#endpoint(String, String, String, long, Map, Map, List)}, so the
 * semantics are the production ones; JsonScannerBenchmarkEquivalenceTest checks the flows equal the production decoder's on every benchmark
 * record. Accepts only well-formed exporter lines: anything else throws (the benchmark records are all well formed).
 */
public final class StreamingHubbleDecoder {

    private static final List<String> POLICY_FIELDS =
            List.of("ingress_denied_by", "egress_denied_by", "ingress_allowed_by", "egress_allowed_by");

    private final JsonFactory factory;
    private final SliceCache<Endpoint> endpoints;

    /** @param cacheEndpoints decode each distinct endpoint object once, as the fast path does */
    public StreamingHubbleDecoder(JsonCodec codec, boolean cacheEndpoints) {
        this.factory = codec.factory();
        this.endpoints = cacheEndpoints ? new SliceCache<>(4096, 4096) : null;
    }

    /** The flows of every exporter line of {@code value}. */
    public List<Flow> decode(byte[] value, Instant receivedAt) {
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
        HubbleFields h = null;
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

    private HubbleFields flow(JsonParser p, byte[] value) throws IOException {
        HubbleFields h = new HubbleFields();
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

    private static void eventType(JsonParser p, JsonToken t, HubbleFields h) throws IOException {
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

    private static void ip(JsonParser p, JsonToken t, HubbleFields h) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, t, JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "source" -> h.sourceIp = HubbleFields.blankToNull(string(p, v));
                case "destination" -> h.destinationIp = HubbleFields.blankToNull(string(p, v));
                default -> p.skipChildren();
            }
        }
    }

    private static void l4(JsonParser p, JsonToken t, HubbleFields h) throws IOException {
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
            h.protocol = HubbleFields.l4Protocol(name);
            if (h.protocol.hasPorts()) {
                ports(p, h);
            } else if (h.protocol == Protocol.ICMP || h.protocol == Protocol.ICMPV6) {
                icmp(p, h);
            } else {
                p.skipChildren();
            }
        }
    }

    private static void ports(JsonParser p, HubbleFields h) throws IOException {
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

    private static void flags(JsonParser p, HubbleFields h) throws IOException {
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

    private static void icmp(JsonParser p, HubbleFields h) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "type" -> h.icmpType = HubbleFields.icmpField(p.getLongValue());
                case "code" -> h.icmpCode = HubbleFields.icmpField(p.getLongValue());
                default -> p.skipChildren();
            }
        }
    }

    private static void aggregate(JsonParser p, JsonToken t, HubbleFields h) throws IOException {
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
                    case "namespace" -> namespace = HubbleFields.blankToNull(string(p, v));
                    case "kind" -> kind = HubbleFields.blankToNull(string(p, v));
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
                case "namespace" -> namespace = HubbleFields.blankToNull(string(p, t));
                case "pod_name" -> pod = HubbleFields.blankToNull(string(p, t));
                case "identity" -> identity = t == JsonToken.VALUE_NULL ? 0 : p.getLongValue();
                case "labels" -> {
                    if (t == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            HubbleDecoder.parseLabel(p.getText(), labels, namespaceLabels, reserved);
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
        return HubbleDecoder.endpoint(namespace, pod, workload, identity, labels, namespaceLabels, reserved);
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
                        workload = HubbleFields.blankToNull(string(p, v));
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

    /** The fields of one flow, and the tree path's rules turning them into a {@link Flow}. */
}
