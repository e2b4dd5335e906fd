package ai.matih.flowwatch.violation;

import java.time.Instant;

/**
 * Which violations a query wants; null fields do not filter.
 *
 * @param tenant    the tenant at either end
 * @param type      the violation type
 * @param severity  the severity
 * @param namespace the namespace at either end
 * @param since     violations seen at or after this instant (lastSeen)
 * @param until     violations that began at or before this instant (firstSeen)
 */
public record ViolationFilter(
        String tenant, ViolationType type, Severity severity, String namespace, Instant since, Instant until) {

    /** No filter. */
    public static final ViolationFilter ALL = new ViolationFilter(null, null, null, null, null, null);

    /** True when the violation passes every set filter. */
    public boolean matches(Violation v) {
        if (tenant != null
                && !tenant.equals(v.tenant())
                && !tenant.equals(v.peerTenant())
                && !tenant.equals(v.source().tenant())
                && !tenant.equals(v.destination().tenant())) {
            return false;
        }
        if (type != null && type != v.type()) {
            return false;
        }
        if (severity != null && severity != v.severity()) {
            return false;
        }
        if (namespace != null
                && !namespace.equals(v.source().namespace())
                && !namespace.equals(v.destination().namespace())) {
            return false;
        }
        if (since != null && v.lastSeen().isBefore(since)) {
            return false;
        }
        return until == null || !v.firstSeen().isAfter(until);
    }
}
