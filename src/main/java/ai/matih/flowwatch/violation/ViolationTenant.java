package ai.matih.flowwatch.violation;

import java.util.List;

/**
 * One tenant a violation involves, and its side. A violation involves its {@code tenant} and, when there is one, its
 * {@code peerTenant} at the other side: in a breach from acme-corp to globex, acme-corp at the source and globex at
 * the destination, so that each is counted and alerted as a tenant of its own.
 *
 * @param tenant the tenant, or null for a violation that involves none
 * @param side   where it stands
 */
public record ViolationTenant(String tenant, ViolationSide side) {

    /**
     * The tenants a violation involves, its {@code tenant} first. Its tenant stands at the end that carries it; when
     * both ends do (a tenant's own traffic, its own ingress pod reaching it), at the source if the source is a tenant
     * namespace, else at the destination. Its peer tenant stands at the other side. A violation without tenant gives
     * one entry with a null tenant at the source.
     */
    public static List<ViolationTenant> of(Violation v) {
        ViolationSide side = side(v);
        ViolationTenant first = new ViolationTenant(v.tenant(), side);
        String peer = peer(v);
        return peer == null ? List.of(first) : List.of(first, new ViolationTenant(peer, side.opposite()));
    }

    /** The side of the violation's {@code tenant} (see {@link #of}); its peer tenant, if any, is at the other. */
    public static ViolationSide side(Violation v) {
        String tenant = v.tenant();
        if (tenant == null) {
            return ViolationSide.SOURCE;
        }
        EndpointView s = v.source();
        EndpointView d = v.destination();
        boolean atSource = s != null && tenant.equals(s.tenant());
        boolean atDestination = d != null && tenant.equals(d.tenant());
        if (atSource && (!atDestination || "tenant".equals(s.role()))) {
            return ViolationSide.SOURCE;
        }
        return atDestination ? ViolationSide.DESTINATION : ViolationSide.SOURCE;
    }

    /** The second tenant the violation involves: its peer tenant when it has a tenant and they differ, else null. */
    public static String peer(Violation v) {
        String peer = v.peerTenant();
        return v.tenant() == null || peer == null || peer.isBlank() || peer.equals(v.tenant()) ? null : peer;
    }
}
