package ai.matih.flowwatch.decode.calico;

import ai.matih.flowwatch.decode.DecodeException;
import ai.matih.flowwatch.decode.InputBounds;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.Workloads;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Endpoint and label helpers shared by the Calico formats. */
final class CalicoEndpoints {

    enum Type {
        WEP,
        HEP,
        NETWORK_SET,
        NETWORK,
        UNKNOWN
    }

    private CalicoEndpoints() {}

    /** Parses wep/hep/ns/net, Goldmane enum numbers 1..4 and their names. Null when absent. */
    static Type type(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        String text = JsonFields.textOrNumber(value, path);
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "wep", "1", "workloadendpoint", "workload" -> Type.WEP;
            case "hep", "2", "hostendpoint", "host" -> Type.HEP;
            case "ns", "3", "networkset", "globalnetworkset" -> Type.NETWORK_SET;
            case "net", "4", "network" -> Type.NETWORK;
            case "", "0", "endpointtypeunspecified", "-" -> null;
            default -> Type.UNKNOWN;
        };
    }

    /** Labels from {"labels":["k=v"]}, ["k=v"], or "k=v | k2=v2". */
    static Map<String, String> labels(JsonNode value, String path) {
        if (value == null) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        if (value.isTextual()) {
            for (String part : value.textValue().split("\\|")) {
                put(part.strip(), out, path);
            }
            InputBounds.checkLabels(out, Map.of(), path);
            return out;
        }
        JsonNode array = value;
        String arrayPath = path;
        if (value.isObject()) {
            array = JsonFields.get(value, "labels");
            arrayPath = path + ".labels";
        }
        List<String> items = JsonFields.strings(array, arrayPath);
        for (String item : items) {
            put(item, out, path);
        }
        InputBounds.checkLabels(out, Map.of(), path);
        return out;
    }

    /** Adds "k=v" (or "k") to {@code out}; more labels than flowwatch keeps reject the document. */
    private static void put(String item, Map<String, String> out, String path) {
        if (item.isEmpty() || "-".equals(item)) {
            return;
        }
        int eq = item.indexOf('=');
        if (eq < 0) {
            out.put(item, "");
        } else if (eq > 0) {
            out.put(item.substring(0, eq), item.substring(eq + 1));
        }
        if (out.size() > InputBounds.MAX_LABELS) {
            throw InputBounds.tooManyLabels(path, out.size());
        }
    }

    /**
     * Builds an endpoint.
     *
     * @param type      the endpoint type, or null when the record does not say
     * @param namespace namespace or null
     * @param name      exact name (pod name for wep) or null
     * @param aggr      aggregated name (prefix with -*, pub, pvt, PUBLIC NETWORK, ...) or null
     */
    static Endpoint endpoint(
            Type type, String namespace, String name, String aggr, String ip, Map<String, String> labels) {
        String anyName = aggr != null ? aggr : name;
        Type t = type;
        if (t == null) {
            if (namespace != null) {
                t = Type.WEP;
            } else if (isPublic(anyName) || isPrivate(anyName)) {
                t = Type.NETWORK;
            } else {
                t = Type.UNKNOWN;
            }
        }
        return switch (t) {
            case WEP -> {
                String pod = name == null || name.endsWith("-*") ? null : name;
                yield new Endpoint(
                        EndpointKind.POD,
                        namespace,
                        pod,
                        Workloads.of(anyName, labels),
                        ip,
                        Map.copyOf(labels),
                        Map.of(),
                        null);
            }
            case HEP -> new Endpoint(EndpointKind.HOST, null, null, null, ip, Map.copyOf(labels), Map.of(), anyName);
            case NETWORK_SET ->
                new Endpoint(
                        EndpointKind.NETWORK,
                        namespace,
                        null,
                        null,
                        ip,
                        Map.copyOf(labels),
                        Map.of(),
                        name != null ? name : aggr);
            case NETWORK ->
                isPublic(anyName)
                        ? new Endpoint(EndpointKind.WORLD, null, null, null, ip, Map.of(), Map.of(), "pub")
                        : new Endpoint(
                                EndpointKind.NETWORK,
                                null,
                                null,
                                null,
                                ip,
                                Map.of(),
                                Map.of(),
                                isPrivate(anyName) ? "pvt" : anyName);
            default ->
                new Endpoint(EndpointKind.UNKNOWN, namespace, null, null, ip, Map.copyOf(labels), Map.of(), anyName);
        };
    }

    static boolean isPublic(String name) {
        return "pub".equals(name) || "PUBLIC NETWORK".equalsIgnoreCase(name);
    }

    static boolean isPrivate(String name) {
        return "pvt".equals(name) || "PRIVATE NETWORK".equalsIgnoreCase(name);
    }

    /**
     * The protocol of a {@code proto} field: a name ({@code tcp}, {@code icmp}, {@code icmpv6}, {@code gre}...) or an
     * IANA number 0-255, as a string or a number; {@link Protocol#UNKNOWN} when absent, empty or {@code "-"}; any
     * other value is rejected.
     */
    static Protocol protocol(JsonNode proto, String path) {
        String text = JsonFields.textOrNumber(proto, path);
        if (text == null || text.isEmpty() || "-".equals(text)) {
            return Protocol.UNKNOWN;
        }
        Protocol protocol = Protocol.parse(text);
        if (protocol == null) {
            throw DecodeException.invalid(
                    path,
                    "a protocol name (tcp, udp, sctp, icmp, icmpv6, gre, esp, ah...) or number 0-255, got '"
                            + JsonFields.clip(text) + "'");
        }
        return protocol;
    }

    static DecodeException badAction(String path, String action) {
        return DecodeException.invalid(path, "expected allow or deny, got \"" + JsonFields.clip(action) + "\"");
    }
}
