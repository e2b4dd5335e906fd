package ai.matih.flowwatch.decode.hubble;

import ai.matih.flowwatch.decode.FastPath;
import ai.matih.flowwatch.decode.FastPathFallbacks;
import ai.matih.flowwatch.decode.InputBounds;
import ai.matih.flowwatch.decode.ScannerFastPath;
import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.decode.json.JsonScanner;
import ai.matih.flowwatch.decode.json.SliceCache;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The fast path for Hubble exporter lines ({@code {"flow":{...},"node_name","time"}}, one or several per record):
 * a {@link JsonScanner} reads the fields {@link HubbleFields} needs and checks, without materialising, everything it
 * skips (ethernet, node labels, interface, summary...). An endpoint object is decoded once per distinct byte content
 * ({@link SliceCache}), by the scanner into what the tree path's code makes of it; later occurrences are recognised
 * by their bytes.
 * Declines (see {@link FastPath}) on: a bare flow without the wrapper, non-flow lines, a {@code log} wrapper, a field
 * of an unexpected JSON type, a duplicated field, two L4 protocols, escapes in a string it reads, a timestamp or
 * number the full decoder would have to judge, and anything that is not plainly valid JSON.
 *
 * <p>Thread-safe.
 */
public final class HubbleFastPath extends ScannerFastPath {

    /** At most 4,096 × 4 KB of keys (16 MB) however hostile the input; larger endpoints are decoded every time. */
    private static final int ENDPOINT_CACHE_SLOTS = 4096;

    private static final int ENDPOINT_CACHE_MAX_BYTES = 4096;
    /** Endpoint objects sit at depth 3 (line, flow, endpoint); what they hold may nest this much deeper. */
    private static final int ENDPOINT_MAX_DEPTH = JsonScanner.MAX_DEPTH - 3;

    private static final byte[] FLOW = ascii("flow");
    private static final byte[] NODE_NAME = ascii("node_name");
    private static final byte[] TIME = ascii("time");
    private static final byte[] LOG = ascii("log");
    private static final byte[] VERDICT = ascii("verdict");
    private static final byte[] DROP_REASON_DESC = ascii("drop_reason_desc");
    private static final byte[] TYPE = ascii("Type");
    private static final byte[] TYPE_LOWER = ascii("type");
    private static final byte[] EVENT_TYPE = ascii("event_type");
    private static final byte[] IP = ascii("IP");
    private static final byte[] SOURCE = ascii("source");
    private static final byte[] DESTINATION = ascii("destination");
    private static final byte[] L4 = ascii("l4");
    private static final byte[] IS_REPLY = ascii("is_reply");
    private static final byte[] TRACE_REASON = ascii("trace_reason");
    private static final byte[] TRACE_OBSERVATION_POINT = ascii("trace_observation_point");
    private static final byte[] UUID = ascii("uuid");
    private static final byte[] TRAFFIC_DIRECTION = ascii("traffic_direction");
    private static final byte[] AGGREGATE = ascii("aggregate");
    private static final byte[][] POLICY_FIELDS =
            HubbleDecoder.POLICY_FIELDS.stream().map(HubbleFastPath::ascii).toArray(byte[][]::new);
    private static final byte[] SUB_TYPE = ascii("sub_type");
    private static final byte[] SOURCE_PORT = ascii("source_port");
    private static final byte[] DESTINATION_PORT = ascii("destination_port");
    private static final byte[] FLAGS = ascii("flags");
    private static final byte[] SYN = ascii("SYN");
    private static final byte[] ACK = ascii("ACK");
    private static final byte[][] PROTOCOL_NAMES = {
        ascii("TCP"), ascii("UDP"), ascii("SCTP"), ascii("ICMPv4"), ascii("ICMPv6"), ascii("VRRP"), ascii("IGMP")
    };
    private static final Protocol[] PROTOCOLS = {
        Protocol.TCP, Protocol.UDP, Protocol.SCTP, Protocol.ICMP, Protocol.ICMPV6, Protocol.VRRP, Protocol.IGMP
    };
    private static final byte[] CODE = ascii("code");
    private static final byte[] NAMESPACE = ascii("namespace");
    private static final byte[] POD_NAME = ascii("pod_name");
    private static final byte[] LABELS = ascii("labels");
    private static final byte[] WORKLOADS = ascii("workloads");
    private static final byte[] IDENTITY = ascii("identity");
    private static final byte[] NAME = ascii("name");
    private static final String LABELS_PATH = "flow.endpoint.labels";

    private final JsonCodec codec;
    private final SliceCache<Endpoint> endpoints = new SliceCache<>(ENDPOINT_CACHE_SLOTS, ENDPOINT_CACHE_MAX_BYTES);
    private final Function<byte[], Endpoint> decodeEndpoint = HubbleFastPath::decodeEndpoint;

