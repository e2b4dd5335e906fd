package ai.matih.flowwatch.decode.calico;

import ai.matih.flowwatch.flow.Observed;
import java.util.ArrayList;
import java.util.List;

/** Derives observed, deciding policies and detail from a Calico action and its policy hits. */
final class Verdicts {

    record Verdict(Observed observed, List<String> policies, String detail) {}

    private Verdicts() {}

    /**
     * @param deny     the flow's action is deny
     * @param enforced enforced hits in index order (transit hits when there are no enforced ones)
     * @param pending  pending (staged) hits in index order
     */
    static Verdict of(boolean deny, List<PolicyHit> enforced, List<PolicyHit> pending) {
        List<String> policies = new ArrayList<>(2);
        if (deny) {
            PolicyHit decisive = PolicyHit.last(enforced, "deny");
            for (PolicyHit hit : enforced) {
                if (hit.isDeny() && !policies.contains(hit.name())) {
                    policies.add(hit.name());
                }
            }
            String detail =
                    decisive == null ? "denied" : "denied by " + decisive.name() + " (" + decisive.ruleText() + ")";
            return new Verdict(Observed.DENIED, policies, detail);
        }
        PolicyHit allow = PolicyHit.last(enforced, "allow");
        if (allow != null) {
            policies.add(allow.name());
        }
        PolicyHit lastPending = pending.isEmpty() ? null : pending.get(pending.size() - 1);
        if (lastPending != null && lastPending.isDeny()) {
            return new Verdict(
                    Observed.AUDIT,
                    policies,
                    "staged deny by " + lastPending.name() + " (" + lastPending.ruleText() + ")");
        }
        String detail = allow == null ? "allowed" : "allowed by " + allow.name() + " (" + allow.ruleText() + ")";
        return new Verdict(Observed.ALLOWED, policies, detail);
    }
}
