package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.policy.Direction;
import ai.matih.flowwatch.violation.EndpointView;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One tenant's isolation.
 *
 * @param tenant     the tenant id
 * @param namespaces its namespaces
 * @param status     from the findings ({@link IsolationStatus#of})
 * @param findings   the findings, open doors first
 * @param omitted    findings left out of {@code findings} to bound the answer (0, and absent in JSON, when none)
 */
public record TenantIsolation(
        String tenant,
        List<String> namespaces,
        IsolationStatus status,
        List<Finding> findings,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int omitted) {

    public TenantIsolation {
        Objects.requireNonNull(tenant, "tenant");
        namespaces = List.copyOf(namespaces);
        Objects.requireNonNull(status, "status");
        findings = List.copyOf(findings);
    }

    /** At most {@code max} findings (the first ones), the rest counted in {@link #omitted()}. */
    public TenantIsolation bounded(int max) {
        if (findings.size() <= max) {
            return this;
        }
        return new TenantIsolation(
                tenant, namespaces, status, findings.subList(0, max), omitted + findings.size() - max);
    }

    /**
     * This entry (computed by the tenant's own half, see {@link IsolationAudit#tenantView}) as the tenant {@code own}
     * is shown it: each end through {@code end} (the redaction violations get for a tenant), a peer of another tenant
     * without its tenant and namespace, the deciding rules of its own namespaces only, the reason written anew from what
     * is shown, and findings that then look alike merged into one (so their number says nothing of other tenants).
     */
    public TenantIsolation viewedBy(String own, UnaryOperator<EndpointView> end) {
        Map<List<Object>, Finding> merged = new LinkedHashMap<>();
        for (Finding f : findings) {
            Peer peer = f.peer();
            if (peer.tenant() != null && !own.equals(peer.tenant())) {
                peer = new Peer(peer.peerClass(), null, peer.peerClass() == PeerClass.TENANT ? null : peer.namespace());
            }
            List<String> decidedBy = f.decidedBy().stream()
                    .filter(d -> namespaces.contains(d.substring(0, Math.max(0, d.indexOf('/')))))
                    .toList();
            Example example = new Example(
                    end.apply(f.example().source()),
                    end.apply(f.example().destination()),
                    f.example().port(),
                    f.example().protocol());
            Finding shown = new Finding(
                    f.kind(), f.direction(), peer, example, decidedBy, ownReason(own, f.kind(), f.direction(), peer));
            merged.putIfAbsent(List.of(f.kind(), f.direction(), peer, decidedBy), shown);
        }
        List<Finding> list = List.copyOf(merged.values());
        return new TenantIsolation(tenant, namespaces, IsolationStatus.of(list), list, 0);
    }

    private static String ownReason(String own, FindingKind kind, Direction direction, Peer peer) {
        String policies = "the tenant's own " + (direction == Direction.EGRESS ? "egress" : "ingress") + " policies";
        String with = "a connection " + (direction == Direction.EGRESS ? "to " : "from ") + describe(own, peer);
        return switch (kind) {
            case PERMITS_FORBIDDEN -> "the isolation model forbids " + with + ", but " + policies + " allow it";
            case DENIES_PERMITTED -> "the isolation model permits " + with + ", but " + policies + " deny it";
            case INDETERMINATE ->
                "whether " + policies + " allow " + with + " is undecided: it depends on the CNI or on missing data";
        };
    }

    private static String describe(String own, Peer peer) {
        return switch (peer.peerClass()) {
            case SAME_NAMESPACE -> "a pod of the same namespace";
            case TENANT -> own.equals(peer.tenant()) ? "another namespace of the tenant" : "another tenant";
            case CONTROL_PLANE -> "the control plane";
            case INGRESS ->
                own.equals(peer.tenant())
                        ? "an ingress pod labelled for the tenant"
                        : "an ingress pod labelled for another tenant";
            case SHARED_INFRA -> "shared infrastructure";
            case DNS -> "the cluster DNS";
            case EXTERNAL -> "outside the cluster";
            case OTHER -> "a namespace without a platform role";
        };
    }
}
