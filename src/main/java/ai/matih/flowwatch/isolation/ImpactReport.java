package ai.matih.flowwatch.isolation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a candidate change would do: the isolation findings it would open and close, and the recently observed
 * connections whose verdict it would change.
 *
 * @param opened      findings the change would open, open doors first
 * @param closed      findings it would close
 * @param connections recently observed connections whose verdict would change
 * @param checked     recently observed connections judged before and after
 * @param omitted     what was left out of each list to bound the answer, or null when nothing was
 */
public record ImpactReport(
        List<FindingChange> opened,
        List<FindingChange> closed,
        List<VerdictChange> connections,
        int checked,
        @JsonInclude(JsonInclude.Include.NON_NULL) Omitted omitted) {

    public ImpactReport {
        opened = List.copyOf(opened);
        closed = List.copyOf(closed);
        connections = List.copyOf(connections);
    }

    /**
     * Counts of items left out.
     *
     * @param opened      findings opened
     * @param closed      findings closed
     * @param connections connections
     */
    public record Omitted(int opened, int closed, int connections) {}

    /** At most {@code max} items in each list, the rest counted in {@link #omitted()}. */
    public ImpactReport bounded(int max) {
        if (opened.size() <= max && closed.size() <= max && connections.size() <= max) {
            return this;
        }
        return new ImpactReport(
                first(opened, max),
                first(closed, max),
                first(connections, max),
                checked,
                new Omitted(
                        Math.max(0, opened.size() - max),
                        Math.max(0, closed.size() - max),
                        Math.max(0, connections.size() - max)));
    }

    private static <T> List<T> first(List<T> list, int max) {
        return list.size() <= max ? list : list.subList(0, max);
    }
}
