package ai.matih.flowwatch.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A parsed label selector (matchLabels and matchExpressions, ANDed, R6.1) with apimachinery semantics (SEL):
 * matchLabels needs the key present with that exact value, {@code ""} included (R6.2); {@code NotIn} matches a missing
 * key and {@code DoesNotExist} needs it absent (R6.3); matching is exact and case-sensitive (R6.4). An empty selector
 * matches everything. Callers handle an <em>absent</em> selector themselves (R6.5).
 */
final class SelectorMatcher {

    /** Matches every label set. */
    static final SelectorMatcher EVERYTHING = new SelectorMatcher(List.of(), "{}");

    private final List<Requirement> requirements;
    private final String text;

    private SelectorMatcher(List<Requirement> requirements, String text) {
        this.requirements = List.copyOf(requirements);
        this.text = text;
    }

    /**
     * Parses a selector; problems (R6.4 and unknown operators) go to {@code problems} as (field, message) and the
     * offending requirement becomes undecidable, never silently true or false.
     */
    static SelectorMatcher parse(LabelSelector selector, String field, BiConsumer<String, String> problems) {
        if (selector == null) {
            return EVERYTHING;
        }
        List<Requirement> requirements = new ArrayList<>();
        List<String> text = new ArrayList<>();
        if (selector.getMatchLabels() != null) {
            selector.getMatchLabels().forEach((key, value) -> {
                String v = value == null ? "" : value;
                requirements.add(new Requirement(key, Operator.EQUALS, Set.of(v)));
                text.add(key + "=" + v);
            });
        }
        if (selector.getMatchExpressions() != null) {
            int i = 0;
            for (LabelSelectorRequirement expression : selector.getMatchExpressions()) {
                String at = field + ".matchExpressions[" + i++ + "]";
                Requirement requirement = requirement(expression, at, problems);
                requirements.add(requirement);
                text.add(requirement.toString());
            }
        }
        return new SelectorMatcher(requirements, text.isEmpty() ? "{}" : String.join(",", text));
    }

    private static Requirement requirement(
            LabelSelectorRequirement expression, String at, BiConsumer<String, String> problems) {
        if (expression == null) {
            problems.accept(at, "is empty");
            return new Requirement("", Operator.INVALID, Set.of());
        }
        String key = expression.getKey() == null ? "" : expression.getKey();
        List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
        if (key.isEmpty()) {
            problems.accept(at + ".key", "is required");
        }
        Operator operator = Operator.parse(expression.getOperator());
        if (operator == Operator.INVALID) {
            problems.accept(
                    at + ".operator",
                    "not a valid selector operator: '" + expression.getOperator()
                            + "' (In, NotIn, Exists, DoesNotExist)");
        } else if ((operator == Operator.IN || operator == Operator.NOT_IN) && values.isEmpty()) {
            problems.accept(at + ".values", "must be specified when operator is In or NotIn");
            operator = Operator.INVALID;
        } else if ((operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST) && !values.isEmpty()) {
            problems.accept(at + ".values", "may not be specified when operator is Exists or DoesNotExist");
            operator = Operator.INVALID;
        }
        return new Requirement(key, key.isEmpty() ? Operator.INVALID : operator, Set.copyOf(values));
    }

    /** True when this selector has no requirements (matches everything). */
    boolean isEmpty() {
        return requirements.isEmpty();
    }

    /** Whether labels match: all requirements ANDed, each three-valued. */
    Ternary matches(LabelView labels) {
        Ternary result = Ternary.TRUE;
        for (Requirement requirement : requirements) {
            result = result.and(requirement.matches(labels));
            if (result.isFalse()) {
                return result;
            }
        }
        return result;
    }

    /**
     * Adds to {@code into}, per label key this selector reads, the values it compares that key with (empty for
     * Exists and DoesNotExist): together with the presence of the key, all that decides {@link #matches}.
     */
    void readKeys(Map<String, Set<String>> into) {
        for (Requirement requirement : requirements) {
            into.computeIfAbsent(requirement.key(), k -> new HashSet<>()).addAll(requirement.values());
        }
    }

    @Override
    public String toString() {
        return text;
    }

    private enum Operator {
        EQUALS,
        IN,
        NOT_IN,
        EXISTS,
        DOES_NOT_EXIST,
        INVALID;

        static Operator parse(String text) {
            if (text == null) {
                return INVALID;
            }
            return switch (text) {
                case "In" -> IN;
                case "NotIn" -> NOT_IN;
                case "Exists" -> EXISTS;
                case "DoesNotExist" -> DOES_NOT_EXIST;
                default -> INVALID;
            };
        }
    }

    private record Requirement(String key, Operator operator, Set<String> values) {

        Ternary matches(LabelView labels) {
            if (operator == Operator.INVALID) {
                return Ternary.unknown("invalid label selector requirement on '" + key + "'");
            }
            Map<String, String> known = labels.known();
            boolean present = known.containsKey(key);
            if (!present && !labels.complete()) {
                return Ternary.unknown(labels.unknownBecause());
            }
            String value = known.get(key);
            return Ternary.of(
                    switch (operator) {
                        case EQUALS, IN -> present && values.contains(value);
                        case NOT_IN -> !present || !values.contains(value);
                        case EXISTS -> present;
                        case DOES_NOT_EXIST -> !present;
                        case INVALID -> false;
                    });
        }

        @Override
        public String toString() {
            return switch (operator) {
                case EQUALS -> key + "=" + values.iterator().next();
                case IN -> key + " in " + values;
                case NOT_IN -> key + " notin " + values;
                case EXISTS -> key;
                case DOES_NOT_EXIST -> "!" + key;
                case INVALID -> key + " (invalid)";
            };
        }
    }
}
