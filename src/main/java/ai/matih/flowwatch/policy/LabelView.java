package ai.matih.flowwatch.policy;

import java.util.Map;

/**
 * Labels as far as flowwatch knows them. When {@code complete} is false, keys not in {@code known} may or may not be
 * present, so a requirement on such a key is undecidable.
 *
 * @param known          labels known to be present
 * @param complete       true when {@code known} is all the labels
 * @param unknownBecause why the labels are incomplete (for explanations); null when complete
 */
record LabelView(Map<String, String> known, boolean complete, String unknownBecause) {

    LabelView {
        known = Map.copyOf(known);
    }

    static LabelView of(Map<String, String> labels) {
        return new LabelView(labels, true, null);
    }

    static LabelView partial(Map<String, String> known, String because) {
        return new LabelView(known, false, because);
    }
}
