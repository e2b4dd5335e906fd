package ai.matih.flowwatch.violation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which violations a query wants: those in its {@link ViolationScope} that match every criterion (one per query
 * parameter; values of one parameter ORed, parameters ANDed). Pure: the same violation always gives the same answer.
 * Criteria on fields a tenant's view leaves unchanged are tried first, so a tenant's view of a violation is built
 * only for those that pass them, and at most once.
 *
 * @param scope    whose view the criteria are compared with
 * @param criteria the criteria, all of which must match
 */
public record ViolationFilter(ViolationScope scope, List<Criterion> criteria) {

    /** Everything. */
    public static final ViolationFilter ALL = new ViolationFilter(ViolationScope.ALL, List.of());

    public ViolationFilter {
        Objects.requireNonNull(scope, "scope");
        List<Criterion> ordered = new ArrayList<>(criteria.size());
        for (Criterion c : criteria) {
            if (!c.field().redacted()) {
                ordered.add(c);
            }
        }
        for (Criterion c : criteria) {
            if (c.field().redacted()) {
                ordered.add(c);
            }
        }
        criteria = List.copyOf(ordered);
    }

    /** These criteria over everything. */
    public static ViolationFilter of(Criterion... criteria) {
        return new ViolationFilter(ViolationScope.ALL, List.of(criteria));
    }

    /** The violations with this tenant at either end. */
    public static ViolationFilter tenant(String tenant) {
        return of(Criterion.anyOf(FilterField.TENANT, new FilterValue.Text(tenant)));
    }

    /** The same criteria in this scope. */
    public ViolationFilter scoped(ViolationScope newScope) {
        return new ViolationFilter(newScope, criteria);
    }

    /** True when the violation is in the scope and passes every criterion; builds the scope's view only if needed. */
    public boolean matches(Violation v) {
        return check(v, false) != null;
    }

    /** The violation as the scope shows it when it is in the scope and passes every criterion, else null. */
    public Violation shown(Violation v) {
        return check(v, true);
    }

    /** Null when the violation does not match; else its view when {@code show} (or when built anyway), else itself. */
    private Violation check(Violation v, boolean show) {
        if (!scope.contains(v)) {
            return null;
        }
        Violation view = scope.view() == null ? v : null;
        for (int i = 0; i < criteria.size(); i++) {
            Criterion c = criteria.get(i);
            Violation compared = v;
            if (c.field().redacted()) {
                if (view == null) {
                    view = scope.shown(v);
                }
                compared = view;
            }
            if (!c.matches(compared, scope.labels())) {
                return null;
            }
        }
        if (view != null) {
            return view;
        }
        return show ? scope.shown(v) : v;
    }

    /**
     * The tenant whose index holds every violation this filter can match: the scope's, else that of a tenant
     * criterion naming exactly one tenant; null when there is none.
     */
    public String indexTenant() {
        if (scope.tenant() != null) {
            return scope.tenant();
        }
        for (Criterion c : criteria) {
            if (c.field() == FilterField.TENANT
                    && c.include().size() == 1
                    && c.include().get(0) instanceof FilterValue.Text t) {
                return t.value();
            }
        }
        return null;
    }

    /**
     * The earliest lastSeen a matching violation can have (the earliest of the included {@code since} values), or
     * null when any lastSeen can match: newest-first walks stop there.
     */
    public Instant earliest() {
        Instant bound = null;
        for (Criterion c : criteria) {
            if (c.field() != FilterField.SINCE || c.include().isEmpty()) {
                continue;
            }
            Instant min = null;
            for (FilterValue value : c.include()) {
                Instant at = value.instant();
                if (at != null && (min == null || at.isBefore(min))) {
                    min = at;
                }
            }
            if (min != null && (bound == null || min.isAfter(bound))) {
                bound = min;
            }
        }
        return bound;
    }
}
