package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.violation.EndpointView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A tenant's entry as that tenant may see it, by the rules violations follow (docs/security.md): an end of another
 * tenant (its namespace, its ingress pod) shows only its role and {@value #WITHHELD}; an end outside the tenancy
 * model shows only its namespace or address; a peer of another tenant shows only its class; the deciding policies
 * are only those in the tenant's own namespaces; when anything was withheld the reason is written anew from what is
 * shown. Findings that become alike once withheld are shown once, so their number says nothing of other tenants.
 */
public final class TenantView {

    /** How an end of another tenant is named to a tenant. */
    public static final String WITHHELD = "(another tenant)";

    private static final Set<String> PLATFORM =
            Set.of("control-plane", "shared-infra", "ingress", "external", "cluster");

    private TenantView() {}

    /** The entry of tenant {@code own} as {@code own} may see it. */
    public static TenantIsolation of(String own, TenantIsolation entry) {
        Objects.requireNonNull(own, "own");
        if (!own.equals(entry.tenant())) {
            throw new IllegalArgumentException("a tenant sees only its own entry");
        }
        Map<Finding.Key, Finding> shown = new LinkedHashMap<>();
        for (Finding f : entry.findings()) {
            Finding v = finding(own, entry.namespaces(), f);
            shown.putIfAbsent(v.key(), v);
        }
        List<Finding> findings = new ArrayList<>(shown.values());
        return new TenantIsolation(entry.tenant(), entry.namespaces(), entry.status(), findings, entry.omitted());
    }

    private static Finding finding(String own, List<String> namespaces, Finding f) {
        Peer peer = f.peer();
        Peer shownPeer =
                peer.tenant() != null && !own.equals(peer.tenant()) ? new Peer(peer.peerClass(), null, null) : peer;
        EndpointView source = end(own, f.example().source());
        EndpointView destination = end(own, f.example().destination());
        List<String> decidedBy =
                f.decidedBy().stream().filter(p -> inOneOf(p, namespaces)).toList();
        boolean withheld = !shownPeer.equals(peer)
                || !source.equals(f.example().source())
                || !destination.equals(f.example().destination())
                || decidedBy.size() != f.decidedBy().size();
        if (!withheld) {
            return f;
        }
        Example example =
                new Example(source, destination, f.example().port(), f.example().protocol());
        return new Finding(f.kind(), f.direction(), shownPeer, example, decidedBy, reason(own, f.kind(), example));
    }

    /** One end as the tenant may see it. */
    private static EndpointView end(String own, EndpointView e) {
        if (own.equals(e.tenant())) {
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

    private static boolean inOneOf(String policy, List<String> namespaces) {
        int slash = policy.indexOf('/');
        return slash > 0 && namespaces.contains(policy.substring(0, slash));
    }

    private static String reason(String own, FindingKind kind, Example example) {
        String what = switch (kind) {
            case PERMITS_FORBIDDEN -> "the NetworkPolicies allow a connection the isolation model forbids";
            case DENIES_PERMITTED -> "the NetworkPolicies deny a connection the isolation model permits";
            case INDETERMINATE -> "whether the NetworkPolicies allow this connection is undecided";
        };
        return describe(own, example.source()) + " → " + describe(own, example.destination()) + " on " + example.port()
                + "/" + example.protocol() + ": " + what;
    }

    private static String describe(String own, EndpointView e) {
        if (WITHHELD.equals(e.name()) && e.tenant() == null) {
            return WITHHELD;
        }
        if (own.equals(e.tenant())) {
            return e.pod() != null ? own + " " + e.pod() : own;
        }
        if (e.external()) {
            return e.ip() == null ? "outside the cluster" : "outside the cluster " + e.ip();
        }
        String where = e.namespace() != null ? e.namespace() : e.ip() != null ? e.ip() : e.name();
        String role = e.role() == null ? "endpoint" : e.role();
        return where == null ? role : role + " " + where;
    }
}
