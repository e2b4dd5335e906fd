package ai.matih.flowwatch.topology;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;

/** {@code GET /api/v1/topology}: what flowwatch knows of the cluster (design §5). A thin mapping over {@link TopologyView}. */
@Path("/api/v1/topology")
public class TopologyResource {

    private final TopologyHolder holder;

    public TopologyResource(TopologyHolder holder) {
        this.holder = holder;
    }

    /** The current snapshot: tenants, namespaces with role, policy counts, egress exceptions. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public TopologyView get() {
        return TopologyView.of(holder.current(), Instant.now());
    }
}
