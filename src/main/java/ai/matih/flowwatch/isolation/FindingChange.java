package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.policy.Direction;
import java.util.List;
import java.util.Objects;

/**
 * A finding a change would open or close, for one tenant.
 *
 * @param tenant    the tenant whose finding it is
 * @param kind      how the policies and the model disagree
 * @param direction as seen from the tenant
 * @param peer      the other end's class, tenant and namespace
 * @param example   the connection tried
 * @param decidedBy the rules that allow it or the policies that deny it
 * @param reason    why, in a sentence
 */
public record FindingChange(
        String tenant,
        FindingKind kind,
        Direction direction,
        Peer peer,
        Example example,
        List<String> decidedBy,
        String reason) {

    public FindingChange {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
        decidedBy = List.copyOf(decidedBy);
    }

    static FindingChange of(String tenant, Finding f) {
        return new FindingChange(tenant, f.kind(), f.direction(), f.peer(), f.example(), f.decidedBy(), f.reason());
    }
}
