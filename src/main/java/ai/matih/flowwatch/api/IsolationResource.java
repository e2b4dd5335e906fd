package ai.matih.flowwatch.api;

import ai.matih.flowwatch.flow.KubernetesNames;
import ai.matih.flowwatch.isolation.IsolationAudit;
import ai.matih.flowwatch.isolation.IsolationReport;
import ai.matih.flowwatch.isolation.TenantIsolation;
import ai.matih.flowwatch.isolation.TenantView;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /api/v1/isolation[?tenant=]}: the isolation audit of the current topology, the policies in force checked
 * against the isolation model. A tenant-scoped caller gets its own entry only, in its tenant view
 * ({@link TenantView}); asking for another tenant, existing or not, is refused (403) like everywhere else. Each entry
 * lists at most {@value #MAX_FINDINGS} findings, the rest counted in {@code omitted}.
 */
@Path("/api/v1/isolation")
@Produces(MediaType.APPLICATION_JSON)
public class IsolationResource {

    static final int MAX_FINDINGS = 100;

    private final IsolationAudit audit;
    private final int maxChars;

    public IsolationResource(IsolationAudit audit, ApiLimits limits) {
        this.audit = audit;
        this.maxChars = limits.config().maxParameterChars();
    }

    @GET
    public IsolationReport get(@QueryParam("tenant") String tenant, RoutingContext request) {
        Caller caller = Caller.of(request);
        String asked = tenant(Parameters.bounded("tenant", tenant, maxChars));
        if (!caller.admin() && asked != null && !asked.equals(caller.tenant())) {
            throw caller.outsideScope("tenant", "tenant '" + asked + "' is not yours");
        }
        String wanted = caller.admin() ? asked : caller.tenant();
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
                entries.stream()
                        .map(e -> caller.admin() ? e : TenantView.of(caller.tenant(), e))
                        .map(e -> e.bounded(MAX_FINDINGS))
                        .toList());
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
