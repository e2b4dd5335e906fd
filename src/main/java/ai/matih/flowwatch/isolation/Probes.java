package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.classify.PartyResolver;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.EndpointView;
import inet.ipaddr.IPAddress;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The representative ends and ports of one topology snapshot that the audit tries: per namespace its real pods (one
 * per distinct labels and ports) or an "any pod" when none is known, the cluster DNS pods, and addresses outside the
 * cluster (representative ones, and one in each CIDR the policies' ipBlocks and the egress exceptions name). Built
 * once per snapshot; immutable.
 */
final class Probes {

    /** Addresses that stand for "anywhere outside the cluster". */
    static final List<String> EXTERNAL_ADDRESSES = List.of("192.0.2.1", "2001:db8::1");
    /** The first port tried as "a port no policy names". */
    static final int OTHER_PORT = 9999;

    static final int MAX_PODS_PER_NAMESPACE = 8;
    static final int MAX_INGRESS_PODS = 4096;
    static final int MAX_POLICY_PORTS = 64;
    static final int MAX_EXTERNAL_ADDRESSES = 32;
    static final int DNS_PORT = 53;

    /**
     * A destination port.
     *
     * @param port     port number
     * @param protocol TCP, UDP or SCTP
     */
    record Port(int port, Protocol protocol) {}

    /**
     * One end a connection may be tried from or to.
     *
     * @param policy   as the policy engine sees it
     * @param party    as the isolation model places it
     * @param endpoint as a flow record would give it
     * @param view     as a finding shows it
     * @param ports    the ports tried when it is the destination
     * @param tenant   the tenant an ingress pod is labelled for, or null
     */
    record End(
            PolicyEndpoint policy,
            Party party,
            Endpoint endpoint,
            EndpointView view,
            List<Port> ports,
            String tenant) {}

    private final Topology topology;
    private final List<Port> policyPorts;
    private final Map<String, List<End>> byNamespace;
    private final List<End> dns;
    private final List<End> external;
    private final List<NamespaceInfo> namespaces;
    private final Map<String, PolicyEndpoint.Pod> wildcards = new LinkedHashMap<>();
    private final Map<String, Mentions> mentions = new LinkedHashMap<>();

    /**
     * What the policies of one namespace say of labels: the keys their selectors name and, per key, the values.
     *
     * @param values   the values named per key (an Exists or DoesNotExist names the key only)
     * @param ipBlocks whether some rule has an ipBlock (pod IPs then matter)
     */
    record Mentions(Map<String, Set<String>> values, boolean ipBlocks) {

        static final Mentions NONE = new Mentions(Map.of(), false);
    }

    Probes(Topology topology) {
        this.topology = topology;
        this.policyPorts = policyPorts(topology);
        this.namespaces = topology.namespaces().values().stream()
                .sorted(Comparator.comparing(NamespaceInfo::name))
                .toList();
        Map<String, List<PodInfo>> pods = new LinkedHashMap<>();
        topology.podsByName().values().stream()
                .filter(p -> !p.hostNetwork())
                .sorted(Comparator.comparing(PodInfo::namespace).thenComparing(PodInfo::name))
                .forEach(p -> pods.computeIfAbsent(p.namespace(), k -> new ArrayList<>())
                        .add(p));
        List<End> dnsEnds = new ArrayList<>();
        Map<String, List<End>> ends = new LinkedHashMap<>();
        for (NamespaceInfo ns : namespaces) {
            List<PodInfo> known = pods.getOrDefault(ns.name(), List.of());
            List<End> list = new ArrayList<>();
            Set<List<Object>> seen = new HashSet<>();
            int max = ns.role() == Role.INGRESS ? MAX_INGRESS_PODS : MAX_PODS_PER_NAMESPACE;
            for (PodInfo pod : known) {
                if (topology.isClusterDns(ns.name(), pod.labels())) {
                    if (dnsEnds.size() < MAX_PODS_PER_NAMESPACE && seen.add(List.of(pod.labels(), pod.ports()))) {
                        dnsEnds.add(pod(pod, ns, dnsPorts()));
                    }
                } else if (list.size() < max && seen.add(List.of(pod.labels(), pod.ports()))) {
                    list.add(pod(pod, ns, ports(pod)));
                }
            }
            if (known.isEmpty()) {
                list.add(anyPod(ns));
            }
            ends.put(ns.name(), List.copyOf(list));
        }
        if (dnsEnds.isEmpty()) {
            NamespaceInfo ns = topology.describe(topology.dnsNamespace(), Map.of());
            dnsEnds.add(synthetic(ns, "cluster-dns", topology.dnsSelector(), dnsPorts(), "cluster DNS pod", null));
        }
        for (NamespaceInfo ns : namespaces) {
            wildcards.put(
                    ns.name(), new PolicyEndpoint.Pod(ns.name(), "*", null, ns.labels(), List.of(), false, null, null));
        }
        for (NetworkPolicy policy : topology.networkPolicies()) {
            if (policy.getMetadata() != null && policy.getSpec() != null) {
                mention(policy);
            }
        }
        this.byNamespace = ends;
        this.dns = List.copyOf(dnsEnds);
        this.external = externalEnds(topology);
    }

    List<NamespaceInfo> namespaces() {
        return namespaces;
    }

    /** The ends of a known namespace (the cluster DNS pods excluded); empty for an unknown one. */
    List<End> ends(String namespace) {
        return byNamespace.getOrDefault(namespace, List.of());
    }

    /** Any pod of the namespace, its labels, IPs and ports unknown: what holds for it holds for every pod there. */
    PolicyEndpoint.Pod wildcard(String namespace) {
        return wildcards.get(namespace);
    }

    /**
     * The pod's labels as the policies of these namespaces can tell them apart: a value no selector of theirs names
     * is replaced by {@code ~}, a key none names is left out; with its ports, and its IPs when they have ipBlocks.
     * Pods with the same key are judged alike by those policies.
     */
    List<Object> canonical(End pod, List<String> namespaces) {
        Map<String, String> labels = new TreeMap<>();
        boolean ipBlocks = false;
        for (String ns : namespaces) {
            Mentions m = mentions.getOrDefault(ns, Mentions.NONE);
            ipBlocks |= m.ipBlocks();
            for (Map.Entry<String, String> label : pod.party().labels().entrySet()) {
                Set<String> named = m.values().get(label.getKey());
                if (named != null) {
                    String value = named.contains(label.getValue()) ? label.getValue() : "~";
                    labels.merge(label.getKey(), value, (a, b) -> a.equals("~") ? b : a);
                }
            }
        }
        return ipBlocks
                ? List.of(labels, pod.ports(), String.valueOf(pod.endpoint().ip()))
                : List.of(labels, pod.ports());
    }

    private void mention(NetworkPolicy policy) {
        String ns = policy.getMetadata().getNamespace();
        Mentions m = mentions.computeIfAbsent(ns, k -> new Mentions(new LinkedHashMap<>(), false));
        List<LabelSelector> selectors = new ArrayList<>();
        selectors.add(policy.getSpec().getPodSelector());
        List<NetworkPolicyPeer> peers = new ArrayList<>();
        for (NetworkPolicyIngressRule rule : nonNull(policy.getSpec().getIngress())) {
            peers.addAll(nonNull(rule.getFrom()));
        }
        for (NetworkPolicyEgressRule rule : nonNull(policy.getSpec().getEgress())) {
            peers.addAll(nonNull(rule.getTo()));
        }
        boolean ipBlocks = m.ipBlocks();
        for (NetworkPolicyPeer peer : peers) {
            if (peer == null) {
                continue;
            }
            selectors.add(peer.getPodSelector());
            selectors.add(peer.getNamespaceSelector());
            ipBlocks |= peer.getIpBlock() != null;
        }
        for (LabelSelector selector : selectors) {
            if (selector == null) {
                continue;
            }
            if (selector.getMatchLabels() != null) {
                selector.getMatchLabels()
                        .forEach((k, v) -> m.values()
                                .computeIfAbsent(k, x -> new HashSet<>())
                                .add(v));
            }
            for (LabelSelectorRequirement r : nonNull(selector.getMatchExpressions())) {
                if (r == null || r.getKey() == null) {
                    continue;
                }
                Set<String> values = m.values().computeIfAbsent(r.getKey(), x -> new HashSet<>());
                values.addAll(nonNull(r.getValues()));
            }
        }
        mentions.put(ns, new Mentions(m.values(), ipBlocks));
    }

    List<End> dns() {
        return dns;
    }

    List<End> external() {
        return external;
    }

    /** A pod of the namespace with no labels, tried on every port the policies name and another. */
    End anyPod(NamespaceInfo ns) {
        return synthetic(ns, "any-pod", Map.of(), policyPorts, "any pod", null);
    }

    /** An ingress-controller pod labelled for {@code tenant}, like the namespace's real ones when there are any. */
    End ingressPod(NamespaceInfo ns, String tenant) {
        String label = topology.rules().tenantLabel();
        List<End> real = ends(ns.name());
        Map<String, String> labels = new LinkedHashMap<>();
        List<Port> ports = policyPorts;
        for (End e : real) {
            if (e.tenant() != null) {
                labels.putAll(e.party().labels());
                ports = e.ports();
                break;
            }
        }
        labels.put(label, tenant);
        return synthetic(
                ns, "ingress-" + tenant, labels, ports, "ingress pod labelled " + label + "=" + tenant, tenant);
    }

    private End synthetic(
            NamespaceInfo ns,
            String name,
            Map<String, String> labels,
            List<Port> ports,
            String shown,
            String labelledTenant) {
        Endpoint endpoint = new Endpoint(EndpointKind.POD, ns.name(), name, null, null, labels, Map.of(), null);
        PolicyEndpoint.Pod policy =
                new PolicyEndpoint.Pod(ns.name(), name, labels, ns.labels(), List.of(), false, List.of(), null);
        String tenant = ns.role() == Role.TENANT ? ns.tenant() : labelledTenant;
        EndpointView view =
                new EndpointView(ns.name(), null, null, null, tenant, ns.role().tag(), false, shown);
        return new End(policy, PartyResolver.resolve(endpoint, topology), endpoint, view, ports, labelledTenant);
    }

    private End pod(PodInfo pod, NamespaceInfo ns, List<Port> ports) {
        String ip = pod.ips().isEmpty() ? null : pod.ips().get(0);
        Endpoint endpoint =
                new Endpoint(EndpointKind.POD, ns.name(), pod.name(), null, ip, pod.labels(), Map.of(), null);
        String labelled =
                ns.role() == Role.INGRESS ? pod.labels().get(topology.rules().tenantLabel()) : null;
        String tenant = ns.role() == Role.TENANT ? ns.tenant() : labelled;
        EndpointView view = new EndpointView(
                ns.name(), null, pod.name(), ip, tenant, ns.role().tag(), false, null);
        return new End(
                PolicyEndpoint.Pod.of(pod, ns),
                PartyResolver.resolve(endpoint, topology),
                endpoint,
                view,
                ports,
                labelled);
    }

    /** A pod that declares its ports is tried on those (what listens); one that declares none on the policies' ports. */
    private List<Port> ports(PodInfo pod) {
        List<Port> declared = new ArrayList<>();
        for (PodInfo.ContainerPort p : pod.ports()) {
            Protocol protocol = p.protocol() == null ? Protocol.TCP : Protocol.parse(p.protocol());
            if (p.port() >= 1 && p.port() <= 65535 && protocol != null && protocol.policyNameable()) {
                Port port = new Port(p.port(), protocol);
                if (!declared.contains(port)) {
                    declared.add(port);
                }
            }
        }
        return declared.isEmpty() ? policyPorts : List.copyOf(declared);
    }

    private List<Port> dnsPorts() {
        Port other = policyPorts.get(policyPorts.size() - 1);
        return List.of(new Port(DNS_PORT, Protocol.UDP), new Port(DNS_PORT, Protocol.TCP), other);
    }

    /** The numeric ports the policies name (and their endPorts), then one they do not. */
    static List<Port> policyPorts(Topology topology) {
        Set<Port> ports = new LinkedHashSet<>();
        for (NetworkPolicy policy : topology.networkPolicies()) {
            if (policy.getSpec() == null) {
                continue;
            }
            for (NetworkPolicyIngressRule rule : nonNull(policy.getSpec().getIngress())) {
                addPorts(nonNull(rule.getPorts()), ports);
            }
            for (NetworkPolicyEgressRule rule : nonNull(policy.getSpec().getEgress())) {
                addPorts(nonNull(rule.getPorts()), ports);
            }
        }
        List<Port> list = new ArrayList<>(ports);
        if (list.size() > MAX_POLICY_PORTS) {
            list = new ArrayList<>(list.subList(0, MAX_POLICY_PORTS));
        }
        list.add(otherPort(list));
        return List.copyOf(list);
    }

    private static Port otherPort(List<Port> named) {
        int port = OTHER_PORT;
        while (named.contains(new Port(port, Protocol.TCP))) {
            port++;
        }
        return new Port(port, Protocol.TCP);
    }

    private static void addPorts(List<NetworkPolicyPort> ports, Set<Port> into) {
        for (NetworkPolicyPort p : ports) {
            if (p == null) {
                continue;
            }
            Protocol protocol = p.getProtocol() == null ? Protocol.TCP : Protocol.parse(p.getProtocol());
            IntOrString port = p.getPort();
            if (protocol == null || !protocol.policyNameable() || port == null || port.getIntVal() == null) {
                continue;
            }
            int number = port.getIntVal();
            if (number >= 1 && number <= 65535) {
                into.add(new Port(number, protocol));
            }
            Integer end = p.getEndPort();
            if (end != null && end > number && end <= 65535) {
                into.add(new Port(end, protocol));
            }
        }
    }

    /** Representative outside addresses, then one in each ipBlock, except and egress-exception CIDR not yet covered. */
    private List<End> externalEnds(Topology topology) {
        List<IPAddress> addresses = new ArrayList<>();
        for (String text : EXTERNAL_ADDRESSES) {
            addresses.add(Topology.parseIp(text));
        }
        List<IPAddress> cidrs = new ArrayList<>();
        for (NetworkPolicy policy : topology.networkPolicies()) {
            if (policy.getSpec() == null) {
                continue;
            }
            for (NetworkPolicyIngressRule rule : nonNull(policy.getSpec().getIngress())) {
                blocks(nonNull(rule.getFrom()), cidrs);
            }
            for (NetworkPolicyEgressRule rule : nonNull(policy.getSpec().getEgress())) {
                blocks(nonNull(rule.getTo()), cidrs);
            }
        }
        for (EgressException exception : topology.egressExceptions()) {
            cidrs.addAll(exception.cidrs());
        }
        for (IPAddress cidr : cidrs) {
            if (addresses.size() >= MAX_EXTERNAL_ADDRESSES) {
                break;
            }
            boolean covered = false;
            for (IPAddress a : addresses) {
                if (a.getIPVersion() == cidr.getIPVersion() && cidr.contains(a)) {
                    covered = true;
                    break;
                }
            }
            IPAddress first = cidr.getLower().withoutPrefixLength();
            if (!covered && !topology.isInternal(first)) {
                addresses.add(first);
            }
        }
        List<End> ends = new ArrayList<>();
        for (IPAddress a : addresses) {
            String ip = a.toCanonicalString();
            Endpoint endpoint = new Endpoint(EndpointKind.WORLD, null, null, null, ip, Map.of(), Map.of(), null);
            EndpointView view = new EndpointView(null, null, null, ip, null, "external", true, null);
            ends.add(new End(
                    PolicyEndpoint.Address.external(ip),
                    PartyResolver.resolve(endpoint, topology),
                    endpoint,
                    view,
                    policyPortsAndDns(),
                    null));
        }
        return List.copyOf(ends);
    }

    private List<Port> policyPortsAndDns() {
        Set<Port> ports = new LinkedHashSet<>(policyPorts);
        ports.add(new Port(DNS_PORT, Protocol.UDP));
        ports.add(new Port(DNS_PORT, Protocol.TCP));
        return List.copyOf(ports);
    }

    private static void blocks(List<NetworkPolicyPeer> peers, List<IPAddress> into) {
        for (NetworkPolicyPeer peer : peers) {
            IPBlock block = peer == null ? null : peer.getIpBlock();
            if (block == null) {
                continue;
            }
            add(block.getCidr(), into);
            for (String except : nonNull(block.getExcept())) {
                add(except, into);
            }
        }
    }

    private static void add(String cidr, List<IPAddress> into) {
        if (cidr == null || !cidr.contains("/")) {
            return;
        }
        try {
            into.add(EgressException.parseCidr(cidr));
        } catch (IllegalArgumentException e) {
            // an invalid ipBlock makes its policy invalid: the engine reports it, the audit has nothing to try
        }
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
