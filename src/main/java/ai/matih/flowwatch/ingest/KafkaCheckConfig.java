package ai.matih.flowwatch.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The check of the Kafka connection at start ({@link KafkaStartupCheck}). */
@ConfigMapping(prefix = "flowwatch.kafka")
public interface KafkaCheckConfig {

    /**
     * How long the start waits for Kafka to answer. A TLS handshake or authentication failure within it stops the
     * start with a message naming the cause; a Kafka that merely does not answer in time only gets a warning (the
     * consumers keep retrying). {@code 0s} turns the check off.
     */
    @WithDefault("30s")
    Duration startupCheckTimeout();
}
