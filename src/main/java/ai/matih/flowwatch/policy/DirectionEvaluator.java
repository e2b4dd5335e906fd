package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.flow.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Evaluates one direction for a policy-managed pod (R1.2-R1.4, R2.2-R2.4, R3.1-R3.5):
 * {@code allowed = (no policy selects the pod) OR (some selecting policy has a matching rule)}, in Kleene logic so
 * unknown facts only matter when they could change the answer.
 */
final class DirectionEvaluator {

    private final PolicyIndex index;

    DirectionEvaluator(PolicyIndex index) {
        this.index = index;
    }

    /**
     * @param direction INGRESS (subject is the destination, other the source) or EGRESS (subject the source)
     */
    DirectionResult evaluate(Direction direction, ResolvedEnd subject, ResolvedEnd other, Evaluation ev) {
        String who = subject.describe();
        List<PolicyIndex.Selection> selections = new ArrayList<>();
        for (PolicyIndex.Selection s : index.selecting(subject.namespace(), subject.labels())) {
            if (s.policy().types().contains(direction)) {
                selections.add(s);
            }
        }
        if (selections.isEmpty()) {
            return new DirectionResult(
                    direction,
                    who,
                    true,
                    Truth.FALSE,
                    PolicyVerdict.ALLOW,
                    List.of(),
                    List.of(),
                    List.of("no policy selects " + who + " for " + direction.field() + " (R1.3: not isolated)"),
                    List.of());
        }
        Ternary notSelected = Ternary.TRUE;
        Ternary allowed = Ternary.FALSE;
        List<String> selectedBy = new ArrayList<>();
        List<RuleRef> allowedBy = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (PolicyIndex.Selection selection : selections) {
            CompiledPolicy policy = selection.policy();
            Ternary selects = selection.selects();
            if (selects.isUnknown() && selects.unknownBecause().contains(ResolvedEnd.POD_LABELS_UNKNOWN)) {
                selects = Ternary.unknown("the labels of " + who + " are unknown, so whether " + policy.id()
                        + " (podSelector " + policy.podSelector() + ") selects it is unknown");
            }
            Ternary allows;
            if (!policy.valid()) {
                Ternary invalid = Ternary.unknown("policy " + policy.id() + " is invalid (see the engine's problems):"
                        + " the API server rejects it, so whether it is in force is unknown");
                selects = selects.and(invalid);
                allows = invalid;
            } else {
                allows = rules(policy, direction, other, ev, selects.isTrue() ? allowedBy : null, details);
            }
            selectedBy.add(policy.id());
            notSelected = notSelected.and(selects.not());
            allowed = allowed.or(selects.and(allows));
        }
        Ternary isolated = notSelected.not();
        Ternary result = notSelected.or(allowed);
        if (!ev.protocol().policyNameable() && !isolated.isFalse()) {
            result = otherProtocol(result, ev, details);
        }
        return result(direction, who, other, ev, isolated, result, selectedBy, allowedBy, details);
    }

    private static Ternary rules(
            CompiledPolicy policy,
            Direction direction,
            ResolvedEnd other,
            Evaluation ev,
            List<RuleRef> allowedBy,
            List<String> details) {
        List<CompiledRule> rules = policy.rules(direction);
        if (rules.isEmpty()) {
            details.add(policy.id() + " has no " + direction.field() + " rules: it only isolates (R2.3)");
            return Ternary.FALSE;
        }
        Ternary allows = Ternary.FALSE;
        for (CompiledRule rule : rules) {
            CompiledRule.Outcome outcome = rule.evaluate(other, policy.namespace(), ev);
            allows = allows.or(outcome.result());
            if (outcome.result().isTrue()) {
                if (allowedBy != null) {
                    allowedBy.add(rule.ref());
                }
            } else {
                details.add(rule.ref() + " (" + rule.describe() + "): " + mismatch(outcome, ev, other));
            }
        }
        return allows;
    }

    /**
     * R5.8: rules name only TCP, UDP and SCTP, so ICMP or another protocol is allowed for an isolated pod only by a
     * rule without {@code ports}, when the CNI applies isolation to it (Calico, Cilium); a CNI that does not lets it
     * through. An unknown protocol may be either kind. The run records that it relied on this.
     */
    private static Ternary otherProtocol(Ternary result, Evaluation ev, List<String> details) {
        if (result.isTrue()) {
            return result;
        }
        ev.usedOtherProtocol = true;
        Protocol p = ev.protocol();
        if (ev.variant.otherProtocolsIsolated()) {
            if (p.known()) {
                details.add("R5.8: NetworkPolicy rules name only TCP, UDP and SCTP, so " + p
                        + " is allowed only by a rule without ports");
            }
            return result;
        }
        if (p.known()) {
            details.add("R5.8: this CNI does not apply NetworkPolicy isolation to " + p);
            return Ternary.TRUE;
        }
        return result.or(Ternary.unknown("R5.8: the protocol is unknown; if it is not TCP, UDP or SCTP, a CNI that"
                + " does not isolate such protocols lets it through"));
    }

    private static String mismatch(CompiledRule.Outcome outcome, Evaluation ev, ResolvedEnd other) {
        if (outcome.ports().isFalse()) {
            return "ports do not match " + ev.describeTraffic();
        }
        if (outcome.peers().isFalse()) {
            return "no peer matches " + other.describe();
        }
        return "undecided";
    }

    private static DirectionResult result(
            Direction direction,
            String who,
            ResolvedEnd other,
            Evaluation ev,
            Ternary isolated,
            Ternary result,
            List<String> selectedBy,
            List<RuleRef> allowedBy,
            List<String> details) {
        List<String> reasons = new ArrayList<>();
        String peer =
                (direction == Direction.INGRESS ? "from " : "to ") + other.describe() + " on " + ev.describeTraffic();
        String isolation = (isolated.isTrue() ? " is isolated for " : " may be isolated for ") + direction.field()
                + " by " + selectedBy;
        PolicyVerdict verdict;
        switch (result.truth()) {
            case TRUE -> {
                verdict = PolicyVerdict.ALLOW;
                if (isolated.isFalse()) {
                    reasons.add("no policy selects " + who + " for " + direction.field() + " (R1.3: not isolated)");
                } else {
                    reasons.add(who + isolation + "; " + peer + " is allowed by "
                            + (allowedBy.isEmpty() ? "a rule" : allowedBy));
                }
            }
            case FALSE -> {
                verdict = PolicyVerdict.DENY;
                reasons.add(who + isolation + " and no rule allows " + peer);
                reasons.addAll(details);
            }
            default -> {
                verdict = PolicyVerdict.INDETERMINATE;
                reasons.add(who + isolation + "; whether a rule allows " + peer + " is undecidable");
                reasons.addAll(details);
            }
        }
        List<RuleRef> allowing = verdict == PolicyVerdict.ALLOW ? allowedBy : List.of();
        Set<String> because = new LinkedHashSet<>(result.unknownBecause());
        return new DirectionResult(
                direction,
                who,
                true,
                isolated.truth(),
                verdict,
                selectedBy,
                allowing,
                reasons,
                new ArrayList<>(because));
    }
}
