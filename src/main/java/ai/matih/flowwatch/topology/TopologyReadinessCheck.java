package ai.matih.flowwatch.topology;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@code topology}: DOWN until a topology snapshot is loaded (from the Kubernetes API: until the
 * informers' initial lists are synced) and the changes learnt from the audit stream before a restart are read back.
 */
@Readiness
@ApplicationScoped
public class TopologyReadinessCheck implements HealthCheck {

    /** Name of the check in {@code /q/health/ready}. */
    public static final String NAME = "topology";

    private final TopologyHolder holder;
    private final TopologyJournal journal;

    @Inject
    public TopologyReadinessCheck(TopologyHolder holder, TopologyJournal journal) {
        this.holder = holder;
        this.journal = journal;
    }

    /** A check of the holder alone (tests, tools). */
    public TopologyReadinessCheck(TopologyHolder holder) {
        this(holder, null);
    }

    @Override
    public HealthCheckResponse call() {
        Topology topology = holder.current();
        boolean restored = journal == null || journal.restored();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME)
                .status(holder.loaded() && restored)
                .withData("origin", topology.origin() == null ? "" : topology.origin())
                .withData("namespaces", topology.namespaces().size())
                .withData("policies", topology.networkPolicies().size());
        if (holder.loaded()) {
            builder.withData("loadedAt", topology.loadedAt().toString());
        }
        if (holder.lastError() != null) {
            builder.withData("lastError", holder.lastError());
        }
        if (!restored) {
            builder.withData(
                    "restoring", journal.lastError() == null ? "reading the topology topic" : journal.lastError());
        }
        return builder.build();
    }
}
