package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.ClassifyConfig;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyHolder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The isolation audit of the current topology snapshot (behind {@code GET /api/v1/isolation}): computed on first
 * demand after the snapshot changed, once, with the same NetworkPolicy engine and CNI profile
 * ({@code flowwatch.policy.cni}) as the classifier, and kept, immutable, until the next snapshot.
 */
@ApplicationScoped
public class IsolationAudit {

    private final TopologyHolder holder;
    private final CniProfile profile;
    private final AtomicReference<Audited> last = new AtomicReference<>();

    private record Audited(Topology topology, IsolationReport report) {}

    public IsolationAudit(TopologyHolder holder, ClassifyConfig config) {
        this.holder = holder;
        this.profile = config.cniProfile();
    }

    /** The report of the current snapshot. */
    public IsolationReport report() {
        Topology topology = holder.current();
        Audited audited = last.get();
        if (audited != null && audited.topology() == topology) {
            return audited.report();
        }
        synchronized (this) {
            // the snapshot again: one that came while this caller waited is newer than the one it read
            topology = holder.current();
            audited = last.get();
            if (audited == null || audited.topology() != topology) {
                audited = new Audited(topology, audit(topology, profile, Instant.now()));
                last.set(audited);
            }
            return audited.report();
        }
    }

    /** Audits every tenant of a snapshot (pure: the same snapshot, profile and time give the same report). */
    public static IsolationReport audit(Topology topology, CniProfile profile, Instant now) {
        Objects.requireNonNull(topology, "topology");
        return new Auditor(topology, PolicyEngine.compile(topology, profile), now).report();
    }
}
