package ai.matih.flowwatch.audit;

import ai.matih.flowwatch.violation.AuditEvidence;
import ai.matih.flowwatch.violation.ChangeEvidence;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The latest topology change per namespace learnt from the audit stream, so that a violation that begins
 * shortly after can name the change that explains it. One entry per namespace, at most
 * {@code flowwatch.audit.max-recent-changes}: past it, the changes too old to explain a violation that begins after the
 * newest change are forgotten, then the oldest, down to nine tenths of the bound (so that pruning is rare).
 */
@ApplicationScoped
public class RecentChanges implements ChangeEvidence {

    private final Duration window;
    private final int max;
    private final ConcurrentHashMap<String, AuditEvidence> latest = new ConcurrentHashMap<>();
    private final AtomicBoolean pruning = new AtomicBoolean();

    @Inject
    public RecentChanges(AuditConfig config) {
        this(config.correlationWindow(), config.maxRecentChanges());
    }

    public RecentChanges(Duration window, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("flowwatch.audit.max-recent-changes must be positive: " + max);
        }
        this.window = window;
        this.max = max;
    }

    /** Remembers a change of this namespace. */
    public void record(String namespace, AuditEvidence change) {
        if (namespace != null && change != null && change.at() != null) {
            latest.merge(namespace, change, (old, neu) -> neu.at().isAfter(old.at()) ? neu : old);
            if (latest.size() > max) {
                prune();
            }
        }
    }

    /** How many namespaces have a remembered change. */
    public int size() {
        return latest.size();
    }

    private void prune() {
        if (!pruning.compareAndSet(false, true)) {
            return;
        }
        try {
            List<Map.Entry<String, AuditEvidence>> entries = new ArrayList<>(latest.entrySet());
            entries.sort(Comparator.comparing(
                    (Map.Entry<String, AuditEvidence> e) -> e.getValue().at()));
            Instant newest = entries.get(entries.size() - 1).getValue().at();
            Instant expired = newest.minus(window);
            int keep = max - max / 10;
            int excess = entries.size() - keep;
            for (Map.Entry<String, AuditEvidence> e : entries) {
                boolean old = e.getValue().at().isBefore(expired);
                if (!old && excess <= 0) {
                    break;
                }
                if (latest.remove(e.getKey(), e.getValue())) {
                    excess--;
                }
            }
        } finally {
            pruning.set(false);
        }
    }

    /** The change of either namespace that most recently preceded {@code at} within the window, or null. */
    @Override
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
