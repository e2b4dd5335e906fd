package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.topology.PodInfo;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * One parsed {@code ports} entry, after defaulting (protocol TCP, R5.1). Protocol must match (R5.4), so an entry never
 * matches ICMP or another protocol it cannot name (R5.8), and an unknown protocol leaves it undecided; no port matches
 * every port of the protocol (R5.2); a number matches the destination port on the pod (R5.5), with endPort an
 * inclusive range (R5.7); a name matches a port of that name, number and protocol declared by the
 * <em>destination</em> pod and never a non-pod destination (R5.6).
 */
final class PortMatcher {

    static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    private final String protocol;
    private final Integer port;
    private final String name;
    private final Integer endPort;

    private PortMatcher(String protocol, Integer port, String name, Integer endPort) {
        this.protocol = protocol;
        this.port = port;
        this.name = name;
        this.endPort = endPort;
    }

    /** Parses, defaults and validates (DEF SetDefaults_NetworkPolicyPort, VAL ValidateNetworkPolicyPort). */
    static PortMatcher parse(NetworkPolicyPort entry, String field, BiConsumer<String, String> problems) {
        String protocol = entry.getProtocol() == null ? "TCP" : entry.getProtocol();
        if (!PROTOCOLS.contains(protocol)) {
            problems.accept(field + ".protocol", "unsupported value: '" + protocol + "' (TCP, UDP, SCTP)");
        }
        IntOrString raw = entry.getPort();
        Integer endPort = entry.getEndPort();
        Integer number = null;
        String name = null;
        if (raw != null && raw.getIntVal() != null) {
            number = raw.getIntVal();
            checkRange(number, field + ".port", problems);
            if (endPort != null) {
                checkRange(endPort, field + ".endPort", problems);
                if (endPort < number) {
                    problems.accept(field + ".endPort", "must be greater than or equal to `port`");
                }
            }
        } else if (raw != null && raw.getStrVal() != null) {
            name = raw.getStrVal();
            if (!validPortName(name)) {
                problems.accept(field + ".port", "not a valid port name (IANA_SVC_NAME): '" + name + "'");
            }
            if (endPort != null) {
                problems.accept(field + ".endPort", "may not be specified when `port` is non-numeric");
            }
        } else if (endPort != null) {
            problems.accept(field + ".endPort", "may not be specified when `port` is not specified");
        }
        return new PortMatcher(protocol, number, name, endPort);
    }

    private static void checkRange(int value, String field, BiConsumer<String, String> problems) {
        if (value < 1 || value > 65535) {
            problems.accept(field, "must be between 1 and 65535, inclusive: " + value);
        }
    }

    /** IANA_SVC_NAME: 1-15 lower-case letters, digits and '-', at least one letter, no leading, trailing or '--'. */
    static boolean validPortName(String name) {
        return name.length() <= 15
                && PORT_NAME.matcher(name).matches()
                && !name.contains("--")
                && name.chars().anyMatch(c -> c >= 'a' && c <= 'z');
    }

    /** Whether the connection matches this entry; the destination resolves named ports. */
    Ternary matches(Evaluation ev) {
        boolean known = ev.protocol().known();
        if (known && !protocol.equals(ev.protocol().name())) {
            return Ternary.FALSE;
        }
        Ternary byPort = name != null ? matchesName(ev) : matchesNumber(ev);
        if (known || byPort.isFalse()) {
            return byPort;
        }
        return byPort.and(Ternary.unknown("the protocol is unknown and " + this + " restricts it"));
    }

    private Ternary matchesNumber(Evaluation ev) {
        if (port == null) {
            return Ternary.TRUE;
        }
        if (!ev.portKnown()) {
            return Ternary.unknown("the destination port is unknown and " + this + " restricts it");
        }
        if (ev.port() == port) {
            return Ternary.TRUE;
        }
        if (endPort != null && ev.port() > port && ev.port() <= endPort) {
            ev.usedEndPort = true;
            return Ternary.of(ev.variant.endPort());
        }
        return Ternary.FALSE;
    }

    private Ternary matchesName(Evaluation ev) {
        ResolvedEnd destination = ev.destination;
        if (!destination.managed()) {
            return Ternary.FALSE;
        }
        List<PodInfo.ContainerPort> declared = destination.ports();
        if (declared == null) {
            return Ternary.unknown("the declared container ports of " + destination.describe()
                    + " are unknown, so named port '" + name + "' cannot be resolved (R5.6)");
        }
        boolean named = false;
        for (PodInfo.ContainerPort p : declared) {
            String declaredProtocol = p.protocol() == null ? "TCP" : p.protocol();
            if (name.equals(p.name()) && protocol.equals(declaredProtocol)) {
                named = true;
                if (ev.portKnown() && p.port() == ev.port()) {
                    return Ternary.TRUE;
                }
            }
        }
        if (named && !ev.portKnown()) {
            return Ternary.unknown("the destination port is unknown and named port '" + name + "' restricts it");
        }
        return Ternary.FALSE;
    }

    @Override
    public String toString() {
        String what = name != null
                ? name
                : port == null ? "any port" : endPort == null ? String.valueOf(port) : port + "-" + endPort;
        return protocol + "/" + what;
    }
}
