package ai.matih.flowwatch.api;

import ai.matih.flowwatch.flow.KubernetesNames;
import ai.matih.flowwatch.isolation.IsolationAudit;
import ai.matih.flowwatch.isolation.IsolationReport;
import ai.matih.flowwatch.isolation.TenantIsolation;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/isolation[?tenant=]}: the isolation audit, the policies in force checked against the isolation
 * model, kept current by {@link IsolationAudit} (this only reads its latest report). An administrator gets every
 * tenant's entry (or the one asked for) and whether the report is of the current topology. A tenant gets only its own
 * entry as its own half judges it ({@link IsolationAudit#tenantView}), each other end redacted as violations are for
 * it ({@link TenantScope}); asking for another tenant gives the same empty answer as asking for an unknown one. Each
 * entry lists at most {@value #MAX_FINDINGS} findings, the rest counted in {@code omitted}.
 */
@Path("/api/v1/isolation")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "isolation", description = "The policies in force checked against the isolation model, before traffic")
public class IsolationResource {

    static final int MAX_FINDINGS = 100;

    private final IsolationAudit audit;
    private final int maxChars;

    public IsolationResource(IsolationAudit audit, ApiLimits limits) {
        this.audit = audit;
        this.maxChars = limits.config().maxParameterChars();
    }

    @GET
    @Operation(
            operationId = "isolationAudit",
            summary = "The isolation audit of every tenant",
            description = "For every tenant namespace, the connectivity the NetworkPolicies in force give with each"
                    + " class of peer, compared with the isolation model: PERMITS_FORBIDDEN (an open door),"
                    + " DENIES_PERMITTED (something the model permits is denied) and INDETERMINATE findings, and the"
                    + " tenant's status. A tenant-scoped token gets only its own tenant, judged by its own policies'"
                    + " half of each verdict, with other tenants' ends redacted; asking for another tenant gives the"
                    + " same empty answer as an unknown one.")
    @APIResponse(
            responseCode = "200",
            description = "The audit of the current topology snapshot",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = IsolationAnswer.class)))
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    public IsolationAnswer get(
            @QueryParam("tenant") @Parameter(description = "Only this tenant's entry (a tenant id)") String tenant,
            @Context RoutingContext request) {
        Caller caller = Caller.of(request);
        String asked = tenant(Parameters.bounded("tenant", tenant, maxChars));
        if (!caller.admin()) {
            String own = caller.tenant();
            IsolationAudit.TenantView view = audit.tenantView(own);
            if (view == null) {
                return new IsolationAnswer(null, null, List.of());
            }
            List<TenantIsolation> entries = asked == null || asked.equals(own)
                    ? List.of(view.entry()
                            .viewedBy(own, e -> TenantScope.endpoint(own, e))
                            .bounded(MAX_FINDINGS))
                    : List.of();
            return new IsolationAnswer(view.since(), null, entries);
        }
        IsolationAudit.Latest latest = audit.latest();
        IsolationReport report = latest.report();
        List<TenantIsolation> entries;
        if (asked == null) {
            entries = report.tenants();
        } else {
            TenantIsolation entry = report.tenant(asked);
            entries = entry == null ? List.of() : List.of(entry);
        }
        return new IsolationAnswer(
                report.generatedAt(),
                latest.current(),
                entries.stream().map(e -> e.bounded(MAX_FINDINGS)).toList());
    }

    private static String tenant(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!KubernetesNames.isDnsLabel(value)) {
            throw ProblemException.badParameter(
                    "tenant",
                    "tenant '" + Parameters.shown(value)
                            + "' is not a tenant id (at most 63 lower-case letters, digits and '-')");
        }
        return value;
    }
}
