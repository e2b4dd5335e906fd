package ai.matih.flowwatch.audit;

import ai.matih.flowwatch.violation.AuditEvidence;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest topology change per namespace learnt from the audit stream, so that a violation that begins
 * shortly after can name the change that explains it. One entry per namespace: bounded by the namespaces.
 */
@ApplicationScoped
public class RecentChanges {

    private final Duration window;
    private final ConcurrentHashMap<String, AuditEvidence> latest = new ConcurrentHashMap<>();

    public RecentChanges(AuditConfig config) {
        this.window = config.correlationWindow();
    }

    /** Remembers a change of this namespace. */
    public void record(String namespace, AuditEvidence change) {
        if (namespace != null) {
            latest.merge(namespace, change, (old, neu) -> neu.at().isAfter(old.at()) ? neu : old);
        }
    }

    /** The change of either namespace that most recently preceded {@code at} within the window, or null. */
    public AuditEvidence explaining(String sourceNamespace, String destinationNamespace, Instant at) {
        AuditEvidence a = within(sourceNamespace == null ? null : latest.get(sourceNamespace), at);
        AuditEvidence b = within(destinationNamespace == null ? null : latest.get(destinationNamespace), at);
        if (a == null) {
            return b;
        }
        return b == null || a.at().isAfter(b.at()) ? a : b;
    }

    private AuditEvidence within(AuditEvidence change, Instant at) {
        if (change == null || at.isBefore(change.at()) || at.isAfter(change.at().plus(window))) {
            return null;
        }
        return change;
    }
}
