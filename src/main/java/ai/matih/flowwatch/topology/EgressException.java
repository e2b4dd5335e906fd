package ai.matih.flowwatch.topology;

import ai.matih.flowwatch.flow.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A declared exception to the tenant egress rule ({@code flowwatch.matih.ai/v1 EgressException}).
 *
 * @param name    metadata.name
 * @param tenant  the tenant it applies to
 * @param cidrs   destination networks
 * @param ports   destination ports; empty means any port
 * @param fqdns   destination names (evidence only: flow logs rarely carry them)
 * @param owner   who asked for it
 * @param expires when it stops permitting anything, or null for never
 * @param reason  why it exists
 */
public record EgressException(
        String name,
        String tenant,
        List<IPAddress> cidrs,
        List<PortRange> ports,
        List<String> fqdns,
        String owner,
        Instant expires,
        String reason) {

    public EgressException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tenant, "tenant");
        cidrs = List.copyOf(cidrs);
        ports = ports == null ? List.of() : List.copyOf(ports);
        fqdns = fqdns == null ? List.of() : List.copyOf(fqdns);
        if (cidrs.isEmpty()) {
            throw new IllegalArgumentException("EgressException '" + name + "': spec.cidrs must not be empty");
        }
    }

    /** True when the exception permits a connection to {@code ip}:{@code port} over {@code protocol} at {@code at}. */
    public boolean permits(IPAddress ip, int port, Protocol protocol, Instant at) {
        if (ip == null || (expires != null && !at.isBefore(expires))) {
            return false;
        }
        boolean portOk = ports.isEmpty();
        for (PortRange range : ports) {
            if (range.matches(port, protocol)) {
                portOk = true;
                break;
            }
        }
        if (!portOk) {
            return false;
        }
        for (IPAddress cidr : cidrs) {
            if (cidr.getIPVersion() == ip.getIPVersion() && cidr.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads an EgressException object (a manifest document or an object of the Kubernetes API) with the rules of
     * manifests: CIDRs, ports and expiry are checked as there.
     *
     * @param document the object, with its {@code spec}
     * @param name     its name
     * @param source   where it came from, for the error message
     * @throws ManifestException naming the field when a value is invalid
     */
    public static EgressException fromDocument(JsonNode document, String name, String source) {
        return EgressExceptionParser.parse(document, name, new DocumentPosition(source, name));
    }

    /** Parses a CIDR or single address ("203.0.113.0/24", "2001:db8::1"); host bits are ignored. */
    public static IPAddress parseCidr(String text) {
        IPAddress address = new IPAddressString(text.trim()).getAddress();
        if (address == null) {
            throw new IllegalArgumentException("not a CIDR or IP address: '" + text + "'");
        }
        return address.toPrefixBlock();
    }

    /**
     * A port or port range with an optional protocol.
     *
     * @param from     first port
     * @param to       last port (inclusive)
     * @param protocol protocol, or null for any
     */
    public record PortRange(int from, int to, Protocol protocol) {

        public PortRange {
            if (from < 1 || to > 65535 || to < from) {
                throw new IllegalArgumentException("invalid port range " + from + "-" + to);
            }
        }

        boolean matches(int port, Protocol p) {
            return port >= from && port <= to && (protocol == null || protocol == p);
        }
    }
}
