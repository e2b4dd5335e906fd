package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which tenants' findings a change between two topology snapshots may change; correct first, precise where it is
 * cheap to be. Every tenant when the change reaches what all tenants are probed with or judged by (the tenancy rules,
 * cluster settings, egress exceptions, the ports or ipBlocks the policies name, a namespace added, removed or given
 * another role or tenant, a pod, a policy outside the tenant namespaces, a rule with no peer or with an ipBlock).
 * Otherwise: the tenant of each changed tenant namespace or policy, and every tenant with a namespace that a
 * namespaceSelector of the changed policy (before or after) matches; for a tenant namespace relabelled, every tenant
 * whose policies have a namespaceSelector matching its labels before or after.
 */
final class TopologyDiff {

    private TopologyDiff() {}

    static Affected between(Topology before, Topology after) {
        if (before == null) {
            return new Affected.All("first audit");
        }
        if (!before.rules().equals(after.rules())
                || !before.internalCidrs().equals(after.internalCidrs())
                || !before.dnsNamespace().equals(after.dnsNamespace())
                || !before.dnsSelector().equals(after.dnsSelector())
                || !before.egressExceptions().equals(after.egressExceptions())) {
            return new Affected.All("tenancy rules, cluster settings or egress exceptions changed");
        }
        if (!before.podsByName().equals(after.podsByName())) {
            return new Affected.All("pods changed");
        }
        if (!Probes.policyPorts(before).equals(Probes.policyPorts(after))
                || !ipBlocks(before).equals(ipBlocks(after))) {
            return new Affected.All("the ports or ipBlocks the policies name changed");
        }
        Set<String> tenants = new HashSet<>();
        Set<String> names = new HashSet<>(before.namespaces().keySet());
        names.addAll(after.namespaces().keySet());
        for (String name : names) {
            NamespaceInfo was = before.namespaces().get(name);
            NamespaceInfo is = after.namespaces().get(name);
            if (Objects.equals(was, is)) {
                continue;
            }
            if (was == null
                    || is == null
                    || was.role() != is.role()
                    || !Objects.equals(was.tenant(), is.tenant())
                    || was.role() != Role.TENANT) {
                return new Affected.All("namespace " + name + " added, removed or given another role or tenant");
            }
            tenants.add(is.tenant());
            for (Topology t : List.of(before, after)) {
                for (NetworkPolicy p : t.networkPolicies()) {
                    if (selectsNamespace(p, withName(was)) || selectsNamespace(p, withName(is))) {
                        String owner = tenantOf(t, namespaceOf(p));
                        if (owner == null) {
                            return new Affected.All("a policy outside the tenant namespaces selects " + name);
                        }
                        tenants.add(owner);
                    }
                }
            }
        }
        Map<String, NetworkPolicy> was = byKey(before);
        Map<String, NetworkPolicy> is = byKey(after);
        Set<String> keys = new HashSet<>(was.keySet());
        keys.addAll(is.keySet());
        for (String key : keys) {
            NetworkPolicy old = was.get(key);
            NetworkPolicy neu = is.get(key);
            if (old != null && neu != null && Objects.equals(old.getSpec(), neu.getSpec())) {
                continue;
            }
            for (NetworkPolicy p : new NetworkPolicy[] {old, neu}) {
                if (p == null) {
                    continue;
                }
                String owner = tenantOf(before, namespaceOf(p));
                String ownerAfter = tenantOf(after, namespaceOf(p));
                if (owner == null || ownerAfter == null) {
                    return new Affected.All("policy " + key + " outside the tenant namespaces changed");
                }
                tenants.add(owner);
                tenants.add(ownerAfter);
                String ns = namespaceOf(p);
                if (!isolated(before, ns).equals(isolated(after, ns))) {
                    return new Affected.All("which pods of " + ns + " the policies isolate changed");
                }
                Affected reach = reach(p, before, after, tenants);
                if (reach != null) {
                    return reach;
                }
            }
        }
        return new Affected.Some(tenants);
    }

    /** Adds the tenants a policy's peers may match; every tenant when a rule has no peer or an ipBlock. */
    private static Affected reach(NetworkPolicy p, Topology before, Topology after, Set<String> into) {
        if (p.getSpec() == null) {
            return null;
        }
        List<List<NetworkPolicyPeer>> rules = new ArrayList<>();
        for (NetworkPolicyIngressRule r : nonNull(p.getSpec().getIngress())) {
            rules.add(r == null ? null : r.getFrom());
        }
        for (NetworkPolicyEgressRule r : nonNull(p.getSpec().getEgress())) {
            rules.add(r == null ? null : r.getTo());
        }
        for (List<NetworkPolicyPeer> peers : rules) {
            if (peers == null || peers.isEmpty()) {
                return new Affected.All("a rule of " + namespaceOf(p) + " allows every peer");
            }
            for (NetworkPolicyPeer peer : peers) {
                if (peer == null) {
                    continue;
                }
                if (peer.getIpBlock() != null) {
                    return new Affected.All("a rule of " + namespaceOf(p) + " has an ipBlock");
                }
                if (peer.getNamespaceSelector() == null) {
                    continue;
                }
                for (Topology t : List.of(before, after)) {
                    for (NamespaceInfo ns : t.namespaces().values()) {
                        if (ns.role() == Role.TENANT
                                && ns.tenant() != null
                                && matches(peer.getNamespaceSelector(), withName(ns))) {
                            into.add(ns.tenant());
                        }
                    }
                }
            }
        }
        return null;
    }

