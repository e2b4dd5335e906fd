package ai.matih.flowwatch.flow;

import java.util.Locale;

/** What the CNI did with a connection: the observed axis of classification. */
public enum Observed {
    /** The CNI let the connection through. */
    ALLOWED,
    /** The CNI dropped the connection because of policy. */
    DENIED,
    /** Would have been denied: Cilium policy-audit verdict, Calico staged/pending deny. */
    AUDIT,
    /** The record carries no policy verdict (datapath error, translation event, unknown verdict). */
    UNKNOWN;

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
        return tag;
    }
}
