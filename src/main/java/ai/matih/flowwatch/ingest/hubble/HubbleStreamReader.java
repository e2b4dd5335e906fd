package ai.matih.flowwatch.ingest.hubble;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.ingest.JsonCodec;
import ai.matih.flowwatch.ingest.JsonFields;
import ai.matih.flowwatch.ingest.SliceCache;
import ai.matih.flowwatch.ingest.StreamingDecoder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The streaming fast path for Hubble exporter lines ({@code {"flow":{...},"node_name","time"}}, one or several per
 * record): reads the fields {@link HubbleFields} needs token by token and skips the rest (ethernet, node labels,
 * interface, summary...). An endpoint object is decoded once per distinct byte content ({@link SliceCache}), by the
 * same code as the tree path. Declines (see {@link StreamingDecoder}) on: a bare flow without the wrapper, non-flow
 * lines, a {@code log} wrapper, a field of an unexpected JSON type, a duplicated field, two L4 protocols, a
 * timestamp or number the full decoder would have to judge, and any syntax error.
 *
 * <p>Thread-safe.
 */
public final class HubbleStreamReader extends StreamingDecoder {

    private static final int ENDPOINT_CACHE_SLOTS = 8192;
    private static final int ENDPOINT_CACHE_MAX_BYTES = 16 * 1024;

    private final SliceCache<Endpoint> endpoints = new SliceCache<>(ENDPOINT_CACHE_SLOTS, ENDPOINT_CACHE_MAX_BYTES);
    private final java.util.function.Function<byte[], Endpoint> decodeEndpoint = this::decodeEndpoint;

    public HubbleStreamReader(JsonCodec codec) {
        super(codec);
    }

