package ai.matih.flowwatch.policy;

import java.util.List;

/**
 * The policy axis for one connection.
 *
 * @param verdict   allow, deny or indeterminate
 * @param decidedBy the policies (and rules) that decided, or a note that no policy selected the pod
 * @param reason    why, in a sentence
 */
public record PolicyDecision(PolicyVerdict verdict, List<String> decidedBy, String reason) {

    public PolicyDecision {
        decidedBy = decidedBy == null ? List.of() : List.copyOf(decidedBy);
    }
}
