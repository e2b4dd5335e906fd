package ai.matih.flowwatch.isolation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One tenant's isolation.
 *
 * @param tenant     the tenant id
 * @param namespaces its namespaces
 * @param status     from the findings ({@link IsolationStatus#of})
 * @param findings   the findings, open doors first
 * @param omitted    findings left out of {@code findings} to bound the answer (0, and absent in JSON, when none)
 */
public record TenantIsolation(
        String tenant,
        List<String> namespaces,
        IsolationStatus status,
        List<Finding> findings,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int omitted) {

    public TenantIsolation {
        Objects.requireNonNull(tenant, "tenant");
        namespaces = List.copyOf(namespaces);
        Objects.requireNonNull(status, "status");
        findings = List.copyOf(findings);
    }

    /** At most {@code max} findings (the first ones), the rest counted in {@link #omitted()}. */
    public TenantIsolation bounded(int max) {
        if (findings.size() <= max) {
            return this;
        }
        return new TenantIsolation(
                tenant, namespaces, status, findings.subList(0, max), omitted + findings.size() - max);
    }
}
