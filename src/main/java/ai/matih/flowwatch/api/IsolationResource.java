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
 * {@code GET /api/v1/isolation[?tenant=]}: the isolation audit of the current topology, the policies in force checked
 * against the isolation model, for platform administrators: a tenant-scoped caller is refused (403), whatever tenant
 * it asks for, because the findings of its own entry would show what other tenants' policies and pods open to it. Each entry
 * lists at most {@value #MAX_FINDINGS} findings, the rest counted in {@code omitted}.
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
                    + " tenant's status. For platform administrators: a tenant-scoped token is refused (403).")
    @APIResponse(
            responseCode = "200",
            description = "The audit of the current topology snapshot",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = IsolationReport.class)))
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    public IsolationReport get(
            @QueryParam("tenant") @Parameter(description = "Only this tenant's entry (a tenant id)") String tenant,
            @Context RoutingContext request) {
        Caller caller = Caller.of(request);
        String asked = tenant(Parameters.bounded("tenant", tenant, maxChars));
        if (!caller.admin()) {
            // A tenant's view would show what other tenants' policies and pods open to it (ports, addresses, whether
            // their ingress is open), so the audit is answered to platform administrators only; the same answer
            // whatever tenant is asked for.
            throw caller.outsideScope("tenant", "the isolation audit is answered to platform administrators only");
        }
        String wanted = asked;
        IsolationReport report = audit.report();
        List<TenantIsolation> entries;
        if (wanted == null) {
            entries = report.tenants();
        } else {
            TenantIsolation entry = report.tenant(wanted);
            entries = entry == null ? List.of() : List.of(entry);
        }
        return new IsolationReport(
                report.generatedAt(),
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
