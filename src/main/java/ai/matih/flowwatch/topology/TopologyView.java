package ai.matih.flowwatch.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON body of {@code GET /api/v1/topology}: tenants with their namespaces, policy counts and egress exceptions,
 * and every namespace with its role. Namespaces that only pods or policies refer to are listed with
 * {@code known=false}.
 *
 * @param loadedAt   when the snapshot was built
 * @param origin     where it came from
 * @param tenants    tenants, by id
 * @param namespaces namespaces, by name
 * @param policies   NetworkPolicies in total
 * @param pods       pods in total
 */
public record TopologyView(
        Instant loadedAt,
        String origin,
        List<TenantView> tenants,
        List<NamespaceView> namespaces,
        int policies,
        int pods) {

    public TopologyView {
        tenants = List.copyOf(tenants);
        namespaces = List.copyOf(namespaces);
    }

    /**
     * A tenant.
     *
     * @param tenant           tenant id
     * @param namespaces       its namespaces, by name
     * @param policies         NetworkPolicies in its namespaces
     * @param egressExceptions its egress exceptions, expired ones included
     */
    public record TenantView(
            String tenant, List<String> namespaces, int policies, List<EgressExceptionView> egressExceptions) {

        public TenantView {
            namespaces = List.copyOf(namespaces);
            egressExceptions = List.copyOf(egressExceptions);
        }
    }

    /**
     * A namespace.
     *
     * @param name     namespace name
     * @param role     {@link Role#tag()}
     * @param tenant   tenant id, or null
     * @param labels   labels, sorted by key
     * @param known    false when only pods or policies refer to it
     * @param policies NetworkPolicies in it
     * @param pods     pods in it
     */
    public record NamespaceView(
            String name,
            String role,
            String tenant,
            Map<String, String> labels,
            boolean known,
            int policies,
            int pods) {

        public NamespaceView {
            labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        }
    }

    /**
     * An egress exception.
     *
     * @param name    metadata.name
     * @param cidrs   destination networks
     * @param ports   "443", "8000-8100", "53/UDP"; empty means any port
     * @param fqdns   destination names
     * @param owner   who asked for it
     * @param expires when it stops permitting anything, or null
     * @param expired true when it no longer permits anything
     * @param reason  why it exists
     */
    public record EgressExceptionView(
            String name,
            List<String> cidrs,
            List<String> ports,
            List<String> fqdns,
            String owner,
            Instant expires,
            boolean expired,
            String reason) {

        public EgressExceptionView {
            cidrs = List.copyOf(cidrs);
            ports = List.copyOf(ports);
            fqdns = List.copyOf(fqdns);
        }

        static EgressExceptionView of(EgressException e, Instant now) {
            return new EgressExceptionView(
                    e.name(),
                    e.cidrs().stream().map(Object::toString).toList(),
                    e.ports().stream().map(EgressExceptionView::port).toList(),
                    e.fqdns(),
                    e.owner(),
                    e.expires(),
                    e.expires() != null && !now.isBefore(e.expires()),
                    e.reason());
        }

        static String port(EgressException.PortRange range) {
            String ports =
                    range.from() == range.to() ? Integer.toString(range.from()) : range.from() + "-" + range.to();
            return range.protocol() == null ? ports : ports + "/" + range.protocol();
        }
    }

    /** The view of a snapshot; {@code now} decides which exceptions are expired. */
    public static TopologyView of(Topology topology, Instant now) {
        Map<String, Integer> policiesByNs = new TreeMap<>();
        topology.networkPolicies()
                .forEach(p -> policiesByNs.merge(TopologyBuilder.namespaceOf(p.getMetadata()), 1, Integer::sum));
        Map<String, Integer> podsByNs = new TreeMap<>();
        topology.podsByName().values().forEach(p -> podsByNs.merge(p.namespace(), 1, Integer::sum));

        Set<String> names = new TreeSet<>(topology.namespaces().keySet());
        names.addAll(policiesByNs.keySet());
        names.addAll(podsByNs.keySet());

        List<NamespaceView> namespaces = new ArrayList<>();
        Map<String, List<String>> tenantNamespaces = new TreeMap<>();
        for (String name : names) {
            NamespaceInfo ns = topology.describe(name, Map.of());
            namespaces.add(new NamespaceView(
                    name,
                    ns.role().tag(),
                    ns.tenant(),
                    ns.labels(),
                    ns.known(),
                    policiesByNs.getOrDefault(name, 0),
                    podsByNs.getOrDefault(name, 0)));
            if (ns.role() == Role.TENANT && ns.tenant() != null) {
                tenantNamespaces
                        .computeIfAbsent(ns.tenant(), t -> new ArrayList<>())
                        .add(name);
            }
        }
        topology.egressExceptions().forEach(e -> tenantNamespaces.computeIfAbsent(e.tenant(), t -> new ArrayList<>()));

        List<TenantView> tenants = new ArrayList<>();
        tenantNamespaces.forEach((tenant, nss) -> tenants.add(new TenantView(
                tenant,
                nss,
                nss.stream().mapToInt(ns -> policiesByNs.getOrDefault(ns, 0)).sum(),
                topology.egressExceptions().stream()
                        .filter(e -> e.tenant().equals(tenant))
                        .map(e -> EgressExceptionView.of(e, now))
                        .toList())));
        return new TopologyView(
                topology.loadedAt(),
                topology.origin(),
                tenants,
                namespaces,
                topology.networkPolicies().size(),
                topology.podsByName().size());
    }
}