    public HubbleFastPath(JsonCodec codec) {
        this(codec, new FastPathFallbacks("hubble"));
    }

    /** @param fallbacks where the declines are counted */
    public HubbleFastPath(JsonCodec codec, FastPathFallbacks fallbacks) {
        super(fallbacks);
        this.codec = codec;
    }

    /** One exporter line; the scanner is on its '{'. */
    @Override
    protected Flow document(JsonScanner s, byte[] value, Instant receivedAt) {
        s.expect('{');
        HubbleFields h = null;
        String node = null;
        String time = null;
        int seen = 0;
        for (boolean first = true; s.nextMember(first); first = false) {
            int n = s.name();
            if (s.nameIs(n, FLOW)) {
                seen = once(seen, 1);
                if (s.peek() != '{') {
                    throw decline();
                }
                h = flow(s, value);
            } else if (s.nameIs(n, NODE_NAME)) {
                seen = once(seen, 2);
                node = s.string();
            } else if (s.nameIs(n, TIME)) {
                seen = once(seen, 4);
                time = s.string();
            } else if (s.nameIs(n, LOG)) {
                throw decline();
            } else {
                s.skipValue(1);
            }
        }
        if (h == null) {
            throw decline();
        }
        h.wrapperNode = node;
        Instant wrapperTime;
        if (time == null || time.isEmpty()) {
            wrapperTime = null;
        } else if (time.equals(h.timeText)) {
            wrapperTime = h.time; // the exporter repeats the flow's time: parsed once
        } else {
            wrapperTime = JsonFields.parseRfc3339(time, "time");
        }
        h.wrapperTime = wrapperTime != null ? wrapperTime : receivedAt;
        return h.toFlow();
    }

