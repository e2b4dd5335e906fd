package ai.matih.flowwatch.flow;

/** The CNI flow-log format a {@link Flow} was decoded from. */
public enum SourceFormat {
    /** Calico Enterprise / Calico Cloud {@code flows.log}. */
    CALICO,
    /** Calico OSS Goldmane / Whisker flows. */
    GOLDMANE,
    /** Cilium Hubble flows. */
    HUBBLE;

    private final String tag = name().toLowerCase(java.util.Locale.ROOT);

    /** Lower-case name used in metric tags and JSON. */
    public String tag() {
        return tag;
    }
}
