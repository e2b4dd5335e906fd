package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.violation.EndpointView;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A recently observed connection whose NetworkPolicy verdict a change would change.
 *
 * @param tenant      the tenant at one end whose memory holds it
 * @param source      the initiating end
 * @param destination the responding end
 * @param port        destination port, or -1
 * @param protocol    L4 protocol
 * @param observed    what the CNI did the last time it was seen
 * @param lastSeen    when it was last seen
 * @param intent      PERMITTED or FORBIDDEN by the isolation model (after the change), or null when not judged
 * @param before      the verdict of the policies in force
 * @param after       the verdict with the change applied
 */
public record VerdictChange(
        String tenant,
        EndpointView source,
        EndpointView destination,
        int port,
        Protocol protocol,
        Observed observed,
        Instant lastSeen,
        String intent,
        Verdict before,
        Verdict after) {

    /**
     * One side of the change.
     *
     * @param verdict   ALLOW, DENY or INDETERMINATE
     * @param decidedBy the allowing rules, or the policies that deny it or leave it undecided
     */
    public record Verdict(PolicyVerdict verdict, List<String> decidedBy) {
        public Verdict {
            Objects.requireNonNull(verdict, "verdict");
            decidedBy = List.copyOf(decidedBy);
        }
    }
}
