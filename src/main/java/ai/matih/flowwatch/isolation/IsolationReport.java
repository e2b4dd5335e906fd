package ai.matih.flowwatch.isolation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The isolation of every tenant of one topology snapshot. Immutable.
 *
 * @param generatedAt when it was computed
 * @param tenants     one entry per tenant, by tenant id
 */
public record IsolationReport(Instant generatedAt, List<TenantIsolation> tenants) {

    public IsolationReport {
        Objects.requireNonNull(generatedAt, "generatedAt");
        tenants = List.copyOf(tenants);
    }

    /** The tenant's entry, or null when the snapshot has no namespace of that tenant. */
    public TenantIsolation tenant(String tenant) {
        for (TenantIsolation t : tenants) {
            if (t.tenant().equals(tenant)) {
                return t;
            }
        }
        return null;
    }
}
