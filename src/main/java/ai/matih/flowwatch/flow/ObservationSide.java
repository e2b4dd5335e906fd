package ai.matih.flowwatch.flow;

import java.util.Locale;

/** On which side of a connection a record was observed. */
public enum ObservationSide {
    /** At the source, as the packet left it (Calico {@code src} reporter, Hubble egress events). */
    SOURCE,
    /** At the destination, as the packet reached it (Calico {@code dst} reporter, Hubble ingress events). */
    DESTINATION,
    /** The record does not say. */
    UNKNOWN;

    /**
     * Derives the side from a reporter text: Calico {@code src}/{@code dst} (comma-joined forms such as
     * {@code dst, fwd} count as destination), Hubble {@code TO_ENDPOINT} (destination).
     */
    public static ObservationSide fromReporter(String reporter) {
        if (reporter == null) {
            return UNKNOWN;
        }
        String r = reporter.toLowerCase(Locale.ROOT);
        if (r.contains("dst") || r.equals("to_endpoint")) {
            return DESTINATION;
        }
        if (r.contains("src")) {
            return SOURCE;
        }
        return UNKNOWN;
    }
}
