package ai.matih.flowwatch.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link Truth} with the reasons it is {@link Truth#UNKNOWN}, combined with Kleene logic: FALSE wins an AND and
 * TRUE wins an OR whatever the unknowns, so an unknown fact only matters when it could change the answer.
 *
 * @param truth          the value
 * @param unknownBecause why it is unknown (empty unless UNKNOWN)
 */
record Ternary(Truth truth, List<String> unknownBecause) {

    static final Ternary TRUE = new Ternary(Truth.TRUE, List.of());
    static final Ternary FALSE = new Ternary(Truth.FALSE, List.of());

    Ternary {
        unknownBecause = truth == Truth.UNKNOWN ? List.copyOf(unknownBecause) : List.of();
    }

    static Ternary of(boolean value) {
        return value ? TRUE : FALSE;
    }

    static Ternary unknown(String because) {
        return new Ternary(Truth.UNKNOWN, List.of(because));
    }

    boolean isTrue() {
        return truth == Truth.TRUE;
    }

    boolean isFalse() {
        return truth == Truth.FALSE;
    }

    boolean isUnknown() {
        return truth == Truth.UNKNOWN;
    }

    Ternary not() {
        return switch (truth) {
            case TRUE -> FALSE;
            case FALSE -> TRUE;
            case UNKNOWN -> this;
        };
    }

    Ternary and(Ternary other) {
        if (isFalse() || other.isFalse()) {
            return FALSE;
        }
        if (isTrue() && other.isTrue()) {
            return TRUE;
        }
        return merge(this, other);
    }

    Ternary or(Ternary other) {
        if (isTrue() || other.isTrue()) {
            return TRUE;
        }
        if (isFalse() && other.isFalse()) {
            return FALSE;
        }
        return merge(this, other);
    }

    private static Ternary merge(Ternary a, Ternary b) {
        Set<String> reasons = new LinkedHashSet<>(a.unknownBecause);
        reasons.addAll(b.unknownBecause);
        return new Ternary(Truth.UNKNOWN, new ArrayList<>(reasons));
    }
}
