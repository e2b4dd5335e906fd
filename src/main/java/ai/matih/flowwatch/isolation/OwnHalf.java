package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A tenant's audit judged by its own half of each verdict: its ingress policies for what comes in, its egress
 * policies for what goes out, and the isolation model. It runs on the snapshot as the tenant's own policies alone see
 * it: the policies of every other namespace left out (so the other end of a connection never closes or opens
 * anything), other tenants' pods left out (their namespaces are tried with "any pod" on the tenant's own ports), the
 * ingress-controller pods labelled for other tenants left out (one labelled for "another tenant" stands for them), and
 * only the tenant's own egress exceptions; of the other tenants' namespaces, one per kind the tenant's selectors can
 * tell apart. So the probes use only the tenant's own ports and CIDRs, and nothing another
 * tenant's policies say can change the result. Pure.
 */
final class OwnHalf {

    private OwnHalf() {}

    /** The tenant's entry judged by its own half. */
    static TenantIsolation audit(
            Topology topology, String tenant, List<String> namespaces, CniProfile profile, Instant now) {
        Topology own = restricted(topology, tenant, Set.copyOf(namespaces));
        return new Auditor(own, PolicyEngine.compile(own, profile), now).audit(tenant, namespaces);
    }

    /**
     * The snapshot as the tenant's own policies alone see it; of the other tenants' namespaces, one per kind its
     * selectors can tell apart (the rest would only repeat the same findings, which its view merges anyway).
     */
    static Topology restricted(Topology t, String tenant, Set<String> namespaces) {
        List<NetworkPolicy> policies = t.networkPolicies().stream()
                .filter(p -> p.getMetadata() != null
                        && namespaces.contains(p.getMetadata().getNamespace()))
                .toList();
        Map<String, Set<String>> named = named(policies);
        Map<String, NamespaceInfo> kept = new HashMap<>();
        Set<List<Object>> kinds = new HashSet<>();
        t.namespaces().values().stream()
                .sorted(Comparator.comparing(NamespaceInfo::name))
                .forEach(ns -> {
                    if (ns.role() != Role.TENANT
                            || tenant.equals(ns.tenant())
                            || kinds.add(List.of(ns.role(), canonical(ns, named)))) {
                        kept.put(ns.name(), ns);
                    }
                });
        String label = t.rules().tenantLabel();
        Map<String, PodInfo> byName = new HashMap<>();
        t.podsByName().forEach((key, pod) -> {
            if (kept(kept, pod, tenant, label)) {
                byName.put(key, pod);
            }
        });
        Map<String, PodInfo> byIp = new HashMap<>();
        t.podsByIp().forEach((ip, pod) -> {
            if (kept(kept, pod, tenant, label)) {
                byIp.put(ip, pod);
            }
        });
        List<EgressException> exceptions = t.egressExceptions().stream()
                .filter(e -> e.tenant().equals(tenant))
                .toList();
        return new Topology(
                kept,
                policies,
                byIp,
                byName,
                exceptions,
                t.rules(),
                t.internalCidrs(),
                t.dnsNamespace(),
                t.dnsSelector(),
                t.loadedAt(),
                t.origin());
    }

    /** The label keys the policies' selectors name, with the values they name for each. */
    private static Map<String, Set<String>> named(List<NetworkPolicy> policies) {
        Map<String, Set<String>> named = new HashMap<>();
        for (NetworkPolicy p : policies) {
            if (p.getSpec() == null) {
                continue;
            }
            List<LabelSelector> selectors = new ArrayList<>();
            selectors.add(p.getSpec().getPodSelector());
            List<NetworkPolicyPeer> peers = new ArrayList<>();
            nonNull(p.getSpec().getIngress()).forEach(r -> peers.addAll(r == null ? List.of() : nonNull(r.getFrom())));
            nonNull(p.getSpec().getEgress()).forEach(r -> peers.addAll(r == null ? List.of() : nonNull(r.getTo())));
            for (NetworkPolicyPeer peer : peers) {
                if (peer != null) {
                    selectors.add(peer.getPodSelector());
                    selectors.add(peer.getNamespaceSelector());
                }
            }
            for (LabelSelector selector : selectors) {
                if (selector == null) {
                    continue;
                }
                if (selector.getMatchLabels() != null) {
                    selector.getMatchLabels()
                            .forEach((k, v) -> named.computeIfAbsent(k, x -> new HashSet<>())
                                    .add(v));
                }
                for (LabelSelectorRequirement r : nonNull(selector.getMatchExpressions())) {
                    if (r != null && r.getKey() != null) {
                        named.computeIfAbsent(r.getKey(), x -> new HashSet<>()).addAll(nonNull(r.getValues()));
                    }
                }
            }
        }
        return named;
    }

    /** A namespace's labels (and name) as these selectors see them: unnamed keys left out, unnamed values as ~. */
    private static Map<String, String> canonical(NamespaceInfo ns, Map<String, Set<String>> named) {
        Map<String, String> labels = new HashMap<>(ns.labels());
        labels.putIfAbsent(NAME_LABEL, ns.name());
        Map<String, String> seen = new TreeMap<>();
        labels.forEach((k, v) -> {
            Set<String> values = named.get(k);
            if (values != null) {
                seen.put(k, values.contains(v) ? v : "~");
            }
        });
        return seen;
    }

    private static final String NAME_LABEL = "kubernetes.io/metadata.name";

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** Pods of the tenant and of the platform, not another tenant's, nor an ingress pod labelled for another tenant. */
    private static boolean kept(Map<String, NamespaceInfo> namespaces, PodInfo pod, String tenant, String label) {
        NamespaceInfo ns = namespaces.get(pod.namespace());
        if (ns == null) {
            return false;
        }
        if (ns.role() == Role.TENANT) {
            return tenant.equals(ns.tenant());
        }
        if (ns.role() == Role.INGRESS) {
            String labelled = pod.labels().get(label);
            return labelled == null || labelled.equals(tenant);
        }
        return true;
    }
}
