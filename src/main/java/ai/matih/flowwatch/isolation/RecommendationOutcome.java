package ai.matih.flowwatch.isolation;

import java.util.List;

/** What asking for a tenant's least-privilege policies gives. */
public sealed interface RecommendationOutcome {

    /** Verified policies. */
    record Safe(Recommendation recommendation) implements RecommendationOutcome {}

    /** The snapshot has no namespace of this tenant. */
    record UnknownTenant(String tenant) implements RecommendationOutcome {}

    /** The policies failed verification: nothing is recommended, and these say why. */
    record Unsafe(List<String> why) implements RecommendationOutcome {
        public Unsafe {
            why = List.copyOf(why);
        }
    }
}
