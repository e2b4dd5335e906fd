package ai.matih.flowwatch.violation;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Whose view of the violations a query runs in, applied before any of its criteria: everything (an admin), or the
 * violations naming one tenant, each compared as that tenant is shown it.
 *
 * @param tenant the tenant a violation must name (its tenant, peer tenant or either end's), or null for all
 * @param view   the violation as the caller is shown it (criteria on {@link FilterField#redacted()} fields compare
 *               this), or null when shown as stored
 * @param labels the pod labels the caller may filter on
 */
public record ViolationScope(String tenant, UnaryOperator<Violation> view, EndLabels labels) {

    /** Everything, no labels known. */
    public static final ViolationScope ALL = new ViolationScope(null, null, EndLabels.NONE);

    public ViolationScope {
        Objects.requireNonNull(labels, "labels");
    }

    /** Everything, as stored, with these labels. */
    public static ViolationScope everything(EndLabels labels) {
        return new ViolationScope(null, null, labels);
    }

    /** True when the violation names the tenant: its tenant, peer tenant, or either end's. */
    public static boolean names(Violation v, String tenant) {
        return tenant.equals(v.tenant())
                || tenant.equals(v.peerTenant())
                || (v.source() != null && tenant.equals(v.source().tenant()))
                || (v.destination() != null && tenant.equals(v.destination().tenant()));
    }

    /** True when the violation lies in this scope. */
    boolean contains(Violation v) {
        return tenant == null || names(v, tenant);
    }

    /** The violation as this scope shows it. */
    Violation shown(Violation v) {
        return view == null ? v : view.apply(v);
    }
}
