package ai.matih.flowwatch.ingest;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.jboss.logging.Logger;

/**
 * Checks at start that Kafka can be reached with the configured security settings ({@code kafka.security.protocol},
 * {@code kafka.ssl.*}, {@code kafka.sasl.*}: the {@code default-kafka-broker} map the consumers and the DLQ producer
 * use), so that a wrong truststore or password stops the start with a clear message instead of consumers retrying
 * forever in the background. Only definitive failures stop it: a TLS handshake that fails or an authentication that
 * is refused. A Kafka that is merely slow to come up gets a warning and the start goes on, and so does a connection
 * without TLS outside dev mode.
 *
 * <p>Runs after the dev-mode broker starts ({@code PLATFORM_BEFORE}) and before the messaging channels connect
 * ({@code LIBRARY_BEFORE}).
 */
@ApplicationScoped
public class KafkaStartupCheck {

    private static final Logger LOGGER = Logger.getLogger(KafkaStartupCheck.class);

    private final Map<String, Object> kafkaConfig;
    private final Duration timeout;

    public KafkaStartupCheck(
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, KafkaCheckConfig config) {
        this.kafkaConfig = kafkaConfig;
        this.timeout = config.startupCheckTimeout();
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 100) StartupEvent event) {
        String plaintext = plaintextWarning(kafkaConfig, LaunchMode.current());
        if (plaintext != null) {
            LOGGER.warn(plaintext);
        }
        if (timeout.isZero() || timeout.isNegative()) {
            return;
        }
        check(kafkaConfig, timeout);
    }

    /**
     * Asks the cluster for its id within the timeout.
     *
     * @return true when Kafka answered, false when it did not within the timeout (or failed otherwise: logged)
     * @throws KafkaSecurityException when the TLS handshake or the authentication fails
     */
    public static boolean check(Map<String, Object> kafkaConfig, Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "flowwatch-startup-check");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 30_000));
        String bootstrap = String.valueOf(config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        String protocol = String.valueOf(config.getOrDefault(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT"));
        try (Admin admin = Admin.create(config)) {
            String clusterId = admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis))
                    .clusterId()
                    .get(millis + 5_000L, TimeUnit.MILLISECONDS);
            LOGGER.infof("Kafka at %s reached over %s (cluster %s)", bootstrap, protocol, clusterId);
            return true;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SslAuthenticationException) {
                throw new KafkaSecurityException(
                        "cannot reach Kafka at " + bootstrap + ": TLS handshake failed: "
                                + rootMessage(cause) + " (check kafka.ssl.truststore.*, kafka.ssl.keystore.* and "
                                + "kafka.security.protocol)",
                        cause);
            }
            if (cause instanceof SaslAuthenticationException || cause instanceof AuthenticationException) {
                throw new KafkaSecurityException(
                        "cannot reach Kafka at " + bootstrap + ": authentication failed: " + rootMessage(cause)
                                + " (check kafka.sasl.mechanism and kafka.sasl.jaas.config)",
                        cause);
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                LOGGER.warnf(
                        "Kafka at %s did not answer within %s over %s; starting anyway, the consumers keep "
                                + "retrying",
                        bootstrap, timeout, protocol);
            } else {
                LOGGER.warnf("Kafka at %s could not be checked: %s; starting anyway", bootstrap, cause);
            }
            return false;
        } catch (TimeoutException e) {
            LOGGER.warnf(
                    "Kafka at %s did not answer within %s over %s; starting anyway, the consumers keep retrying",
                    bootstrap, timeout, protocol);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The warning a Kafka connection without TLS deserves outside dev mode ({@code kafka.security.protocol}
     * {@code PLAINTEXT}, the default, or {@code SASL_PLAINTEXT}): records, violations and SASL exchanges then cross
     * the network readable and alterable by anyone on the path. Null when there is nothing to say.
     */
    static String plaintextWarning(Map<String, Object> kafkaConfig, LaunchMode mode) {
        if (mode == LaunchMode.DEVELOPMENT) {
            return null;
        }
        Object configured = kafkaConfig.get(AdminClientConfig.SECURITY_PROTOCOL_CONFIG);
        String protocol =
                configured == null ? "PLAINTEXT" : configured.toString().trim().toUpperCase(Locale.ROOT);
        if (!protocol.endsWith("PLAINTEXT")) {
            return null;
        }
        return "Kafka at " + kafkaConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " is reached over "
                + protocol + ", without TLS: flow records, violations and dead letters (and SASL credentials) cross "
                + "the network in clear text. Set kafka.security.protocol=SSL or SASL_SSL with kafka.ssl.* "
                + "(docs/security.md).";
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == t ? message : t.getMessage() + ": " + message;
    }

    /** Kafka refused flowwatch's TLS handshake or credentials: a configuration error that retrying cannot fix. */
    public static final class KafkaSecurityException extends IllegalStateException {

        public KafkaSecurityException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
