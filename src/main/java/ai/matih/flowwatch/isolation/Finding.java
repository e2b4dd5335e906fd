package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.policy.Direction;
import java.util.List;
import java.util.Objects;

/**
 * One disagreement between the policies in force and the isolation model, for one tenant.
 *
 * @param kind      how they disagree
 * @param direction INGRESS (the peer initiates) or EGRESS (the tenant initiates), as seen from the tenant; for a
 *                  connection inside a namespace, the direction that decided it
 * @param peer      the other end's class, tenant and namespace
 * @param example   the connection tried
 * @param decidedBy the rules that allow it ({@code ns/name#egress[2]}) or the policies that deny it or leave it
 *                  undecided ({@code ns/name}); empty when no policy is involved
 * @param reason    why, in a sentence
 */
public record Finding(
        FindingKind kind, Direction direction, Peer peer, Example example, List<String> decidedBy, String reason) {

    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(example, "example");
        decidedBy = List.copyOf(decidedBy);
        Objects.requireNonNull(reason, "reason");
    }

    /** What one open (or closed) door is: findings with the same key are one finding. */
    Key key() {
        return new Key(kind, direction, peer, decidedBy);
    }

    record Key(FindingKind kind, Direction direction, Peer peer, List<String> decidedBy) {}
}
