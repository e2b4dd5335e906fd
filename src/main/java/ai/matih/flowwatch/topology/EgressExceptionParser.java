package ai.matih.flowwatch.topology;

import ai.matih.flowwatch.flow.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import inet.ipaddr.IPAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code flowwatch.matih.ai/v1 EgressException} documents.
 *
 * <p>Ports are numbers ({@code 443}), strings ({@code "443"}, {@code "8000-8100"}, {@code "53/UDP"},
 * {@code "8000-8100/TCP"}) or objects ({@code {port: 8000, endPort: 8100, protocol: TCP}}). {@code expires} is an
 * ISO-8601 instant ({@code 2030-01-01T00:00:00Z}, offsets allowed) or a date ({@code 2030-01-01}), which means the
 * start of that day in UTC.
 */
final class EgressExceptionParser {

    private static final Pattern PORT_TEXT = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?(?:/([A-Za-z]+))?");

    private EgressExceptionParser() {}

    static EgressException parse(JsonNode doc, String name, DocumentPosition at) {
        JsonNode spec = doc.get("spec");
        if (spec == null || !spec.isObject()) {
            throw at.error("spec", "is missing or not a mapping");
        }
        String tenant = text(spec, "tenant", at);
        if (tenant == null || tenant.isBlank()) {
            throw at.error("spec.tenant", "is missing");
        }
        List<IPAddress> cidrs = cidrs(spec.get("cidrs"), at);
        List<EgressException.PortRange> ports = new ArrayList<>();
        for (JsonNode port : list(spec, "ports", at)) {
            ports.add(port(port, "spec.ports[" + ports.size() + "]", at));
        }
        List<String> fqdns = new ArrayList<>();
        for (JsonNode fqdn : list(spec, "fqdns", at)) {
            String field = "spec.fqdns[" + fqdns.size() + "]";
            if (!fqdn.isTextual() || fqdn.asText().isBlank()) {
                throw at.error(field, "is not a name");
            }
            fqdns.add(fqdn.asText().trim());
        }
        return new EgressException(
                name,
                tenant.trim(),
                cidrs,
                ports,
                fqdns,
                text(spec, "owner", at),
                expires(spec.get("expires"), at),
                text(spec, "reason", at));
    }

    private static List<IPAddress> cidrs(JsonNode node, DocumentPosition at) {
        if (node == null || node.isNull() || !node.isArray() || node.isEmpty()) {
            throw at.error("spec.cidrs", "must be a non-empty list of CIDRs");
        }
        List<IPAddress> cidrs = new ArrayList<>();
        for (JsonNode cidr : node) {
            String field = "spec.cidrs[" + cidrs.size() + "]";
            if (!cidr.isTextual()) {
                throw at.error(field, "is not a CIDR: '" + cidr + "'");
            }
            try {
                cidrs.add(EgressException.parseCidr(cidr.asText()));
            } catch (IllegalArgumentException e) {
                throw at.error(field, "is not a CIDR: '" + cidr.asText() + "'");
            }
        }
        return cidrs;
    }

    /** Parses one port entry; package-private for tests. */
    static EgressException.PortRange port(JsonNode node, String field, DocumentPosition at) {
        try {
            if (node.isIntegralNumber()) {
                return new EgressException.PortRange(node.asInt(), node.asInt(), null);
            }
            if (node.isTextual()) {
                Matcher m = PORT_TEXT.matcher(node.asText().trim());
                if (!m.matches()) {
                    throw at.error(
                            field,
                            "unknown port syntax '" + node.asText()
                                    + "' (expected 443, \"8000-8100\", \"53/UDP\" or {port, endPort, protocol})");
                }
                int from = Integer.parseInt(m.group(1));
                int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
                return new EgressException.PortRange(from, to, protocol(m.group(3), field + ".protocol", at));
            }
            if (node.isObject()) {
                JsonNode port = node.get("port");
                if (port == null || !(port.isIntegralNumber() || port.asText().matches("\\d{1,5}"))) {
                    throw at.error(field + ".port", "is missing or not a port number");
                }
                JsonNode end = node.get("endPort");
                if (end != null
                        && !end.isNull()
                        && !(end.isIntegralNumber() || end.asText().matches("\\d{1,5}"))) {
                    throw at.error(field + ".endPort", "is not a port number");
                }
                int from = port.asInt();
                int to = end == null || end.isNull() ? from : end.asInt();
                JsonNode protocol = node.get("protocol");
                return new EgressException.PortRange(
                        from,
                        to,
                        protocol(
                                protocol == null || protocol.isNull() ? null : protocol.asText(),
                                field + ".protocol",
                                at));
            }
        } catch (IllegalArgumentException e) {
            throw at.error(field, e.getMessage());
        }
        throw at.error(field, "unknown port syntax '" + node + "'");
    }

    private static Protocol protocol(String text, String field, DocumentPosition at) {
        if (text == null) {
            return null;
        }
        Protocol protocol = Protocol.parse(text);
        if (protocol == null || !protocol.policyNameable()) {
            throw at.error(field, "unknown protocol '" + text + "' (expected TCP, UDP or SCTP)");
        }
        return protocol;
    }

    private static Instant expires(JsonNode node, DocumentPosition at) {
        if (node == null || node.isNull()) {
            return null;
        }
        String text = node.asText().trim();
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw at.error("spec.expires", "is not an ISO-8601 instant or date: '" + text + "'");
        }
    }

    private static Iterable<JsonNode> list(JsonNode spec, String key, DocumentPosition at) {
        JsonNode node = spec.get(key);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw at.error("spec." + key, "is not a list");
        }
        return node;
    }

    private static String text(JsonNode spec, String key, DocumentPosition at) {
        JsonNode node = spec.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw at.error("spec." + key, "is not a scalar");
        }
        return node.asText();
    }
}
