package ai.matih.flowwatch.demo;

import java.util.List;

/** The default Kafka topic names (docs/formats.md and docs/configuration.md), pre-created on the embedded broker. */
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

    /** All five, in the order above. */
    public static final List<String> ALL = List.of(CALICO, HUBBLE, AUDIT, DLQ, VIOLATIONS);

    private DemoTopics() {
    }
}
