package ai.matih.flowwatch.violation;

import java.util.List;
import java.util.Objects;

/**
 * What one query parameter asks of a violation: any of the {@code include} values (none: anything), and none of the
 * {@code exclude} values (the values given with a leading {@code !}).
 *
 * @param field   the field compared
 * @param include the values of which one must match, or empty
 * @param exclude the values of which none may match
 */
public record Criterion(FilterField field, List<FilterValue> include, List<FilterValue> exclude) {

    public Criterion {
        Objects.requireNonNull(field, "field");
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /** A criterion of included values only. */
    public static Criterion anyOf(FilterField field, FilterValue... values) {
        return new Criterion(field, List.of(values), List.of());
    }

    /** A criterion of excluded values only. */
    public static Criterion noneOf(FilterField field, FilterValue... values) {
        return new Criterion(field, List.of(), List.of(values));
    }

    /** True when the violation matches one included value (or none is given) and no excluded value. */
    public boolean matches(Violation v, EndLabels labels) {
        if (!include.isEmpty() && !any(include, v, labels)) {
            return false;
        }
        return exclude.isEmpty() || !any(exclude, v, labels);
    }

    private boolean any(List<FilterValue> values, Violation v, EndLabels labels) {
        for (int i = 0; i < values.size(); i++) {
            if (field.test(values.get(i), v, labels)) {
                return true;
            }
        }
        return false;
    }
}
