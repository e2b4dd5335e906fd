package ai.matih.flowwatch.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Dev-mode demo: the embedded broker and the demo traffic generator. */
@ConfigMapping(prefix = "flowwatch.demo")
public interface DemoConfig {

    /**
     * Whether the demo traffic generator produces records to Kafka ({@code kafka.bootstrap.servers}). Off by default;
     * the {@code %dev} profile turns it on. Never turn it on against a real cluster's topics.
     */
    @WithDefault("false")
    boolean enabled();

    /** Records per second the generator produces, over all topics. */
    @WithDefault("50")
    double rate();

    /** Share of generated connections and audit events (0..1) that are violations of tenant isolation. */
    @WithDefault("0.05")
    double violationRatio();

    /** Client port of the embedded broker that dev mode starts; must match {@code %dev.kafka.bootstrap.servers}. */
    @WithDefault("19092")
    int brokerPort();
}
