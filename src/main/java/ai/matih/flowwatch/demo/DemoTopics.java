package ai.matih.flowwatch.demo;

import ai.matih.flowwatch.decode.FlowFormats;
import java.util.ArrayList;
import java.util.List;

/**
 * The default Kafka topic names (docs/formats.md and docs/configuration.md), pre-created on the embedded broker: the
 * input formats' topics and flowwatch's own. The demo records are written to the built-in formats' topics.
 */
public final class DemoTopics {

    /** Calico Enterprise flows.log lines and Goldmane/Whisker flows. */
    public static final String CALICO = "calico-flows";
    /** Hubble exporter lines. */
    public static final String HUBBLE = "hubble-flows";
    /** Kubernetes audit events. */
    public static final String AUDIT = "k8s-audit";
    /** Rejected input, unchanged, with reason headers. */
    public static final String DLQ = "flowwatch-dlq";
    /** Every violation, keyed by its id. */
    public static final String VIOLATIONS = "flowwatch-violations";

    /** The default topics of the built-in input formats, then {@link #DLQ} and {@link #VIOLATIONS}. */
    public static final List<String> ALL = all(FlowFormats.builtIn());

    private DemoTopics() {}

    /** The default topics of {@code formats}, then {@link #DLQ} and {@link #VIOLATIONS}. */
    public static List<String> all(FlowFormats formats) {
        List<String> all = new ArrayList<>(formats.defaultTopics());
        all.add(DLQ);
        all.add(VIOLATIONS);
        return List.copyOf(all);
    }
}
