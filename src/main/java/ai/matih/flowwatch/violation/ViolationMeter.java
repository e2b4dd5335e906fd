package ai.matih.flowwatch.violation;

/**
 * What the violation path counts, for whoever exports the counts (docs/metrics.md). Called on the per-record path:
 * implementations must not block.
 */
public interface ViolationMeter {

    /**
     * Counts the connection attempts (or audit events) a violation grew by; never called for a replay or a report
     * that added no attempt.
     *
     * @param violation the violation as it now is
     * @param attempts  how many attempts it grew by, positive
     */
    void counted(Violation violation, long attempts);

    /**
     * Counts one write to the violations topic that can never succeed and was skipped, by reason ({@code too-large},
     * {@code invalid}).
     */
    void writeSkipped(String reason);
}
