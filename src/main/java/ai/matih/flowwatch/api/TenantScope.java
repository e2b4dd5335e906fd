package ai.matih.flowwatch.api;

import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyView;
import ai.matih.flowwatch.violation.AuditEvidence;
import ai.matih.flowwatch.violation.EndLabels;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationFilter;
import ai.matih.flowwatch.violation.ViolationScope;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a tenant-scoped {@link Caller} may see (docs/security.md). An admin sees everything unchanged. A tenant sees
 * the violations with its tenant at either end, and of those, nothing of another tenant. Its view of a violation is
 * built from the violation's structured fields, never by editing texts: an end of another tenant shows only its role
 * and that it is another tenant's; an end outside the tenancy model (a namespace without a platform role, an unknown
 * endpoint) shows only its namespace or address; the deciding policies and the evidence list only policies in the
 * tenant's own namespaces; when anything was withheld, the reason is written anew from what is shown, and the node
 * and the record's free texts are left out. Of the topology it sees its own namespaces and exceptions, with totals
 * over those only.
 */
public final class TenantScope {

    /** How an end of another tenant is named to a tenant. */
    public static final String WITHHELD = "(another tenant)";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Set<String> PLATFORM =
            Set.of("control-plane", "shared-infra", "ingress", "external", "cluster");

    private TenantScope() {}

    /**
     * The filter a caller's query runs with: scoped to the caller before any of its criteria. An admin's compares the
     * violations as stored; a tenant's takes only the violations naming its tenant and compares each as the tenant is
     * shown it ({@link #tenantView}), so a criterion on another tenant, its namespaces, pods, addresses or policies
     * matches nothing, exactly as if there were nothing to match; labels are known only of the tenant's own ends.
     */
    public static ViolationFilter filter(Caller caller, ViolationFilter asked, Topology topology) {
        EndLabels labels = EndLabels.of(topology);
        if (caller.admin()) {
            return asked.scoped(ViolationScope.everything(labels));
        }
        String own = caller.tenant();
        return asked.scoped(new ViolationScope(own, v -> tenantView(own, v), labels.onlyOf(own)));
    }

    /** True when the caller may see this violation at all (its tenant at either end). */
    public static boolean visible(Caller caller, Violation v) {
        return caller.admin() || ViolationScope.names(v, caller.tenant());
    }

    /** The violation as this caller may see it: unchanged for admins, the tenant view otherwise. */
    public static Violation redact(Caller caller, Violation v) {
        return caller.admin() ? v : tenantView(caller.tenant(), v);
    }

    /** The violation as tenant {@code own} may see it (see the class comment). */
    static Violation tenantView(String own, Violation v) {
        EndpointView source = end(own, v.source());
        EndpointView destination = end(own, v.destination());
        boolean withheld = !Objects.equals(source, v.source()) || !Objects.equals(destination, v.destination());
        Set<String> mine = new HashSet<>();
        Set<String> theirs = new HashSet<>();
        for (EndpointView e : new EndpointView[] {v.source(), v.destination()}) {
            if (e != null && e.namespace() != null) {
                (mine(own, e) && "tenant".equals(e.role()) ? mine : theirs).add(e.namespace());
            }
        }
        List<String> decidedBy =
                v.decidedBy().stream().filter(p -> inOneOf(p, mine)).toList();
        Violation.Evidence e = v.evidence();
        Violation.Evidence evidence = e == null
                ? null
                : new Violation.Evidence(
                        withheld && !token(e.verdictDetail()) ? null : e.verdictDetail(),
                        e.cniPolicies().stream()
                                .filter(p -> mentions(p, mine) && !mentions(p, theirs))
                                .toList(),
                        withheld
                                ? e.reporters().stream()
                                        .filter(TenantScope::token)
                                        .toList()
                                : e.reporters(),
                        withheld ? null : e.policyReason(),
                        audit(own, e.audit(), v, mine));
        String tenant = own.equals(v.tenant()) ? v.tenant() : null;
        String peerTenant = own.equals(v.peerTenant()) ? v.peerTenant() : null;
        String reason = withheld ? reason(own, v, source, destination) : v.reason();
        return v.toBuilder()
                .tenant(tenant)
                .peerTenant(peerTenant)
                .source(source)
                .destination(destination)
                .reason(reason)
                .decidedBy(decidedBy)
                .node(withheld ? null : v.node())
                .evidence(evidence)
                .build();
    }

