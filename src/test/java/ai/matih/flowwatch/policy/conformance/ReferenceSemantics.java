package ai.matih.flowwatch.policy.conformance;

import ai.matih.flowwatch.flow.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The oracle: the NetworkPolicy matching rules of the Kubernetes API reference, written out plainly over the
 * manifests as written, independently of the production engine. For pod-to-pod traffic between known pods:
 *
 * <ul>
 *   <li>a pod talks to itself freely;</li>
 *   <li>a connection is allowed when the source's egress and the destination's ingress both allow it;</li>
 *   <li>a direction of a pod is isolated when some policy of the pod's namespace selects it and lists that direction
 *       in its {@code policyTypes} (missing or empty: {@code Ingress}, plus {@code Egress} when the policy has egress
 *       rules); not isolated, it allows everything;</li>
 *   <li>isolated, it allows what some rule of such a policy allows: a rule matches when one of its ports matches
 *       (none listed: all) and one of its peers matches (none listed: all);</li>
 *   <li>a port entry matches its protocol (TCP when absent) and its port: absent, any; a number, that port or the
 *       range up to {@code endPort}; a name, a container port of the destination pod with that name, protocol and
 *       number;</li>
 *   <li>a peer is an {@code ipBlock} (the IP inside {@code cidr} and outside every {@code except}; pod IPs count, as
 *       in the upstream conformance suite) or selectors: a missing {@code namespaceSelector} means the policy's own
 *       namespace, a present one is matched against the peer's namespace labels, and a missing {@code podSelector}
 *       matches every pod;</li>
 *   <li>a label selector needs every {@code matchLabels} pair and every expression ({@code In}, {@code NotIn} (also
 *       true without the key), {@code Exists}, {@code DoesNotExist}).</li>
 * </ul>
 */
final class ReferenceSemantics {

    private final World world;
    private final boolean ipBlocksMatchPods;

    /**
     * @param world             the cluster
     * @param ipBlocksMatchPods whether an {@code ipBlock} matches pod IPs (the upstream conformance behaviour and
     *                          Calico's) or never does (Cilium's); left to the CNI by Kubernetes
     */
    ReferenceSemantics(World world, boolean ipBlocksMatchPods) {
        this.world = world;
        this.ipBlocksMatchPods = ipBlocksMatchPods;
    }

    boolean allows(World.Pod source, World.Pod destination, Protocol protocol, int port) {
        if (source.id().equals(destination.id())) {
            return true;
        }
        return allows("Egress", source, destination, destination, protocol, port)
                && allows("Ingress", destination, source, destination, protocol, port);
    }

    private boolean allows(
            String type, World.Pod subject, World.Pod peer, World.Pod destination, Protocol protocol, int port) {
        boolean isolated = false;
        for (World.Policy policy : world.policies()) {
            JsonNode spec = policy.spec();
            if (!policy.namespace().equals(subject.namespace())
                    || !selects(spec.get("podSelector"), subject.labels())
                    || !types(spec).contains(type)) {
                continue;
            }
            isolated = true;
            boolean ingress = type.equals("Ingress");
            for (JsonNode rule : spec.path(ingress ? "ingress" : "egress")) {
                if (portsMatch(rule.get("ports"), destination, protocol, port)
                        && peersMatch(rule.get(ingress ? "from" : "to"), policy.namespace(), peer)) {
                    return true;
                }
            }
        }
        return !isolated;
    }

    private static List<String> types(JsonNode spec) {
        List<String> types = new ArrayList<>();
        JsonNode listed = spec.get("policyTypes");
        if (listed != null && !listed.isEmpty()) {
            listed.forEach(t -> types.add(t.asText()));
            return types;
        }
        types.add("Ingress");
        JsonNode egress = spec.get("egress");
        if (egress != null && !egress.isEmpty()) {
            types.add("Egress");
        }
        return types;
    }

    private static boolean portsMatch(JsonNode ports, World.Pod destination, Protocol protocol, int port) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (JsonNode entry : ports) {
            String entryProtocol = entry.has("protocol") ? entry.get("protocol").asText() : "TCP";
            if (!entryProtocol.equals(protocol.name())) {
                continue;
            }
            JsonNode p = entry.get("port");
            if (p == null) {
                return true;
            }
            if (p.isInt()) {
                int last = entry.has("endPort") ? entry.get("endPort").asInt() : p.asInt();
                if (port >= p.asInt() && port <= last) {
                    return true;
                }
            } else if (World.declares(destination, p.asText(), protocol, port)) {
                return true;
            }
        }
        return false;
    }

    private boolean peersMatch(JsonNode peers, String policyNamespace, World.Pod peer) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (JsonNode p : peers) {
            if (p.has("ipBlock")) {
                JsonNode block = p.get("ipBlock");
                boolean inside =
                        ipBlocksMatchPods && Ipv4.contains(block.get("cidr").asText(), peer.ip());
                for (JsonNode except : block.path("except")) {
                    inside &= !Ipv4.contains(except.asText(), peer.ip());
                }
                if (inside) {
                    return true;
                }
                continue;
            }
            JsonNode namespaceSelector = p.get("namespaceSelector");
            boolean namespaceMatches = namespaceSelector == null
                    ? peer.namespace().equals(policyNamespace)
                    : selects(namespaceSelector, world.namespaceLabels(peer.namespace()));
            if (namespaceMatches && selects(p.get("podSelector"), peer.labels())) {
                return true;
            }
        }
        return false;
    }

    private static boolean selects(JsonNode selector, Map<String, String> labels) {
        if (selector == null || selector.isNull()) {
            return true;
        }
        var pairs = selector.path("matchLabels").fields();
        while (pairs.hasNext()) {
            var pair = pairs.next();
            if (!pair.getValue().asText().equals(labels.get(pair.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.get("key").asText();
            List<String> values = new ArrayList<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            boolean holds = switch (expression.get("operator").asText()) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new IllegalArgumentException("operator " + expression.get("operator"));
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }
}
