package ai.matih.flowwatch.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Kafka topic names (docs/configuration.md). */
@ConfigMapping(prefix = "flowwatch.topics")
public interface TopicsConfig {

    /** Calico Enterprise flows.log lines and Calico OSS Goldmane/Whisker flows. */
    @WithDefault("calico-flows")
    String calico();

    /** Hubble exporter / observe lines. */
    @WithDefault("hubble-flows")
    String hubble();

    /** Kubernetes audit events. */
    @WithDefault("k8s-audit")
    String audit();

    /** Where bad records go, unchanged, with headers naming their origin and the reason. */
    @WithDefault("flowwatch-dlq")
    String dlq();

    /** Every violation, keyed by its id. */
    @WithDefault("flowwatch-violations")
    String violations();

    /**
     * The topology changes learnt from the audit stream, compacted, keyed by the object they change; read back at
     * start so that they survive a restart when the Kubernetes API is not watched.
     */
    @WithDefault("flowwatch-topology")
    String topology();
}
