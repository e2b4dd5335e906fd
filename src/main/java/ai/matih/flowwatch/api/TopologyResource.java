package ai.matih.flowwatch.api;

import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.topology.TopologyView;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;

/** {@code GET /api/v1/topology}: what flowwatch knows of the cluster. A thin mapping over {@link TopologyView}. */
@Path("/api/v1/topology")
public class TopologyResource {

    private final TopologyHolder holder;

    public TopologyResource(TopologyHolder holder) {
        this.holder = holder;
    }

    /**
     * The current snapshot: tenants, namespaces with role, policy counts, egress exceptions. A tenant-scoped caller
     * gets its own namespaces and exceptions, with totals over those only.
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public TopologyView get(RoutingContext request) {
        Caller caller = Caller.of(request);
        return TenantScope.topology(caller, TopologyView.of(holder.current(), Instant.now()));
    }
}
