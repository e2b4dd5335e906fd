package ai.matih.flowwatch.api;

import ai.matih.flowwatch.policy.Direction;
import ai.matih.flowwatch.policy.DirectionResult;
import ai.matih.flowwatch.policy.PolicyResult;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.policy.RuleRef;
import ai.matih.flowwatch.policy.Truth;
import java.util.List;

/**
 * Reply of {@code POST /api/v1/policy/evaluate}: one result per connection, in order. Unless the full lists are
 * asked for ({@code ?detail=full}), each list shows its first items and each reason line is cut to a bounded length;
 * the counts always tell how many there are in all.
 *
 * @param results the results
 */
public record EvaluateResponse(List<Result> results) {

    /**
     * How much of each list and line a result shows.
     *
     * @param listItems items shown of each list
     * @param textChars characters shown of each reason line
     */
    public record Detail(int listItems, int textChars) {

        /** Everything. */
        public static final Detail FULL = new Detail(Integer.MAX_VALUE, Integer.MAX_VALUE);

        <T> List<T> clip(List<T> items) {
            return items.size() <= listItems ? items : items.subList(0, listItems);
        }

        List<String> clipText(List<String> lines) {
            List<String> shown = clip(lines);
            if (shown.stream().allMatch(l -> l.length() <= textChars)) {
                return shown;
            }
            return shown.stream()
                    .map(l -> l.length() <= textChars ? l : l.substring(0, Math.max(0, textChars - 1)) + "…")
                    .toList();
        }

        boolean clips(List<String> lines) {
            return lines.size() > listItems || lines.stream().anyMatch(l -> l.length() > textChars);
        }
    }

    /**
     * The verdict on one connection.
     *
     * @param verdict              ALLOW, DENY or INDETERMINATE
     * @param egress               the source side
     * @param ingress              the destination side
     * @param decidedBy            the policies (and rules, {@code ns/name#ingress[i]}) that decided
     * @param reasons              why, in sentences
     * @param indeterminateBecause what Kubernetes leaves to the CNI or what data is missing
     * @param cniDependent         true when another CNI could decide differently
     * @param cniDependentBecause  how
     * @param decidedByCount       how many policies and rules decided, shown or not
     * @param truncated            true when a list or line of this result (or of its sides) is not shown whole
     */
    public record Result(
            PolicyVerdict verdict,
            Side egress,
            Side ingress,
            List<String> decidedBy,
            List<String> reasons,
            List<String> indeterminateBecause,
            boolean cniDependent,
            List<String> cniDependentBecause,
            int decidedByCount,
            boolean truncated) {

        static Result of(PolicyResult r, Detail detail) {
            Side egress = Side.of(r.egress(), detail);
            Side ingress = Side.of(r.ingress(), detail);
            boolean truncated = egress.truncated()
                    || ingress.truncated()
                    || detail.clips(r.decidedBy())
                    || detail.clips(r.reasons())
                    || detail.clips(r.indeterminateBecause())
                    || detail.clips(r.cniDependentBecause());
            return new Result(
                    r.verdict(),
                    egress,
                    ingress,
                    detail.clipText(r.decidedBy()),
                    detail.clipText(r.reasons()),
                    detail.clipText(r.indeterminateBecause()),
                    r.cniDependent(),
                    detail.clipText(r.cniDependentBecause()),
                    r.decidedBy().size(),
                    truncated);
        }
    }

    /**
     * What one direction says (see {@link DirectionResult}), its lists bounded as the {@link Detail} asks.
     *
     * @param direction            egress (of the source) or ingress (of the destination)
     * @param subject              the end whose policies were consulted, or the non-pod end
     * @param evaluated            false when policies were not consulted
     * @param isolated             whether some policy selects the subject for this direction
     * @param verdict              ALLOW, DENY or INDETERMINATE for this direction
     * @param selectedBy           policies that select (or may select) the subject for this direction
     * @param allowedBy            the rules that allow the connection
     * @param reasons              explanation lines, most important first
     * @param indeterminateBecause why the verdict is INDETERMINATE
     * @param selectedByCount      how many policies select the subject, shown or not
     * @param allowedByCount       how many rules allow the connection, shown or not
     * @param truncated            true when a list or line of this side is not shown whole
     */
    public record Side(
            Direction direction,
            String subject,
            boolean evaluated,
            Truth isolated,
            PolicyVerdict verdict,
            List<String> selectedBy,
            List<RuleRef> allowedBy,
            List<String> reasons,
            List<String> indeterminateBecause,
            int selectedByCount,
            int allowedByCount,
            boolean truncated) {

        static Side of(DirectionResult d, Detail detail) {
            boolean truncated = detail.clips(d.selectedBy())
                    || d.allowedBy().size() > detail.listItems()
                    || detail.clips(d.reasons())
                    || detail.clips(d.indeterminateBecause());
            return new Side(
                    d.direction(),
                    d.subject(),
                    d.evaluated(),
                    d.isolated(),
                    d.verdict(),
                    detail.clipText(d.selectedBy()),
                    detail.clip(d.allowedBy()),
                    detail.clipText(d.reasons()),
                    detail.clipText(d.indeterminateBecause()),
                    d.selectedBy().size(),
                    d.allowedBy().size(),
                    truncated);
        }
    }
}