    /** The topology as this caller may see it: a tenant gets its own namespaces and exceptions, and totals of those. */
    public static TopologyView topology(Caller caller, TopologyView all) {
        if (caller.admin()) {
            return all;
        }
        List<TopologyView.NamespaceView> namespaces = all.namespaces().stream()
                .filter(ns ->
                        Role.TENANT.tag().equals(ns.role()) && caller.tenant().equals(ns.tenant()))
                .toList();
        List<TopologyView.TenantView> tenants = all.tenants().stream()
                .filter(t -> caller.tenant().equals(t.tenant()))
                .toList();
        int policies = namespaces.stream()
                .mapToInt(TopologyView.NamespaceView::policies)
                .sum();
        int pods =
                namespaces.stream().mapToInt(TopologyView.NamespaceView::pods).sum();
        return new TopologyView(all.loadedAt(), null, tenants, namespaces, policies, pods);
    }

    /** One end (of a violation, of an isolation finding's example) as tenant {@code own} may see it. */
    public static EndpointView endpoint(String own, EndpointView e) {
        return end(own, e);
    }

    /** One end as this caller may see it: unchanged for admins, another tenant's end withheld for a tenant. */
    public static EndpointView endpoint(Caller caller, EndpointView e) {
        return caller.admin() ? e : end(caller.tenant(), e);
    }

    /** True when this end is the tenant's own (its namespace, or its own ingress pod). */
    private static boolean mine(String own, EndpointView e) {
        return own.equals(e.tenant());
    }

    /** One end as the tenant may see it. */
    private static EndpointView end(String own, EndpointView e) {
        if (e == null || mine(own, e)) {
            return e;
        }
        if (e.tenant() != null || "tenant".equals(e.role())) {
            return new EndpointView(null, null, null, null, null, e.role(), false, WITHHELD);
        }
        if (e.role() != null && PLATFORM.contains(e.role())) {
            return e;
        }
        // outside the tenancy model: where it is, not what it is
        return new EndpointView(e.namespace(), null, null, e.ip(), null, e.role(), e.external(), null);
    }

    /** The audit event as the tenant may see it: the actor only when it is the tenant's, the object only in its namespaces. */
    private static AuditEvidence audit(String own, AuditEvidence a, Violation v, Set<String> mine) {
        if (a == null) {
            return null;
        }
        boolean ownActor = v.source() != null
                && mine(own, v.source())
                && a.actor() != null
                && a.actor().equals(v.source().name());
        String object = a.object() == null ? null : objectNamespace(a.object());
        return new AuditEvidence(
                a.auditId(),
                ownActor ? a.actor() : WITHHELD,
                a.verb(),
                object != null && mine.contains(object) ? a.object() : null,
                a.code(),
                null,
                a.at());
    }

    /** The namespace of {@code resource/namespace/name[/subresource]}, or null. */
    private static String objectNamespace(String object) {
        String[] parts = object.split("/", 4);
        return parts.length >= 3 ? parts[1] : null;
    }

    /** True when a policy reference ({@code namespace/name}, optionally with {@code #rule}) lies in one of these. */
    private static boolean inOneOf(String policy, Set<String> namespaces) {
        int slash = policy.indexOf('/');
        return slash > 0 && namespaces.contains(policy.substring(0, slash));
    }

    /** True when a CNI's policy text names one of these namespaces. */
    private static boolean mentions(String text, Set<String> namespaces) {
        for (String ns : namespaces) {
            if (text.contains(ns + "/") || text.contains(ns + "|") || text.contains(ns + ".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean token(String text) {
        return text == null || TOKEN.matcher(text).matches();
    }

    /** The reason, written from what the tenant is shown. */
    private static String reason(String own, Violation v, EndpointView source, EndpointView destination) {
        String what;
        if (v.category() != null) {
            what = switch (v.category()) {
                case CROSS_TENANT -> "cross-tenant traffic is forbidden";
                case TENANT_TO_CONTROL_PLANE -> "tenants may not reach the control plane";
                case EXTERNAL_EGRESS -> "traffic to outside the cluster is not permitted";
                case EXTERNAL_INGRESS -> "traffic from outside the cluster is not permitted";
                default -> "not permitted by the tenancy model";
            };
        } else {
            what = v.type().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
        return describe(own, source) + " → " + describe(own, destination) + ": " + what;
    }

    private static String describe(String own, EndpointView e) {
        if (e == null) {
            return "an unknown endpoint";
        }
        if (WITHHELD.equals(e.name()) && e.tenant() == null) {
            return WITHHELD;
        }
        if (mine(own, e)) {
            return e.workload() != null ? own + " " + e.workload() : own;
        }
        if (e.external()) {
            return e.ip() == null ? "outside the cluster" : "outside the cluster " + e.ip();
        }
        String where = e.namespace() != null ? e.namespace() : e.ip() != null ? e.ip() : e.name();
        String role = e.role() == null ? "endpoint" : e.role();
        return where == null ? role : role + " " + where;
    }
}
