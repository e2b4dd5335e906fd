package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.topology.Topology;
import inet.ipaddr.IPAddress;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The recommended NetworkPolicies of one namespace, built up one allowed connection at a time: a default deny of both
 * directions, egress to the cluster DNS pods on 53/UDP and 53/TCP, and per group of pods (their labels without the
 * per-instance ones) one egress and one ingress policy with a rule per peer and the ports seen.
 */
final class PolicySet {

    /** Label every recommended policy carries. */
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    static final String PREFIX = "flowwatch-";

    /** Pod labels that differ between the replicas of one workload: never part of a selector. */
    static final Set<String> INSTANCE_LABELS = Set.of(
            "pod-template-hash",
            "controller-revision-hash",
            "pod-template-generation",
            "statefulset.kubernetes.io/pod-name",
            "apps.kubernetes.io/pod-index");

    private static final int DNS_PORT = 53;

    private final String namespace;
    /** Per direction (egress first), per group selector (canonical text), per peer (canonical text): its ports. */
    private final Map<String, Group> egress = new TreeMap<>();

    private final Map<String, Group> ingress = new TreeMap<>();

    PolicySet(String namespace) {
        this.namespace = namespace;
    }

    /**
     * Allows the connection on the side of {@code subject}, an end in this namespace.
     *
     * @param outgoing true for the subject's egress, false for its ingress
     */
    void allow(boolean outgoing, Party subject, Party peer, RecentConnection c) {
        Map<String, String> selector = stable(subject.labels());
        Group group = (outgoing ? egress : ingress).computeIfAbsent(selector.toString(), k -> new Group(selector));
        NetworkPolicyPeer to = peer(peer);
        Set<String> ports =
                group.peers.computeIfAbsent(canonical(to), k -> new Peered(to, new LinkedHashSet<>())).ports;
        ports.add(c.protocol().name() + "/" + (c.port() > 0 ? c.port() : ""));
    }

    /** The policies, default deny and cluster DNS first. */
    List<NetworkPolicy> policies(Topology topology) {
        List<NetworkPolicy> policies = new ArrayList<>();
        NetworkPolicySpec deny = new NetworkPolicySpec();
        deny.setPodSelector(new LabelSelector());
        deny.setPolicyTypes(List.of("Ingress", "Egress"));
        policies.add(policy("default-deny", deny));
        NetworkPolicySpec dns = new NetworkPolicySpec();
        dns.setPodSelector(new LabelSelector());
        dns.setPolicyTypes(List.of("Egress"));
        NetworkPolicyPeer dnsPods = new NetworkPolicyPeer();
        dnsPods.setNamespaceSelector(selector(Map.of(PolicyEndpoint.NAME_LABEL, topology.dnsNamespace())));
        dnsPods.setPodSelector(selector(new TreeMap<>(topology.dnsSelector())));
        NetworkPolicyEgressRule toDns = new NetworkPolicyEgressRule();
        toDns.setTo(List.of(dnsPods));
        toDns.setPorts(List.of(port("UDP", DNS_PORT), port("TCP", DNS_PORT)));
        dns.setEgress(List.of(toDns));
        policies.add(policy("allow-cluster-dns", dns));
        for (Group g : egress.values()) {
            NetworkPolicySpec spec = new NetworkPolicySpec();
            spec.setPodSelector(selector(g.selector));
            spec.setPolicyTypes(List.of("Egress"));
            List<NetworkPolicyEgressRule> rules = new ArrayList<>();
            for (Peered p : g.peers.values()) {
                NetworkPolicyEgressRule rule = new NetworkPolicyEgressRule();
                rule.setTo(List.of(p.peer));
                rule.setPorts(ports(p.ports));
                rules.add(rule);
            }
            spec.setEgress(rules);
            policies.add(policy("egress-" + slug(g.selector), spec));
        }
        for (Group g : ingress.values()) {
            NetworkPolicySpec spec = new NetworkPolicySpec();
            spec.setPodSelector(selector(g.selector));
            spec.setPolicyTypes(List.of("Ingress"));
            List<NetworkPolicyIngressRule> rules = new ArrayList<>();
            for (Peered p : g.peers.values()) {
                NetworkPolicyIngressRule rule = new NetworkPolicyIngressRule();
                rule.setFrom(List.of(p.peer));
                rule.setPorts(ports(p.ports));
                rules.add(rule);
            }
            spec.setIngress(rules);
            policies.add(policy("ingress-" + slug(g.selector), spec));
        }
        return policies;
    }

