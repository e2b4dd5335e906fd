package ai.matih.flowwatch.security;

import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyView;
import ai.matih.flowwatch.violation.AuditEvidence;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a tenant-scoped {@link Caller} may see (README "Security"). An admin sees everything unchanged. A tenant sees
 * the violations with its tenant at either end, and of those, nothing of another tenant: the other end of a
 * cross-tenant violation is withheld (namespace, workload, pod, IP, tenant), and so is every mention of it in the
 * reason, the deciding policies and the evidence. Of the topology it sees its own namespaces and exceptions, with
 * totals over those only.
 */
public final class TenantScope {

    /** What replaces another tenant's names in texts shown to a tenant. */
    public static final String WITHHELD = "(another tenant)";

    private TenantScope() {
    }

    /** True when the namespace is one of this tenant's (by the tenancy rules and the live topology). */
    public static boolean owns(String tenant, String namespace, Topology topology) {
        if (namespace == null) {
            return false;
        }
        NamespaceInfo ns = topology.describe(namespace, Map.of());
        return ns.role() == Role.TENANT && tenant.equals(ns.tenant());
    }

    /** True when the namespace belongs to a tenant other than this one. */
    public static boolean foreign(String tenant, String namespace, Topology topology) {
        if (namespace == null) {
            return false;
        }
        NamespaceInfo ns = topology.describe(namespace, Map.of());
        return ns.role() == Role.TENANT && ns.tenant() != null && !tenant.equals(ns.tenant());
    }

    /**
     * The filter a caller's query runs with: a tenant's is forced to its own tenant. Asking for another tenant, or
     * for a namespace that is not the tenant's, is refused (403) rather than silently answered with nothing.
     */
    public static ViolationFilter filter(Caller caller, ViolationFilter asked, Topology topology) {
        if (caller.admin()) {
            return asked;
        }
        if (asked.tenant() != null && !asked.tenant().equals(caller.tenant())) {
            throw caller.outsideScope("tenant", "tenant '" + asked.tenant() + "' is not yours");
        }
        if (asked.namespace() != null && !owns(caller.tenant(), asked.namespace(), topology)) {
            throw caller.outsideScope("namespace", "namespace '" + asked.namespace() + "' is not one of your tenant's");
        }
        return new ViolationFilter(caller.tenant(), asked.type(), asked.severity(), asked.namespace(), asked.since(),
                asked.until());
    }

    /** True when the caller may see this violation at all (its tenant at either end). */
    public static boolean visible(Caller caller, Violation v) {
        return caller.admin() || new ViolationFilter(caller.tenant(), null, null, null, null, null).matches(v);
    }

    /** The violation as this caller may see it: unchanged for admins, the other tenant withheld for tenants. */
    public static Violation redact(Caller caller, Violation v) {
        if (caller.admin()) {
            return v;
        }
        String own = caller.tenant();
        List<String> secrets = new ArrayList<>();
        List<String> foreignNamespaces = new ArrayList<>();
        EndpointView source = end(own, v.source(), secrets, foreignNamespaces);
        EndpointView destination = end(own, v.destination(), secrets, foreignNamespaces);
        String tenant = foreignTenant(own, v.tenant(), secrets);
        String peerTenant = foreignTenant(own, v.peerTenant(), secrets);
        if (secrets.isEmpty()) {
            return v;
        }
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        List<String> decidedBy = keep(v.decidedBy(), foreignNamespaces, secrets);
        Violation.Evidence e = v.evidence();
        Violation.Evidence evidence = e == null ? null : new Violation.Evidence(scrub(e.verdictDetail(), secrets),
                keep(e.cniPolicies(), foreignNamespaces, secrets), e.reporters(), scrub(e.policyReason(), secrets),
                audit(e.audit(), secrets));
        return new Violation(v.id(), v.type(), v.severity(), v.category(), tenant, peerTenant, source, destination,
                v.protocol(), v.port(), v.observed(), v.policy(), v.intent(), v.cause(), scrub(v.reason(), secrets),
                decidedBy, v.sourceFormat(), v.node(), v.firstSeen(), v.lastSeen(), v.count(), v.observations(),
                evidence);
    }

    /** The topology as this caller may see it: a tenant gets its own namespaces and exceptions, and totals of those. */
    public static TopologyView topology(Caller caller, TopologyView all) {
        if (caller.admin()) {
            return all;
        }
        List<TopologyView.NamespaceView> namespaces = all.namespaces().stream()
                .filter(ns -> Role.TENANT.tag().equals(ns.role()) && caller.tenant().equals(ns.tenant())).toList();
        List<TopologyView.TenantView> tenants = all.tenants().stream()
                .filter(t -> caller.tenant().equals(t.tenant())).toList();
        int policies = namespaces.stream().mapToInt(TopologyView.NamespaceView::policies).sum();
        int pods = namespaces.stream().mapToInt(TopologyView.NamespaceView::pods).sum();
        return new TopologyView(all.loadedAt(), null, tenants, namespaces, policies, pods);
    }

    private static EndpointView end(String own, EndpointView e, List<String> secrets, List<String> foreignNamespaces) {
        if (e == null || e.tenant() == null || own.equals(e.tenant())) {
            return e;
        }
        add(secrets, e.tenant());
        add(secrets, e.pod());
        add(secrets, e.workload());
        add(secrets, e.ip());
        add(secrets, e.name());
        if (e.namespace() != null && "tenant".equals(e.role())) {
            add(secrets, e.namespace());
            foreignNamespaces.add(e.namespace() + "/");
        }
        String namespace = "tenant".equals(e.role()) ? null : e.namespace();
        return new EndpointView(namespace, null, null, null, null, e.role(), e.external(), WITHHELD);
    }

    private static String foreignTenant(String own, String tenant, List<String> secrets) {
        if (tenant == null || own.equals(tenant)) {
            return tenant;
        }
        add(secrets, tenant);
        return null;
    }

    private static void add(List<String> secrets, String value) {
        if (value != null && !value.isEmpty() && !secrets.contains(value)) {
            secrets.add(value);
        }
    }

    private static List<String> keep(List<String> names, List<String> foreignNamespaces, List<String> secrets) {
        return names.stream().filter(n -> foreignNamespaces.stream().noneMatch(n::contains))
                .map(n -> scrub(n, secrets)).toList();
    }

    private static AuditEvidence audit(AuditEvidence a, List<String> secrets) {
        if (a == null) {
            return null;
        }
        return new AuditEvidence(a.auditId(), scrub(a.actor(), secrets), a.verb(), scrub(a.object(), secrets),
                a.code(), null, a.at());
    }

    static String scrub(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, WITHHELD);
        }
        return Objects.equals(out, text) ? text : out;
    }
}
