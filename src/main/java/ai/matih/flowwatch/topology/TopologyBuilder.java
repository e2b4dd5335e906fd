package ai.matih.flowwatch.topology;

import inet.ipaddr.IPAddress;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Accumulates converted manifests and builds the immutable {@link Topology}. A later document with the same identity
 * (namespace name, {@code namespace/name} of a pod or policy, exception name) replaces an earlier one, as
 * {@code kubectl apply} would.
 *
 * <p>A Pod or NetworkPolicy whose namespace has no Namespace document is kept; its namespace is NOT invented in
 * {@link Topology#namespaces()} (so {@link Topology#describe} still falls back to the labels a flow record carries)
 * and is reported in {@link #undeclaredNamespaces()}.
 */
final class TopologyBuilder {

    static final String NAME_LABEL = "kubernetes.io/metadata.name";
    static final String DEFAULT_NAMESPACE = "default";

    private final TenancyRules rules;
    private final Map<String, NamespaceInfo> namespaces = new LinkedHashMap<>();
    private final Map<String, NetworkPolicy> policies = new LinkedHashMap<>();
    private final Map<String, PodInfo> pods = new LinkedHashMap<>();
    private final Map<String, EgressException> exceptions = new LinkedHashMap<>();
    private final Set<String> terminated = new TreeSet<>();

    TopologyBuilder(TenancyRules rules) {
        this.rules = rules;
    }

    void add(Namespace namespace) {
        String name = namespace.getMetadata().getName();
        Map<String, String> labels = new LinkedHashMap<>(labels(namespace.getMetadata()));
        labels.putIfAbsent(NAME_LABEL, name);
        namespaces.put(name, rules.describe(name, labels, true));
    }

    void add(NetworkPolicy policy) {
        policies.put(
                namespaceOf(policy.getMetadata()) + "/" + policy.getMetadata().getName(), policy);
    }

    void add(EgressException exception) {
        exceptions.put(exception.name(), exception);
    }

    /** Adds a pod; IPs must already be validated ({@code ips} are canonical strings). */
    void add(Pod pod, List<String> ips) {
        ObjectMeta meta = pod.getMetadata();
        PodSpec spec = pod.getSpec();
        List<PodInfo.ContainerPort> ports = new ArrayList<>();
        if (spec != null && spec.getContainers() != null) {
            for (Container container : spec.getContainers()) {
                if (container.getPorts() == null) {
                    continue;
                }
                container
                        .getPorts()
                        .forEach(p -> ports.add(new PodInfo.ContainerPort(
                                p.getName(),
                                p.getContainerPort() == null ? 0 : p.getContainerPort(),
                                p.getProtocol() == null ? "TCP" : p.getProtocol())));
            }
        }
        boolean hostNetwork = spec != null && Boolean.TRUE.equals(spec.getHostNetwork());
        String node = spec == null ? null : spec.getNodeName();
        PodInfo info = new PodInfo(namespaceOf(meta), meta.getName(), labels(meta), ips, node, hostNetwork, ports);
        String key = info.namespace() + "/" + info.name();
        pods.put(key, info);
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            terminated.add(key);
        } else {
            terminated.remove(key);
        }
    }

    /** Namespaces referred to by pods or policies but without a Namespace document. */
    Set<String> undeclaredNamespaces() {
        Set<String> undeclared = new TreeSet<>();
        pods.values().forEach(p -> undeclared.add(p.namespace()));
        policies.values().forEach(p -> undeclared.add(namespaceOf(p.getMetadata())));
        undeclared.removeAll(namespaces.keySet());
        return undeclared;
    }

    Topology build(List<IPAddress> internalCidrs, DnsSelector dns, Instant loadedAt, String origin) {
        // hostNetwork pods share their node's IP, and finished pods may have handed theirs on: neither is indexed.
        Map<String, PodInfo> byIp = new LinkedHashMap<>();
        for (Map.Entry<String, PodInfo> e : pods.entrySet()) {
            PodInfo pod = e.getValue();
            if (!pod.hostNetwork() && !terminated.contains(e.getKey())) {
                pod.ips().forEach(ip -> byIp.put(ip, pod));
            }
        }
        return new Topology(
                namespaces,
                new ArrayList<>(policies.values()),
                byIp,
                pods,
                new ArrayList<>(exceptions.values()),
                rules,
                internalCidrs,
                dns.namespace(),
                dns.labels(),
                loadedAt,
                origin);
    }

    /** The pod's IPs (status.podIPs, then status.podIP), de-duplicated, in order; raw strings. */
    static List<String> rawIps(PodStatus status) {
        List<String> ips = new ArrayList<>();
        if (status == null) {
            return ips;
        }
        if (status.getPodIPs() != null) {
            for (PodIP podIp : status.getPodIPs()) {
                ips.add(podIp == null ? null : podIp.getIp());
            }
        }
        if (status.getPodIP() != null && !ips.contains(status.getPodIP())) {
            ips.add(status.getPodIP());
        }
        return ips;
    }

    static String namespaceOf(ObjectMeta meta) {
        String ns = meta.getNamespace();
        return ns == null || ns.isBlank() ? DEFAULT_NAMESPACE : ns;
    }

    private static Map<String, String> labels(ObjectMeta meta) {
        if (meta.getLabels() == null) {
            return Map.of();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        meta.getLabels().forEach((k, v) -> labels.put(k, v == null ? "" : v));
        return labels;
    }
}
