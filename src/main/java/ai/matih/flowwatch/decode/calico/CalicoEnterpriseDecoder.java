package ai.matih.flowwatch.decode.calico;

import static ai.matih.flowwatch.decode.json.JsonFields.get;
import static ai.matih.flowwatch.decode.json.JsonFields.longValue;
import static ai.matih.flowwatch.decode.json.JsonFields.sentinelText;
import static ai.matih.flowwatch.decode.json.JsonFields.text;

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

/** Calico Enterprise / Calico Cloud {@code flows.log} lines. */
final class CalicoEnterpriseDecoder {

    Flow decode(JsonNode d, Instant receivedAt) {
        Instant start = JsonFields.epochSecondsOrRfc3339(get(d, "start_time"), "start_time");
        Instant end = JsonFields.epochSecondsOrRfc3339(get(d, "end_time"), "end_time");
        Instant timestamp = null;
        JsonNode ts = get(d, "@timestamp");
        if (ts != null) {
            timestamp = ts.isTextual() && ts.textValue().indexOf('T') > 0
                    ? JsonFields.parseRfc3339(ts.textValue(), "@timestamp")
                    : Instant.ofEpochMilli(longValue(ts, "@timestamp", 0));
        }
        Instant time = start != null ? start : (timestamp != null ? timestamp : end != null ? end : receivedAt);
        if (time == null) {
            throw DecodeException.missing("start_time (and end_time, @timestamp)");
        }
        Instant intervalEnd = end != null ? end : time;

        String actionText = text(d, "action", "action");
        if (actionText == null) {
            throw DecodeException.missing("action");
        }
        String action = actionText.trim().toLowerCase(Locale.ROOT);
        if (!"allow".equals(action) && !"deny".equals(action)) {
            throw CalicoEndpoints.badAction("action", actionText);
        }

        Protocol protocol = CalicoEndpoints.protocol(get(d, "proto"), "proto");
        int port = JsonFields.port(get(d, "dest_port"), "dest_port");
        int sourcePort = JsonFields.port(get(d, "source_port"), "source_port");
        if (protocol.known() && !protocol.hasPorts()) {
            port = -1;
            sourcePort = -1;
        }

        Endpoint source = endpoint(d, Side.SOURCE);
        Endpoint destination = endpoint(d, Side.DEST);

        List<PolicyHit> enforced;
        List<PolicyHit> pending = List.of();
        JsonNode policies = JsonFields.object(d, "policies", "policies");
        if (policies != null) {
            enforced = hits(policies, "enforced_policies");
            if (get(policies, "enforced_policies") == null) {
                enforced = hits(policies, "all_policies");
            }
            if (enforced.isEmpty()) {
                enforced = hits(policies, "transit_policies");
            }
            pending = hits(policies, "pending_policies");
        } else {
            enforced = List.of();
        }
        Verdicts.Verdict verdict = Verdicts.of("deny".equals(action), enforced, pending);

        long connections = longValue(get(d, "num_flows_started"), "num_flows_started", 0);
        if (connections < 1) {
            connections = longValue(get(d, "num_flows"), "num_flows", 1);
        }
        return new Flow(
                SourceFormat.CALICO,
                time,
                intervalEnd,
                source,
                destination,
                protocol,
                port,
                sourcePort,
                verdict.observed(),
                Initiation.INITIATING,
                reporter(text(d, "reporter", "reporter")),
                sentinelText(d, "host", "host"),
                verdict.policies(),
                verdict.detail(),
                connections,
                null);
    }

    /** "dst, fwd" becomes "dst,fwd"; lower case. */
    static String reporter(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(raw.length());
        for (String part : raw.split(",")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(p);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** The field names of one side of a flow, built once rather than per record. */
    private record Side(String type, String namespace, String name, String nameAggr, String ip, String labels) {
        static final Side SOURCE = of("source");
        static final Side DEST = of("dest");

        private static Side of(String side) {
            return new Side(
                    side + "_type",
                    side + "_namespace",
                    side + "_name",
                    side + "_name_aggr",
                    side + "_ip",
                    side + "_labels");
        }
    }

    private static Endpoint endpoint(JsonNode d, Side side) {
        CalicoEndpoints.Type type = CalicoEndpoints.type(get(d, side.type()), side.type());
        String namespace = sentinelText(d, side.namespace(), side.namespace());
        String name = sentinelText(d, side.name(), side.name());
        String aggr = sentinelText(d, side.nameAggr(), side.nameAggr());
        String ip = sentinelText(d, side.ip(), side.ip());
        return CalicoEndpoints.endpoint(
                type, namespace, name, aggr, ip, CalicoEndpoints.labels(get(d, side.labels()), side.labels()));
    }

    /** Parses "idx|tier|name|action|rule" strings, sorted by index; malformed strings are skipped. */
    private static List<PolicyHit> hits(JsonNode policies, String field) {
        List<String> raw = JsonFields.strings(get(policies, field), "policies." + field);
        if (raw.isEmpty()) {
            return List.of();
        }
        List<PolicyHit> out = new ArrayList<>(raw.size());
        for (String entry : raw) {
            String[] parts = entry.split("\\|", -1);
            if (parts.length < 4) {
                continue;
            }
            long index = parseLong(parts[0], out.size());
            long rule = parts.length > 4 ? parseLong(parts[4], -2) : -2;
            out.add(new PolicyHit(index, parts[2], parts[3].trim().toLowerCase(Locale.ROOT), rule));
        }
        out.sort(PolicyHit.BY_INDEX);
        return out;
    }

    private static long parseLong(String s, long fallback) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            // a policy hit's index or rule number is informative only: an unreadable one takes the fallback
            return fallback;
        }
    }
}
