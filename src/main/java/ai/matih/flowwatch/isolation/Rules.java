package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.topology.Topology;
import java.util.Map;

/** What the recommendation can say of an observed connection, and how it names it. Pure. */
final class Rules {

    /** How an end of another tenant is named in a recommendation. */
    static final String ANOTHER_TENANT = "(another tenant)";

    private static final int MAX_CHARS = 200;
    private static final int DNS_PORT = 53;

    private Rules() {}

    /** True when the connection goes to the cluster DNS pods on 53/UDP or 53/TCP. */
    static boolean clusterDns(Observation o, Topology topology) {
        RecentConnection c = o.connection();
        Party to = o.destination();
        return c.port() == DNS_PORT
                && (c.protocol() == Protocol.UDP || c.protocol() == Protocol.TCP)
                && to.namespaceName() != null
                && topology.isClusterDns(to.namespaceName(), to.labels() == null ? Map.of() : to.labels());
    }

    /** Why a NetworkPolicy rule cannot allow exactly this connection, or null when it can. */
    static String expressible(Observation o) {
        RecentConnection c = o.connection();
        if (!c.protocol().hasPorts()) {
            return "a NetworkPolicy cannot allow " + c.protocol() + " alone";
        }
        for (Party p : new Party[] {o.source(), o.destination()}) {
            if (p.namespaceName() == null
                    && (p.endpoint().ip() == null
                            || Topology.parseIp(p.endpoint().ip()) == null)) {
                return "an end has neither a namespace nor an address";
            }
        }
        return null;
    }

    /** True when an end is another tenant's: its namespace, or an ingress pod labelled for it. */
    static boolean foreign(Observation o, String tenant, Topology topology) {
        for (Party p : new Party[] {o.source(), o.destination()}) {
            if (p.kind() == Party.Kind.TENANT && !tenant.equals(p.tenant())) {
                return true;
            }
            String labelled = p.kind() == Party.Kind.INGRESS && p.labels() != null
                    ? p.labels().get(topology.rules().tenantLabel())
                    : null;
            if (labelled != null && !labelled.equals(tenant)) {
                return true;
            }
        }
        return false;
    }

    /** The connection in a line, another tenant's end withheld. */
    static String describe(Observation o, String tenant) {
        RecentConnection c = o.connection();
        String port = c.port() >= 0 ? ":" + c.port() : "";
        return clean(end(o.source(), tenant) + " → " + end(o.destination(), tenant) + port + "/" + c.protocol());
    }

    private static String end(Party p, String tenant) {
        if (p.kind() == Party.Kind.TENANT && !tenant.equals(p.tenant())) {
            return ANOTHER_TENANT;
        }
        Endpoint e = p.endpoint();
        if (p.namespaceName() != null) {
            String what = e.workload() != null ? e.workload() : e.pod() != null ? e.pod() : e.ip();
            return what == null ? p.namespaceName() : p.namespaceName() + "/" + what;
        }
        return e.ip() != null ? e.ip() : e.name() != null ? e.name() : String.valueOf(p.kind());
    }

    /** One line of at most {@value #MAX_CHARS} chars, without control characters. */
    static String clean(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_CHARS));
        for (int i = 0; i < text.length() && sb.length() < MAX_CHARS; i++) {
            char ch = text.charAt(i);
            sb.append(Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029' ? '?' : ch);
        }
        return sb.toString();
    }
}
