package ai.matih.flowwatch.api;

import ai.matih.flowwatch.isolation.TenantIsolation;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code GET /api/v1/isolation}.
 *
 * @param generatedAt for an administrator, when the report was computed; for a tenant, when its entry last changed
 *                    (absent when it has no namespace)
 * @param upToDate    for an administrator, whether the report is of the current topology (false while a recompute is
 *                    due or running, usually well under a second); absent for a tenant
 * @param tenants     the entries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IsolationAnswer(Instant generatedAt, Boolean upToDate, List<TenantIsolation> tenants) {

    public IsolationAnswer {
        tenants = List.copyOf(tenants);
    }
}
