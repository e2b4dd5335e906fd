package ai.matih.flowwatch.decode.calico;

import static ai.matih.flowwatch.decode.json.JsonFields.get;
import static ai.matih.flowwatch.decode.json.JsonFields.longValue;

import ai.matih.flowwatch.decode.DecodeException;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Calico OSS Goldmane flows in their three serialisations: emitter / {@code encoding/json} (struct-tag keys,
 * integer enums), protojson (enum names, int64 as strings; proto or lowerCamel names) and the Whisker API (flat,
 * RFC 3339 times, " | "-joined labels, {@code policies{enforced,pending}}).
 */
final class GoldmaneDecoder {

    /** A flow with a {@code Key} object (emitter, protojson). */
    Flow decodeKeyed(JsonNode flow, Instant receivedAt) {
        JsonNode key = JsonFields.asObject(get(flow, "Key", "key"), "Key");
        JsonNode policies = JsonFields.object(key, "policies", "Key.policies");
        List<PolicyHit> enforced = List.of();
        List<PolicyHit> pending = List.of();
        if (policies != null) {
            enforced = hits(get(policies, "enforced_policies", "enforcedPolicies"), "Key.policies.enforced_policies");
            pending = hits(get(policies, "pending_policies", "pendingPolicies"), "Key.policies.pending_policies");
        }
        return build(flow, key, Paths.KEYED, get(key, "proto"), enforced, pending, receivedAt);
    }

    /** A flat Whisker API flow. */
    Flow decodeWhisker(JsonNode flow, Instant receivedAt) {
        JsonNode policies = JsonFields.object(flow, "policies", "policies");
        List<PolicyHit> enforced = List.of();
        List<PolicyHit> pending = List.of();
        if (policies != null) {
            enforced = hits(get(policies, "enforced", "enforced_policies"), "policies.enforced");
            pending = hits(get(policies, "pending", "pending_policies"), "policies.pending");
        }
        JsonNode proto = get(flow, "protocol", "proto");
        return build(flow, flow, Paths.FLAT, proto, enforced, pending, receivedAt);
    }

    /**
     * Where the key fields sit ({@code Key.} or at the top), and each field's names and path for error messages,
     * built once rather than per record.
     */
    private record Paths(String action, String proto, String destPort, String reporter, Side source, Side dest) {
        static final Paths KEYED = of("Key.");
        static final Paths FLAT = of("");

        private static Paths of(String keyPath) {
            return new Paths(
                    keyPath + "action",
                    keyPath + "proto",
                    keyPath + "dest_port",
                    keyPath + "reporter",
                    Side.of(keyPath, "source"),
                    Side.of(keyPath, "dest"));
        }
    }

    /** One side's field names (struct-tag and lowerCamel) and paths. */
    private record Side(
            String type,
            String camelType,
            String typePath,
            String namespace,
            String camelNamespace,
            String namespacePath,
            String name,
            String camelName,
            String namePath,
            String labels,
            String camelLabels) {
        private static Side of(String keyPath, String side) {
            return new Side(
                    side + "_type",
                    side + "Type",
                    keyPath + side + "_type",
                    side + "_namespace",
                    side + "Namespace",
                    keyPath + side + "_namespace",
                    side + "_name",
                    side + "Name",
                    keyPath + side + "_name",
                    side + "_labels",
                    side + "Labels");
        }
    }

    private Flow build(
            JsonNode flow,
            JsonNode key,
            Paths paths,
            JsonNode proto,
            List<PolicyHit> enforced,
            List<PolicyHit> pending,
            Instant receivedAt) {
        Instant start = JsonFields.epochSecondsOrRfc3339(get(flow, "start_time", "startTime"), "start_time");
        Instant end = JsonFields.epochSecondsOrRfc3339(get(flow, "end_time", "endTime"), "end_time");
        if (start == null) {
            start = end != null ? end : receivedAt;
        }
        if (start == null) {
            throw DecodeException.missing("start_time");
        }
        JsonNode actionNode = get(key, "action");
        if (actionNode == null) {
            throw DecodeException.missing(paths.action());
        }
        String action = action(actionNode, paths.action());
        if (!"allow".equals(action) && !"deny".equals(action)) {
            throw CalicoEndpoints.badAction(paths.action(), actionNode.asText());
        }
        Protocol protocol = CalicoEndpoints.protocol(proto, paths.proto());
        int port = JsonFields.port(get(key, "dest_port", "destPort"), paths.destPort());
        if (port == 0 || (protocol.known() && !protocol.hasPorts())) {
            port = -1;
        }
        Endpoint source = endpoint(flow, key, paths.source());
        Endpoint destination = endpoint(flow, key, paths.dest());
        Verdicts.Verdict verdict = Verdicts.of("deny".equals(action), enforced, pending);
        long connections =
                longValue(get(flow, "num_connections_started", "numConnectionsStarted"), "num_connections_started", 1);
        return new Flow(
                SourceFormat.GOLDMANE,
                start,
                end == null ? start : end,
                source,
                destination,
                protocol,
                port,
                -1,
                verdict.observed(),
                Initiation.INITIATING,
                reporter(get(key, "reporter"), paths.reporter()),
                null,
                verdict.policies(),
                verdict.detail(),
                connections,
                null);
    }

