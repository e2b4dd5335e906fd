package ai.matih.flowwatch.api;

import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.topology.TopologyView;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/topology}: what flowwatch knows of the cluster. A thin mapping over {@link TopologyView}. */
@Path("/api/v1/topology")
@Tag(name = "topology", description = "What flowwatch knows of the cluster")
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
    @Operation(
            operationId = "getTopology",
            summary = "The topology snapshot",
            description = "Tenants, namespaces with their role, policy counts and egress exceptions. A tenant-scoped"
                    + " token gets its own namespaces and exceptions, with totals over those only.")
    @APIResponse(
            responseCode = "200",
            description = "The snapshot, as the token may see it",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TopologyView.class)))
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    public TopologyView get(@Context RoutingContext request) {
        Caller caller = Caller.of(request);
        return TenantScope.topology(caller, TopologyView.of(holder.current(), Instant.now()));
    }
}