    /** The other end as a peer: pods by labels (in their namespace when it is another), or its address. */
    private NetworkPolicyPeer peer(Party p) {
        NetworkPolicyPeer peer = new NetworkPolicyPeer();
        if (p.namespaceName() != null) {
            peer.setPodSelector(selector(stable(p.labels())));
            if (!namespace.equals(p.namespaceName())) {
                peer.setNamespaceSelector(selector(Map.of(PolicyEndpoint.NAME_LABEL, p.namespaceName())));
            }
            return peer;
        }
        IPAddress ip = ai.matih.flowwatch.topology.Topology.parseIp(p.endpoint().ip());
        IPBlock block = new IPBlock();
        block.setCidr(ip.toCanonicalString() + (ip.isIPv4() ? "/32" : "/128"));
        peer.setIpBlock(block);
        return peer;
    }

    private static List<NetworkPolicyPort> ports(Set<String> seen) {
        List<NetworkPolicyPort> ports = new ArrayList<>();
        for (String s : seen) {
            int slash = s.indexOf('/');
            String protocol = s.substring(0, slash);
            String number = s.substring(slash + 1);
            if (number.isEmpty()) {
                NetworkPolicyPort any = new NetworkPolicyPort();
                any.setProtocol(protocol);
                ports.add(any);
            } else {
                ports.add(port(protocol, Integer.parseInt(number)));
            }
        }
        return ports;
    }

    private static NetworkPolicyPort port(String protocol, int number) {
        NetworkPolicyPort port = new NetworkPolicyPort();
        port.setProtocol(protocol);
        port.setPort(new IntOrString(number));
        return port;
    }

    private NetworkPolicy policy(String name, NetworkPolicySpec spec) {
        ObjectMeta meta = new ObjectMeta();
        meta.setName(PREFIX + name);
        meta.setNamespace(namespace);
        meta.setLabels(Map.of(MANAGED_BY, "flowwatch"));
        NetworkPolicy policy = new NetworkPolicy();
        policy.setApiVersion("networking.k8s.io/v1");
        policy.setKind("NetworkPolicy");
        policy.setMetadata(meta);
        policy.setSpec(spec);
        return policy;
    }

    private static LabelSelector selector(Map<String, String> labels) {
        LabelSelector selector = new LabelSelector();
        if (!labels.isEmpty()) {
            selector.setMatchLabels(new TreeMap<>(labels));
        }
        return selector;
    }

    /** The labels without the per-instance ones, by key. */
    static Map<String, String> stable(Map<String, String> labels) {
        Map<String, String> kept = new TreeMap<>();
        if (labels != null) {
            labels.forEach((k, v) -> {
                if (!INSTANCE_LABELS.contains(k)) {
                    kept.put(k, v);
                }
            });
        }
        return kept;
    }

    /** A name part for a group: its app label (when it is a name) and a checksum of its selector. */
    static String slug(Map<String, String> selector) {
        String app = selector.getOrDefault("app", selector.getOrDefault("app.kubernetes.io/name", "pods"));
        StringBuilder sb = new StringBuilder();
        for (char ch : app.toLowerCase(Locale.ROOT).toCharArray()) {
            if (sb.length() >= 30) {
                break;
            }
            sb.append((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ? ch : '-');
        }
        CRC32 crc = new CRC32();
        crc.update(selector.toString().getBytes(StandardCharsets.UTF_8));
        return (sb.isEmpty() ? "pods" : sb) + "-" + String.format("%08x", crc.getValue());
    }

    private static String canonical(NetworkPolicyPeer peer) {
        return String.valueOf(
                        peer.getNamespaceSelector() == null
                                ? null
                                : peer.getNamespaceSelector().getMatchLabels())
                + "|"
                + (peer.getPodSelector() == null ? null : peer.getPodSelector().getMatchLabels())
                + "|" + (peer.getIpBlock() == null ? null : peer.getIpBlock().getCidr());
    }

    private static final class Group {
        final Map<String, String> selector;
        final Map<String, Peered> peers = new TreeMap<>();

        Group(Map<String, String> selector) {
            this.selector = selector;
        }
    }

    private record Peered(NetworkPolicyPeer peer, Set<String> ports) {}
}
