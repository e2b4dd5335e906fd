package ai.matih.flowwatch.violation;

import java.util.Locale;

/**
 * Where a tenant stands in a violation: at the {@link #SOURCE} (the connection or the request came from it) or at the
 * {@link #DESTINATION} (it was reached, or its object was acted on). The {@code side} tag of the metrics and the
 * {@code side} label of the alerts.
 */
public enum ViolationSide {
    SOURCE,
    DESTINATION;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** {@code source} or {@code destination}. */
    public String tag() {
        return tag;
    }

    /** The other side. */
    public ViolationSide opposite() {
        return this == SOURCE ? DESTINATION : SOURCE;
    }
}
