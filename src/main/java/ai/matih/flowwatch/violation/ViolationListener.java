package ai.matih.flowwatch.violation;

/**
 * Told of every new or changed violation (alerting, the violations topic, the SSE stream). Called on the
 * per-record path: implementations must return at once (hand the work to a bounded queue) and never block.
 */
public interface ViolationListener {

    /**
     * @param violation the violation as it now is
     * @param created   true when this report created it
     */
    void changed(Violation violation, boolean created);
}
