package ai.matih.flowwatch.topology;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of what flowwatch knows of the cluster. Swapped atomically as a whole; never mutated.
 *
 * @param namespaces       known namespaces by name
 * @param networkPolicies  NetworkPolicies in force
 * @param podsByIp         known pods by canonical IP (hostNetwork pods excluded: they share the node IP)
 * @param podsByName       known pods by {@code namespace/name} (also indexed by namespace, then name)
 * @param egressExceptions declared egress exceptions
 * @param rules            tenancy rules
 * @param internalCidrs    what counts as in-cluster when a flow gives only an IP
 * @param dnsNamespace     namespace of the cluster DNS pods
 * @param dnsSelector      label selector (key=value pairs, ANDed) of the cluster DNS pods
 * @param loadedAt         when the snapshot was built
 * @param origin           where it came from (file path, "kubernetes", "audit", "empty")
 * @param nodesByIp        node names by canonical IP, learnt from the pods' host IPs and hostNetwork pods (from the
 *                         Kubernetes API only; empty otherwise)
 * @param podsKnown        true when every pod of the cluster is known (the Kubernetes API is watched and its pods are
 *                         synced): an in-cluster address that is not in {@link #podsByIp()} is then not a pod
 */
public record Topology(
        Map<String, NamespaceInfo> namespaces,
        List<NetworkPolicy> networkPolicies,
        Map<String, PodInfo> podsByIp,
        Map<String, PodInfo> podsByName,
        List<EgressException> egressExceptions,
        TenancyRules rules,
        List<IPAddress> internalCidrs,
        String dnsNamespace,
        Map<String, String> dnsSelector,
        Instant loadedAt,
        String origin,
        Map<String, String> nodesByIp,
        boolean podsKnown) {

    public Topology {
        namespaces = Map.copyOf(namespaces);
        networkPolicies = List.copyOf(networkPolicies);
        podsByIp = Map.copyOf(podsByIp);
        podsByName = PodIndex.of(podsByName);
        egressExceptions = List.copyOf(egressExceptions);
        Objects.requireNonNull(rules, "rules");
        internalCidrs = List.copyOf(internalCidrs);
        dnsSelector = Map.copyOf(dnsSelector);
        Objects.requireNonNull(loadedAt, "loadedAt");
        nodesByIp = nodesByIp == null ? Map.of() : Map.copyOf(nodesByIp);
    }

    /** A snapshot from manifests or tools: no node addresses, and pods not known to be complete. */
    public Topology(
            Map<String, NamespaceInfo> namespaces,
            List<NetworkPolicy> networkPolicies,
            Map<String, PodInfo> podsByIp,
            Map<String, PodInfo> podsByName,
            List<EgressException> egressExceptions,
            TenancyRules rules,
            List<IPAddress> internalCidrs,
            String dnsNamespace,
            Map<String, String> dnsSelector,
            Instant loadedAt,
            String origin) {
        this(
                namespaces,
                networkPolicies,
                podsByIp,
                podsByName,
                egressExceptions,
                rules,
                internalCidrs,
                dnsNamespace,
                dnsSelector,
                loadedAt,
                origin,
                Map.of(),
                false);
    }

    /** Origin of a topology that holds nothing: no manifests configured, or nothing loaded yet. */
    public static final String EMPTY_ORIGIN = "empty";

    /** A topology that knows no namespaces, pods, policies or exceptions, only the rules and cluster settings. */
    public static Topology empty(
            TenancyRules rules, List<IPAddress> internalCidrs, DnsSelector dns, Instant at, String origin) {
        return new Topology(
                Map.of(),
                List.of(),
                Map.of(),
                Map.of(),
                List.of(),
                rules,
                internalCidrs,
                dns.namespace(),
                dns.labels(),
                at,
                origin);
    }

    /** Number of known namespaces with this role. */
    public long namespaceCount(Role role) {
        return namespaces.values().stream().filter(n -> n.role() == role).count();
    }

    /**
     * Describes a namespace: from the topology when known, else from the labels the flow carried
     * (Cilium records namespace labels) and the name pattern. Never null for a non-null name.
     */
    public NamespaceInfo describe(String namespace, Map<String, String> labelsFromRecord) {
        NamespaceInfo known = namespaces.get(namespace);
        if (known != null) {
            return known;
        }
        return rules.describe(namespace, labelsFromRecord, false);
    }

    /** The known pod with this IP, or null. Keys are canonical; other spellings (e.g. expanded IPv6) are normalized. */
    public PodInfo podByIp(String ip) {
        if (ip == null) {
            return null;
        }
        PodInfo pod = podsByIp.get(ip);
        if (pod == null && !isCanonicalIpv4(ip)) {
            IPAddress parsed = parseIp(ip);
            if (parsed != null) {
                pod = podsByIp.get(parsed.toCanonicalString());
            }
        }
        return pod;
    }

    /**
     * The node whose address this is (a pod's host IP, or the IP of a hostNetwork pod), or null. Known only when the
     * Kubernetes API is watched.
     */
    public String nodeByIp(String ip) {
        if (ip == null || nodesByIp.isEmpty()) {
            return null;
        }
        String node = nodesByIp.get(ip);
        if (node == null && !isCanonicalIpv4(ip)) {
            IPAddress parsed = parseIp(ip);
            if (parsed != null) {
                node = nodesByIp.get(parsed.toCanonicalString());
            }
        }
        return node;
    }

    /** The known pod with this name, or null. */
    public PodInfo pod(String namespace, String name) {
        return namespace == null || name == null ? null : ((PodIndex) podsByName).get(namespace, name);
    }

    /** True when the IP lies in one of the internal CIDRs. */
    public boolean isInternal(IPAddress ip) {
        for (IPAddress cidr : internalCidrs) {
            if (cidr.getIPVersion() == ip.getIPVersion() && cidr.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** True when a pod with these labels in this namespace is one of the cluster DNS pods. */
    public boolean isClusterDns(String namespace, Map<String, String> podLabels) {
        if (!dnsNamespace.equals(namespace) || podLabels.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> e : dnsSelector.entrySet()) {
            if (!e.getValue().equals(podLabels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@code text} is an IPv4 address written as its canonical string (four decimal numbers 0–255 without
     * leading zeros, dot-separated), the form the IP indexes are keyed by: a miss for it needs no parse to be sure.
     */
    static boolean isCanonicalIpv4(String text) {
        int n = text.length();
        if (n < 7 || n > 15) {
            return false;
        }
        int parts = 0;
        int i = 0;
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && text.charAt(i) != '.') {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || i - start == 3) {
                    return false;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return false;
            }
            parts++;
            if (i < n) {
                i++; // the dot
                if (i == n) {
                    return false;
                }
            }
        }
        return parts == 4;
    }

    /** Parses an IP; null when the text is null or not an address. */
    public static IPAddress parseIp(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        IPAddress a = new IPAddressString(text).getAddress();
        if (a == null) {
            return null;
        }
        return a.isPrefixed() ? a.withoutPrefixLength() : a;
    }
}