    /** One exporter line; the parser is on its START_OBJECT. */
    @Override
    protected Flow document(JsonParser p, byte[] value, Instant receivedAt) throws IOException {
        HubbleFields h = null;
        String node = null;
        String time = null;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "flow" -> {
                    seen = once(seen, 1);
                    if (t != JsonToken.START_OBJECT) {
                        throw DECLINE;
                    }
                    h = flow(p, value);
                }
                case "node_name" -> {
                    seen = once(seen, 2);
                    node = string(p, t);
                }
                case "time" -> {
                    seen = once(seen, 4);
                    time = string(p, t);
                }
                case "log" -> throw DECLINE;
                default -> p.skipChildren();
            }
        }
        if (h == null) {
            throw DECLINE;
        }
        h.wrapperNode = node;
        Instant wrapperTime = time == null || time.isEmpty() ? null : JsonFields.parseRfc3339(time, "time");
        h.wrapperTime = wrapperTime != null ? wrapperTime : receivedAt;
        return h.toFlow();
    }

    /** The flow object; the parser is on its START_OBJECT and ends on its END_OBJECT. */
    private HubbleFields flow(JsonParser p, byte[] value) throws IOException {
        HubbleFields h = new HubbleFields();
        JsonNode[] policies = null;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "time" -> {
                    seen = once(seen, 1);
                    String s = string(p, t);
                    h.time = s == null || s.isEmpty() ? null : JsonFields.parseRfc3339(s, "flow.time");
                }
                case "verdict" -> {
                    seen = once(seen, 1 << 1);
                    h.verdict = string(p, t);
                }
                case "drop_reason_desc" -> {
                    seen = once(seen, 1 << 2);
                    h.dropReason = string(p, t);
                }
                case "Type" -> {
                    seen = once(seen, 1 << 3);
                    h.type = string(p, t);
                }
                case "event_type" -> {
                    seen = once(seen, 1 << 4);
                    eventType(p, t, h);
                }
                case "IP" -> {
                    seen = once(seen, 1 << 5);
                    ip(p, t, h);
                }
                case "source" -> {
                    seen = once(seen, 1 << 6);
                    h.source = endpoint(p, t, value);
                }
                case "destination" -> {
                    seen = once(seen, 1 << 7);
                    h.destination = endpoint(p, t, value);
                }
                case "l4" -> {
                    seen = once(seen, 1 << 8);
                    l4(p, t, h);
                }
                case "is_reply" -> {
                    seen = once(seen, 1 << 9);
                    h.isReply = bool(t);
                }
                case "trace_reason" -> {
                    seen = once(seen, 1 << 10);
                    h.traceReason = string(p, t);
                }
                case "trace_observation_point" -> {
                    seen = once(seen, 1 << 11);
                    h.observationPoint = string(p, t);
                }
                case "node_name" -> {
                    seen = once(seen, 1 << 12);
                    h.node = string(p, t);
                }
                case "uuid" -> {
                    seen = once(seen, 1 << 13);
                    h.uuid = string(p, t);
                }
                case "traffic_direction" -> {
                    seen = once(seen, 1 << 14);
                    h.trafficDirection = string(p, t);
                }
                case "aggregate" -> {
                    seen = once(seen, 1 << 15);
                    HubbleDecoder.aggregate(JsonFields.asObject(tree(p, t), "flow.aggregate"), h);
                }
                case "ingress_denied_by", "egress_denied_by", "ingress_allowed_by", "egress_allowed_by" -> {
                    int index = HubbleDecoder.POLICY_FIELDS.indexOf(name);
                    seen = once(seen, 1 << (16 + index));
                    if (policies == null) {
                        policies = new JsonNode[HubbleDecoder.POLICY_FIELDS.size()];
                    }
                    policies[index] = tree(p, t);
                }
                default -> p.skipChildren();
            }
        }
        if (policies != null) {
            for (int i = 0; i < policies.length; i++) {
                String field = HubbleDecoder.POLICY_FIELDS.get(i);
                HubbleDecoder.addPolicies(JsonFields.asArray(policies[i], "flow." + field), field, h.policies);
            }
        }
        return h;
    }

    private static void eventType(JsonParser p, JsonToken t, HubbleFields h) throws IOException {
        if (!object(t)) {
            return;
        }
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "type" -> {
                    seen = once(seen, 1);
                    h.eventType = integer(p, v, 0);
                }
                case "sub_type" -> {
                    seen = once(seen, 2);
                    h.eventSubType = integer(p, v, 0);
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void ip(JsonParser p, JsonToken t, HubbleFields h) throws IOException {
        if (!object(t)) {
            return;
        }
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "source" -> {
                    seen = once(seen, 1);
                    h.sourceIp = HubbleFields.blankToNull(string(p, v));
                }
                case "destination" -> {
                    seen = once(seen, 2);
                    h.destinationIp = HubbleFields.blankToNull(string(p, v));
                }
                default -> p.skipChildren();
            }
        }
    }

    /** {@code l4}: exactly one protocol object, or none. */
    private static void l4(JsonParser p, JsonToken t, HubbleFields h) throws IOException {
        if (!object(t)) {
            return;
        }
        boolean found = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            Protocol protocol = switch (name) {
                case "TCP" -> Protocol.TCP;
                case "UDP" -> Protocol.UDP;
                case "SCTP" -> Protocol.SCTP;
                case "ICMPv4" -> Protocol.ICMP;
                case "ICMPv6" -> Protocol.ICMPV6;
                default -> null;
            };
            if (protocol == null) {
                p.skipChildren();
                continue;
            }
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            if (found || v != JsonToken.START_OBJECT) {
                throw DECLINE;
            }
            found = true;
            h.protocol = protocol;
            if (protocol == Protocol.ICMP || protocol == Protocol.ICMPV6) {
                p.skipChildren();
            } else {
                ports(p, protocol == Protocol.TCP, h);
            }
        }
    }

    private static void ports(JsonParser p, boolean tcp, HubbleFields h) throws IOException {
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "source_port" -> {
                    seen = once(seen, 1);
                    h.sourcePort = port(p, v);
                }
                case "destination_port" -> {
                    seen = once(seen, 2);
                    h.destinationPort = port(p, v);
                }
                case "flags" -> {
                    seen = once(seen, 4);
                    if (tcp) {
                        flags(p, v, h);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void flags(JsonParser p, JsonToken t, HubbleFields h) throws IOException {
        if (!object(t)) {
            return;
        }
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "SYN" -> {
                    seen = once(seen, 1);
                    h.syn = Boolean.TRUE.equals(bool(v));
                }
                case "ACK" -> {
                    seen = once(seen, 2);
                    h.ack = Boolean.TRUE.equals(bool(v));
                }
                default -> p.skipChildren();
            }
        }
    }

    /** An endpoint object, decoded once per distinct content; null when absent or empty (as the tree path). */
    private Endpoint endpoint(JsonParser p, JsonToken t, byte[] value) throws IOException {
        if (!object(t)) {
            return null;
        }
        long from = p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        long to = p.currentLocation().getByteOffset();
        if (from < 0 || to > value.length || to <= from || value[(int) from] != '{' || value[(int) to - 1] != '}') {
            throw DECLINE;
        }
        return endpoints.get(value, (int) from, (int) to, decodeEndpoint);
    }

    /** Decodes one endpoint object with the tree path's code; a DecodeException makes the fast path decline. */
    private Endpoint decodeEndpoint(byte[] object) {
        return HubbleDecoder.endpoint(codec().parse(object, 0, object.length, "endpoint"), "flow.endpoint");
    }

    private JsonNode tree(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        return codec().mapper().readTree(p);
    }

    /** Marks a field as seen; a field seen twice makes the fast path decline (the tree keeps the last one). */
    private static int once(int seen, int bit) {
        if ((seen & bit) != 0) {
            throw DECLINE;
        }
        return seen | bit;
    }

    private static String string(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw DECLINE;
    }

    private static Boolean bool(JsonToken t) {
        return switch (t) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw DECLINE;
        };
    }

    private static long integer(JsonParser p, JsonToken t, long absent) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return absent;
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw DECLINE;
        }
        return p.getLongValue();
    }

    private static int port(JsonParser p, JsonToken t) throws IOException {
        long port = integer(p, t, -1);
        if (port < -1 || port > 65535) {
            throw DECLINE;
        }
        return (int) port;
    }
}
