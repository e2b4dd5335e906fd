package ai.matih.flowwatch.topology;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness check {@code topology}: DOWN until a topology snapshot is loaded. */
@Readiness
@ApplicationScoped
public class TopologyReadinessCheck implements HealthCheck {

    /** Name of the check in {@code /q/health/ready}. */
    public static final String NAME = "topology";

    private final TopologyHolder holder;

    public TopologyReadinessCheck(TopologyHolder holder) {
        this.holder = holder;
    }

    @Override
    public HealthCheckResponse call() {
        Topology topology = holder.current();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME)
                .status(holder.loaded())
                .withData("origin", topology.origin() == null ? "" : topology.origin())
                .withData("namespaces", topology.namespaces().size())
                .withData("policies", topology.networkPolicies().size());
        if (holder.loaded()) {
            builder.withData("loadedAt", topology.loadedAt().toString());
        }
        if (holder.lastError() != null) {
            builder.withData("lastError", holder.lastError());
        }
        return builder.build();
    }
}
