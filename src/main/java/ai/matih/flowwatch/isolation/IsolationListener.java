package ai.matih.flowwatch.isolation;

/**
 * Told of every new isolation report, on the audit's own thread (never on the per-record path); implemented by the
 * rooms above (the {@code flowwatch_isolation_findings} gauge in metrics). Returns quickly and never throws.
 */
public interface IsolationListener {

    /** A new report is the latest. */
    void reported(IsolationReport report);
}
