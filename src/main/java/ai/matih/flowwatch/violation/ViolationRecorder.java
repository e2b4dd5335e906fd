package ai.matih.flowwatch.violation;

import ai.matih.flowwatch.topology.ClusterConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * The one way a violation gets into the store: a report of a flow violation is merged, an audit detection put; a new
 * flow violation that began shortly after a topology change of either endpoint's namespace carries that change as
 * evidence from its first write; then what changed is counted, told to the listeners (alerting, the SSE stream) and
 * journaled to the violations topic. Every new violation carries the cluster's name ({@code flowwatch.cluster.name})
 * when it has one. A replay (a record merged before, an audit event seen before) changes nothing and
 * is neither counted nor told. Thread-safe; called on the per-record path, where it allocates only what the store
 * keeps.
 */
@ApplicationScoped
public class ViolationRecorder {

    private final ViolationStore store;
    private final ChangeEvidence changes;
    private final ViolationMeter meter;
    private final ViolationListeners listeners;
    private final ViolationJournal journal;
    private final String cluster;
    private final UnaryOperator<Violation> explain = this::explain;

    @Inject
    public ViolationRecorder(
            ViolationStore store,
            ChangeEvidence changes,
            ViolationMeter meter,
            ViolationListeners listeners,
            ViolationJournal journal,
            ClusterConfig clusterConfig) {
        this(
                store,
                changes,
                meter,
                listeners,
                journal,
                clusterConfig.clusterName().orElse(null));
    }

    /** @param cluster the cluster's name on every new violation, or null for none */
    public ViolationRecorder(
            ViolationStore store,
            ChangeEvidence changes,
            ViolationMeter meter,
            ViolationListeners listeners,
            ViolationJournal journal,
            String cluster) {
        this.store = store;
        this.changes = changes;
        this.meter = meter;
        this.listeners = listeners;
        this.journal = journal;
        this.cluster = cluster;
    }

    /** Without a cluster name. */
    public ViolationRecorder(
            ViolationStore store,
            ChangeEvidence changes,
            ViolationMeter meter,
            ViolationListeners listeners,
            ViolationJournal journal) {
        this(store, changes, meter, listeners, journal, (String) null);
    }

    /** Starts a batch on this thread: each violation it changes is journaled once, at {@link #flush()}. */
    public void begin() {
        journal.begin();
    }

    /**
     * Ends this thread's batch: journals every violation changed since {@link #begin()}; the futures complete when
     * the writes are durable (see {@link ViolationTopicWriter}).
     */
    public List<CompletableFuture<?>> flush() {
        return journal.flush();
    }

    /**
     * Records one report of a flow violation (see {@link ViolationStore#merge(Draft, String, long)} for the
     * arguments and the replay rules).
     */
    public Merge record(Draft draft, String partition, long position) {
        Merge merge = store.merge(draft, partition, position, explain);
        if (!merge.replay()) {
            if (merge.countDelta() > 0) {
                meter.counted(merge.violation(), merge.countDelta());
            }
            changed(merge.violation(), merge.created());
        }
        return merge;
    }

    /**
     * Records an audit detection, one violation per audit event and detection type (its id says which).
     *
     * @return false when a violation with its id is stored already (a replayed audit event): nothing changed
     */
    public boolean detected(Violation detection) {
        Violation named = named(detection);
        if (!store.putIfAbsent(named)) {
            return false;
        }
        meter.counted(named, 1);
        changed(named, true);
        return true;
    }

    /**
     * Records a new state of a stored violation that is neither a flow report nor a new detection (a policy gap
     * resolved): stored as it is, told to the listeners and journaled, not counted.
     */
    public void updated(Violation violation) {
        store.put(violation);
        changed(violation, false);
    }

    /** The violation with this cluster's name, when it has one and the violation does not carry it yet. */
    private Violation named(Violation v) {
        return cluster == null || cluster.equals(v.cluster())
                ? v
                : v.toBuilder().cluster(cluster).build();
    }

    private void changed(Violation violation, boolean created) {
        listeners.changed(violation, created);
        journal.changed(violation.id());
    }

    /**
     * A new violation, with the topology change that explains it when one of either endpoint's namespace preceded it
     * within the correlation window (docs/topology.md): the change is its audit evidence and its reason says so. It
     * carries the cluster's name.
     */
    private Violation explain(Violation v) {
        return named(explained(v));
    }

    private Violation explained(Violation v) {
        AuditEvidence change = changes.explaining(
                v.source() == null ? null : v.source().namespace(),
                v.destination() == null ? null : v.destination().namespace(),
                v.firstSeen());
        if (change == null) {
            return v;
        }
        long seconds = Duration.between(change.at(), v.firstSeen()).toSeconds();
        String because =
                " (began " + seconds + " s after " + change.actor() + " " + change.verb() + " " + change.object() + ")";
        Violation.Evidence evidence = v.evidence() == null
                ? Violation.Evidence.ofAudit(change)
                : v.evidence().withAudit(change);
        return v.toBuilder().reason(v.reason() + because).evidence(evidence).build();
    }
}