    private static Endpoint endpoint(JsonNode flow, JsonNode key, Side side) {
        CalicoEndpoints.Type type = CalicoEndpoints.type(get(key, side.type(), side.camelType()), side.typePath());
        String namespace =
                blank(JsonFields.asText(get(key, side.namespace(), side.camelNamespace()), side.namespacePath()));
        String name = blank(JsonFields.asText(get(key, side.name(), side.camelName()), side.namePath()));
        var labels = CalicoEndpoints.labels(get(flow, side.labels(), side.camelLabels()), side.labels());
        // Goldmane names are aggregated (pod prefix, pub/pvt, set name): never an exact pod.
        return CalicoEndpoints.endpoint(type, namespace, null, name, null, labels);
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() || "-".equals(s) ? null : s;
    }

    /** Action enum: 1 Allow, 2 Deny, 3 Pass, or its name. */
    static String action(JsonNode value, String path) {
        String text = JsonFields.textOrNumber(value, path).trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "1", "allow" -> "allow";
            case "2", "deny" -> "deny";
            case "3", "pass" -> "pass";
            case "0", "actionunspecified", "" -> "unspecified";
            default -> text;
        };
    }

    /** Reporter enum: 1 Src, 2 Dst, or its name; lower case. */
    static String reporter(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        String text = JsonFields.textOrNumber(value, path).trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "1", "src" -> "src";
            case "2", "dst" -> "dst";
            case "0", "reporterunspecified", "" -> null;
            default -> CalicoEnterpriseDecoder.reporter(text);
        };
    }

    private static List<PolicyHit> hits(JsonNode value, String path) {
        JsonNode array = JsonFields.asArray(value, path);
        if (array == null || array.isEmpty()) {
            return List.of();
        }
        List<PolicyHit> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String itemPath = path + "[" + i + "]";
            JsonNode hit = JsonFields.asObject(array.get(i), itemPath);
            if (hit == null) {
                continue;
            }
            JsonNode actionNode = get(hit, "action");
            String action = actionNode == null ? "unspecified" : action(actionNode, itemPath + ".action");
            long index = longValue(get(hit, "policy_index", "policyIndex"), itemPath + ".policy_index", i);
            long rule = longValue(get(hit, "rule_index", "ruleIndex"), itemPath + ".rule_index", 0);
            out.add(new PolicyHit(index, name(hit, itemPath, 0), action, rule));
        }
        out.sort(PolicyHit.BY_INDEX);
        return out;
    }

    /** "Kind:namespace/name"; an end-of-tier hit is named after the policy that triggered it. */
    private static String name(JsonNode hit, String path, int depth) {
        String kind = kind(get(hit, "kind"), path + ".kind");
        String namespace = blank(JsonFields.asText(get(hit, "namespace"), path + ".namespace"));
        String name = blank(JsonFields.asText(get(hit, "name"), path + ".name"));
        String tier = blank(JsonFields.asText(get(hit, "tier"), path + ".tier"));
        if ("EndOfTier".equals(kind)) {
            JsonNode trigger = JsonFields.object(hit, "trigger", path + ".trigger");
            if (trigger != null && depth < 2) {
                return name(trigger, path + ".trigger", depth + 1);
            }
            return "EndOfTier:" + (tier == null ? "default" : tier);
        }
        StringBuilder sb = new StringBuilder();
        if (kind != null) {
            sb.append(kind).append(':');
        }
        if (namespace != null) {
            sb.append(namespace).append('/');
        }
        sb.append(name == null ? "?" : name);
        return sb.toString();
    }

    /** PolicyKind enum number or name (numbering of v3.30-3.32; 7/8 depend on the version). */
    private static String kind(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        String text = JsonFields.textOrNumber(value, path).trim();
        return switch (text) {
            case "0", "KindUnspecified", "" -> null;
            case "1" -> "CalicoNetworkPolicy";
            case "2" -> "GlobalNetworkPolicy";
            case "3" -> "StagedNetworkPolicy";
            case "4" -> "StagedGlobalNetworkPolicy";
            case "5" -> "StagedKubernetesNetworkPolicy";
            case "6" -> "NetworkPolicy";
            case "7" -> "AdminNetworkPolicy";
            case "8" -> "BaselineAdminNetworkPolicy";
            case "9" -> "Profile";
            case "10" -> "EndOfTier";
            case "11" -> "ClusterNetworkPolicy";
            default -> text;
        };
    }
}
