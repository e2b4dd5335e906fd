package ai.matih.flowwatch.decode.calico;

import java.util.Comparator;
import java.util.List;

/**
 * One policy a Calico flow traversed, from Enterprise {@code idx|tier|name|action|rule} strings or Goldmane
 * {@code PolicyHit} objects.
 *
 * @param index  order among the policies traversed
 * @param name   readable policy name ({@code ns/tier.name}, {@code Kind:ns/name})
 * @param action lower-case action: allow, deny, pass, or what the record says
 * @param rule   rule index; -1 for the tier's end-of-tier action, -2 unknown
 */
record PolicyHit(long index, String name, String action, long rule) {

    static final Comparator<PolicyHit> BY_INDEX = Comparator.comparingLong(PolicyHit::index);

    boolean isDeny() {
        return "deny".equals(action);
    }

    boolean isAllow() {
        return "allow".equals(action);
    }

    /** "rule 2", "rule -1: end of tier". */
    String ruleText() {
        if (rule == -1) {
            return "rule -1: end of tier";
        }
        if (rule == -2) {
            return "rule unknown";
        }
        return "rule " + rule;
    }

    /** The last hit of {@code hits} (in index order) with the given action, or null. */
    static PolicyHit last(List<PolicyHit> hits, String action) {
        for (int i = hits.size() - 1; i >= 0; i--) {
            if (action.equals(hits.get(i).action())) {
                return hits.get(i);
            }
        }
        return null;
    }
}
