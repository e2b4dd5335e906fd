package ai.matih.flowwatch.isolation;

import java.util.Set;

/** The tenants whose findings a topology change may change: every tenant, or these. */
sealed interface Affected {

    /** Every tenant: the change reaches the probes, the intent or the peers of all. */
    record All(String because) implements Affected {}

    /**
     * Only these tenants (possibly none).
     *
     * @param tenants tenant ids
     */
    record Some(Set<String> tenants) implements Affected {
        public Some {
            tenants = Set.copyOf(tenants);
        }
    }
}