    /** The flow object; the scanner is on its '{' and ends after its '}'. */
    private HubbleFields flow(JsonScanner s, byte[] value) {
        s.expect('{');
        HubbleFields h = new HubbleFields();
        JsonNode[] policies = null;
        int seen = 0;
        for (boolean first = true; s.nextMember(first); first = false) {
            int n = s.name();
            if (s.nameIs(n, TIME)) {
                seen = once(seen, 1);
                String text = s.string();
                h.timeText = text;
                h.time = text == null || text.isEmpty() ? null : JsonFields.parseRfc3339(text, "flow.time");
            } else if (s.nameIs(n, VERDICT)) {
                seen = once(seen, 1 << 1);
                h.verdict = s.string();
            } else if (s.nameIs(n, DROP_REASON_DESC)) {
                seen = once(seen, 1 << 2);
                h.dropReason = s.string();
            } else if (s.nameIs(n, TYPE)) {
                seen = once(seen, 1 << 3);
                h.type = s.string();
            } else if (s.nameIs(n, EVENT_TYPE)) {
                seen = once(seen, 1 << 4);
                eventType(s, h);
            } else if (s.nameIs(n, IP)) {
                seen = once(seen, 1 << 5);
                ip(s, h);
            } else if (s.nameIs(n, SOURCE)) {
                seen = once(seen, 1 << 6);
                h.source = endpoint(s, value);
            } else if (s.nameIs(n, DESTINATION)) {
                seen = once(seen, 1 << 7);
                h.destination = endpoint(s, value);
            } else if (s.nameIs(n, L4)) {
                seen = once(seen, 1 << 8);
                l4(s, h);
            } else if (s.nameIs(n, IS_REPLY)) {
                seen = once(seen, 1 << 9);
                h.isReply = s.bool();
            } else if (s.nameIs(n, TRACE_REASON)) {
                seen = once(seen, 1 << 10);
                h.traceReason = s.string();
            } else if (s.nameIs(n, TRACE_OBSERVATION_POINT)) {
                seen = once(seen, 1 << 11);
                h.observationPoint = s.string();
            } else if (s.nameIs(n, NODE_NAME)) {
                seen = once(seen, 1 << 12);
                h.node = s.string();
            } else if (s.nameIs(n, UUID)) {
                seen = once(seen, 1 << 13);
                h.uuid = s.string();
            } else if (s.nameIs(n, TRAFFIC_DIRECTION)) {
                seen = once(seen, 1 << 14);
                h.trafficDirection = s.string();
            } else if (s.nameIs(n, AGGREGATE)) {
                seen = once(seen, 1 << 15);
                HubbleDecoder.aggregate(JsonFields.asObject(tree(s, value), "flow.aggregate"), h);
            } else {
                int policy = policyField(s, n);
                if (policy >= 0) {
                    seen = once(seen, 1 << (16 + policy));
                    if (policies == null) {
                        policies = new JsonNode[POLICY_FIELDS.length];
                    }
                    policies[policy] = tree(s, value);
                } else {
                    s.skipValue(2);
                }
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

    private static int policyField(JsonScanner s, int name) {
        for (int i = 0; i < POLICY_FIELDS.length; i++) {
            if (s.nameIs(name, POLICY_FIELDS[i])) {
                return i;
            }
        }
        return -1;
    }

    private static void eventType(JsonScanner s, HubbleFields h) {
        if (!enter(s)) {
            return;
        }
        int seen = 0;
        for (boolean first = true; s.nextMember(first); first = false) {
            int n = s.name();
            if (s.nameIs(n, TYPE_LOWER)) {
                seen = once(seen, 1);
                h.eventType = s.naturalNumber(0);
            } else if (s.nameIs(n, SUB_TYPE)) {
                seen = once(seen, 2);
                h.eventSubType = s.naturalNumber(0);
            } else {
                s.skipValue(3);
            }
        }
    }

    private static void ip(JsonScanner s, HubbleFields h) {
        if (!enter(s)) {
            return;
        }
        int seen = 0;
        for (boolean first = true; s.nextMember(first); first = false) {
            int n = s.name();
            if (s.nameIs(n, SOURCE)) {
                seen = once(seen, 1);
                h.sourceIp = HubbleFields.blankToNull(s.string());
            } else if (s.nameIs(n, DESTINATION)) {
                seen = once(seen, 2);
                h.destinationIp = HubbleFields.blankToNull(s.string());
            } else {
                s.skipValue(3);
            }
        }
    }

    /** {@code l4}: exactly one protocol object, or none; a member of another name is the tree path's to judge. */
    private static void l4(JsonScanner s, HubbleFields h) {
        if (!enter(s)) {
            return;
        }
        boolean found = false;
        for (boolean first = true; s.nextMember(first); first = false) {
            int n = s.name();
            Protocol protocol = null;
            for (int i = 0; i < PROTOCOL_NAMES.length && protocol == null; i++) {
                if (s.nameIs(n, PROTOCOL_NAMES[i])) {
                    protocol = PROTOCOLS[i];
                }
            }
            if (s.nullValue()) {
                continue;
            }
            if (protocol == null || found || s.peek() != '{') {
                throw decline();
            }
            found = true;
            h.protocol = protocol;
            if (protocol.hasPorts()) {
                ports(s, protocol == Protocol.TCP, h);
            } else if (protocol == Protocol.ICMP || protocol == Protocol.ICMPV6) {
                icmp(s, h);
            } else {
                s.skipValue(3);
            }
        }
    }

    /** {@code ICMPv4}/{@code ICMPv6}: type and code. */
    private static void icmp(JsonScanner s, HubbleFields h) {
        s.expect('{');
        int seen = 0;
        for (boolean first = true; s.nextMember(first); first = false) {
            int n = s.name();
            if (s.nameIs(n, TYPE_LOWER)) {
                seen = once(seen, 1);
                h.icmpType = HubbleFields.icmpField(s.naturalNumber(-1));
            } else if (s.nameIs(n, CODE)) {
                seen = once(seen, 2);
                h.icmpCode = HubbleFields.icmpField(s.naturalNumber(-1));
            } else {
                s.skipValue(4);
            }
        }
    }

    private static void ports(JsonScanner s, boolean tcp, HubbleFields h) {
        s.expect('{');
        int seen = 0;
        for (boolean first = true; s.nextMember(first); first = false) {
            int n = s.name();
            if (s.nameIs(n, SOURCE_PORT)) {
                seen = once(seen, 1);
                h.sourcePort = port(s);
            } else if (s.nameIs(n, DESTINATION_PORT)) {
                seen = once(seen, 2);
                h.destinationPort = port(s);
            } else if (s.nameIs(n, FLAGS) && tcp) {
                seen = once(seen, 4);
                flags(s, h);
            } else {
                s.skipValue(4);
            }
        }
    }

    private static void flags(JsonScanner s, HubbleFields h) {
        if (!enter(s)) {
            return;
        }
        int seen = 0;
        for (boolean first = true; s.nextMember(first); first = false) {
            int n = s.name();
            if (s.nameIs(n, SYN)) {
                seen = once(seen, 1);
                h.syn = Boolean.TRUE.equals(s.bool());
            } else if (s.nameIs(n, ACK)) {
                seen = once(seen, 2);
                h.ack = Boolean.TRUE.equals(s.bool());
            } else {
                s.skipValue(5);
            }
        }
    }

    /** An endpoint object, decoded once per distinct content; null when absent or empty (as the tree path). */
    private Endpoint endpoint(JsonScanner s, byte[] value) {
        if (s.nullValue()) {
            return null;
        }
        if (s.peek() != '{') {
            throw decline();
        }
        int from = s.position();
        int to = s.skipContainerUnchecked(ENDPOINT_MAX_DEPTH);
        return endpoints.get(value, from, to, decodeEndpoint);
    }

    /**
     * Decodes one endpoint object (its bytes alone) with the scanner, checking that it is valid JSON, into what the tree
     * path makes of it ({@link HubbleDecoder#endpoint(JsonNode, String)}: the same label parsing, checks and
     * classification); declines on a field it reads that is duplicated or of another type than the tree path accepts,
     * on escapes in a string it reads, and on a workload list whose first entry is not an object.
     */
    private static Endpoint decodeEndpoint(byte[] object) {
        JsonScanner s = new JsonScanner(object);
        s.expect('{');
        String namespace = null;
        String pod = null;
        String workload = null;
        long identity = 0;
        Map<String, String> labels = new HashMap<>();
        Map<String, String> namespaceLabels = new HashMap<>();
        List<String> reserved = new ArrayList<>(2);
        int seen = 0;
        boolean first = true;
        for (; s.nextMember(first); first = false) {
            int n = s.name();
            if (s.nameIs(n, NAMESPACE)) {
                seen = once(seen, 1);
                namespace = s.string();
            } else if (s.nameIs(n, POD_NAME)) {
                seen = once(seen, 2);
                pod = s.string();
            } else if (s.nameIs(n, LABELS)) {
                seen = once(seen, 4);
                labels(s, labels, namespaceLabels, reserved);
            } else if (s.nameIs(n, WORKLOADS)) {
                seen = once(seen, 8);
                workload = firstWorkload(s);
            } else if (s.nameIs(n, IDENTITY)) {
                seen = once(seen, 16);
                identity = s.naturalNumber(0);
            } else {
                s.skipValue(3);
            }
        }
        if (s.more()) {
            throw decline();
        }
        if (first) {
            return null; // {}: no endpoint, as the tree path
        }
        InputBounds.checkLabels(labels, namespaceLabels, LABELS_PATH);
        return HubbleDecoder.endpoint( // which reads the workload only with a namespace, the identity only without
                HubbleFields.blankToNull(namespace),
                HubbleFields.blankToNull(pod),
                HubbleFields.blankToNull(workload),
                identity,
                labels,
                namespaceLabels,
                reserved);
    }

    /** {@code labels}: null, or an array of strings and nulls (skipped), parsed one by one as the tree path does. */
    private static void labels(
            JsonScanner s, Map<String, String> labels, Map<String, String> namespaceLabels, List<String> reserved) {
        if (s.nullValue()) {
            return;
        }
        s.expect('[');
        if (s.accept(']')) {
            return;
        }
        int count = 0;
        do {
            count++;
            String label = s.string();
            if (label != null) {
                HubbleDecoder.addLabel(label, labels, namespaceLabels, reserved, LABELS_PATH, count);
            }
        } while (s.accept(','));
        s.expect(']');
    }

    /** {@code workloads}: null or an array; the name of its first entry, which must be an object, or null. */
    private static String firstWorkload(JsonScanner s) {
        if (s.nullValue()) {
            return null;
        }
        s.expect('[');
        if (s.accept(']')) {
            return null;
        }
        if (!enter(s)) {
            throw decline(); // a null entry: the tree path rejects it
        }
        String name = null;
        int seen = 0;
        for (boolean first = true; s.nextMember(first); first = false) {
            int n = s.name();
            if (s.nameIs(n, NAME)) {
                seen = once(seen, 1);
                name = s.string();
            } else {
                s.skipValue(5);
            }
        }
        while (s.accept(',')) {
            s.skipValue(4);
        }
        s.expect(']');
        return name;
    }

    /** A rarely present object or array, read by Jackson into a tree for the tree path's code; null for JSON null. */
    private JsonNode tree(JsonScanner s, byte[] value) {
        if (s.nullValue()) {
            return null;
        }
        int from = s.position();
        int to = s.skipContainerUnchecked(ENDPOINT_MAX_DEPTH);
        return codec.parse(value, from, to - from, "value");
    }

    /** On an object's '{' (consumed): true; on null (consumed): false; declines on anything else. */
    private static boolean enter(JsonScanner s) {
        if (s.nullValue()) {
            return false;
        }
        s.expect('{');
        return true;
    }

    /** Marks a field as seen; a field seen twice makes the fast path decline (the tree keeps the last one). */
    private static int once(int seen, int bit) {
        if ((seen & bit) != 0) {
            throw decline();
        }
        return seen | bit;
    }

    private static int port(JsonScanner s) {
        long port = s.naturalNumber(-1);
        if (port > 65535) {
            throw decline();
        }
        return (int) port;
    }

    private static RuntimeException decline() {
        return FastPath.DECLINE;
    }

    private static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