    /** True when a namespaceSelector of the policy's rules matches a namespace with these labels. */
    private static boolean selectsNamespace(NetworkPolicy p, Map<String, String> labels) {
        if (p.getSpec() == null) {
            return false;
        }
        List<NetworkPolicyPeer> peers = new ArrayList<>();
        for (NetworkPolicyIngressRule r : nonNull(p.getSpec().getIngress())) {
            if (r != null) {
                peers.addAll(nonNull(r.getFrom()));
            }
        }
        for (NetworkPolicyEgressRule r : nonNull(p.getSpec().getEgress())) {
            if (r != null) {
                peers.addAll(nonNull(r.getTo()));
            }
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer != null && peer.getNamespaceSelector() != null && matches(peer.getNamespaceSelector(), labels)) {
                return true;
            }
        }
        return false;
    }

    private static final String NAME_LABEL = "kubernetes.io/metadata.name";

    private static Map<String, String> withName(NamespaceInfo ns) {
        Map<String, String> labels = new HashMap<>(ns.labels());
        labels.putIfAbsent(NAME_LABEL, ns.name());
        return labels;
    }

    /** Kubernetes label selector semantics: matchLabels AND matchExpressions; an invalid operator matches nothing. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!Objects.equals(e.getValue(), labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        for (LabelSelectorRequirement r : nonNull(selector.getMatchExpressions())) {
            if (r == null || r.getKey() == null || r.getOperator() == null) {
                return false;
            }
            String value = labels.get(r.getKey());
            List<String> values = nonNull(r.getValues());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Per pod of the namespace (and a pod without labels, standing for the unknown ones), the directions some policy
     * isolates it for: what decides whether a peer's half of a connection with it is open.
     */
    private static Map<String, Set<String>> isolated(Topology t, String namespace) {
        Map<String, Map<String, String>> pods = new HashMap<>();
        pods.put("", Map.of());
        for (PodInfo pod : t.podsByName().values()) {
            if (pod.namespace().equals(namespace)) {
                pods.put(pod.name(), pod.labels());
            }
        }
        Map<String, Set<String>> isolated = new HashMap<>();
        for (NetworkPolicy p : t.networkPolicies()) {
            if (p.getSpec() == null || !namespace.equals(namespaceOf(p))) {
                continue;
            }
            LabelSelector selector = p.getSpec().getPodSelector();
            Set<String> types = types(p);
            pods.forEach((name, labels) -> {
                if (selector == null || matches(selector, labels)) {
                    isolated.computeIfAbsent(name, k -> new HashSet<>()).addAll(types);
                }
            });
        }
        return isolated;
    }

    /** The policy's types: as given, else Ingress, and Egress when it has egress rules. */
    private static Set<String> types(NetworkPolicy p) {
        List<String> given = p.getSpec().getPolicyTypes();
        if (given != null && !given.isEmpty()) {
            return new HashSet<>(given);
        }
        Set<String> types = new HashSet<>(Set.of("Ingress"));
        if (p.getSpec().getEgress() != null && !p.getSpec().getEgress().isEmpty()) {
            types.add("Egress");
        }
        return types;
    }

    private static Map<String, NetworkPolicy> byKey(Topology t) {
        Map<String, NetworkPolicy> map = new HashMap<>();
        for (NetworkPolicy p : t.networkPolicies()) {
            if (p != null && p.getMetadata() != null) {
                map.put(namespaceOf(p) + "/" + p.getMetadata().getName(), p);
            }
        }
        return map;
    }

    private static String namespaceOf(NetworkPolicy p) {
        return p.getMetadata() == null ? null : p.getMetadata().getNamespace();
    }

    /** The tenant of a tenant namespace, or null for any other (or unknown) namespace. */
    private static String tenantOf(Topology t, String namespace) {
        NamespaceInfo ns = namespace == null ? null : t.namespaces().get(namespace);
        return ns != null && ns.role() == Role.TENANT ? ns.tenant() : null;
    }

    /** The ipBlocks (cidr and excepts) the policies name, as text, in order. */
    private static List<String> ipBlocks(Topology t) {
        List<String> blocks = new ArrayList<>();
        for (NetworkPolicy p : t.networkPolicies()) {
            if (p.getSpec() == null) {
                continue;
            }
            List<NetworkPolicyPeer> peers = new ArrayList<>();
            nonNull(p.getSpec().getIngress()).forEach(r -> peers.addAll(r == null ? List.of() : nonNull(r.getFrom())));
            nonNull(p.getSpec().getEgress()).forEach(r -> peers.addAll(r == null ? List.of() : nonNull(r.getTo())));
            for (NetworkPolicyPeer peer : peers) {
                if (peer != null && peer.getIpBlock() != null) {
                    blocks.add(peer.getIpBlock().getCidr() + " except "
                            + peer.getIpBlock().getExcept());
                }
            }
        }
        blocks.sort(null);
        return blocks;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
