package ai.matih.flowwatch.alerting;

import ai.matih.flowwatch.violation.Severity;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** How violations are pushed to Alertmanager as alerts (docs/alerting.md). */
@ConfigMapping(prefix = "flowwatch.alertmanager")
public interface AlertingConfig {

    /** Value of a string key meaning "not set". */
    String NONE = "none";

    /**
     * Base URLs of the Alertmanagers, e.g. {@code http://alertmanager:9093} (the API path {@code /api/v2/alerts}
     * is appended). Several URLs are the members of one HA cluster: every alert goes to every one of them, as
     * Prometheus does, since Alertmanager replicas do not gossip alerts. Empty (the default) turns alerting off.
     */
    @WithDefault(NONE)
    List<String> urls();

    /** Push alerts at all; only effective when {@link #urls()} names at least one Alertmanager. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The least severe violation that becomes an alert: {@code critical}, {@code warning} (the default) or
     * {@code info}. With {@code warning}, info violations (blocked attempts, unclassified flows) never alert.
     */
    @WithDefault("warning")
    Severity minSeverity();

    /**
     * How long a violation must go without change before its alert is resolved. Every alert is sent with
     * {@code endsAt} = last activity + this period (last activity: the violation's {@code lastSeen}, or the time
     * flowwatch received the update when that is later), so Alertmanager resolves it by itself even when flowwatch
     * is gone; once the period has passed, flowwatch sends the alert one last time with that {@code endsAt} and
     * forgets it.
     */
    @WithDefault("10m")
    Duration quietPeriod();

    /**
     * How often an unchanged active alert is sent again, so that an Alertmanager that restarted (or missed a
     * delivery) still has it. Changed alerts go out within a second.
     */
    @WithDefault("1m")
    Duration resendInterval();

    /**
     * Most alerts in one POST to an Alertmanager (the alerts of one violation, one per tenant it involves, always go
     * in the same POST).
     */
    @WithDefault("100")
    int batchSize();

    /**
     * Most violations whose alerts are held at once (active plus awaiting resolution; a violation between two
     * tenants holds one alert for each). A violation that would need a new entry beyond this is dropped and its
     * alerts counted as {@code flowwatch_alerts_sent_total{result="dropped"}}; updates of violations already held
     * are never dropped.
     */
    @WithDefault("10000")
    int queueCapacity();

    /** Per-request timeout, connection included. */
    @WithDefault("10s")
    Duration timeout();

    /**
     * flowwatch's own externally reachable base URL: {@code generatorURL} is
     * {@code <external-url>/api/v1/violations/<id>}, and a relative {@link #runbookUrl()} is resolved against it.
     */
    @WithDefault("http://localhost:8080")
    String externalUrl();

    /**
     * The runbook; each alert's {@code runbook_url} annotation is {@code <runbook-url>#alert-name-<alertname in
     * lower case>}, the anchor of the alert's heading.
     */
    @WithDefault("https://github.com/matih-ai/flowwatch/blob/main/alerts/runbook.md")
    String runbookUrl();

    /** Retries of a failed delivery. */
    Retry retry();

    /** TLS towards the Alertmanagers ({@code https://} URLs). */
    Tls tls();

    /**
     * HTTP basic authentication; exclusive with the bearer token settings. Credentials of any kind need
     * {@code https://} URLs: with a plain {@code http://} one the start is refused.
     */
    Basic basic();

    /** A bearer token sent as {@code Authorization: Bearer <token>}; {@code none} (the default) for no token. */
    @WithDefault(NONE)
    String bearerToken();

    /**
     * A file holding the bearer token, read again for every request so that a rotated (for instance projected
     * service-account) token is picked up; {@code none} (the default) for no file.
     */
    @WithDefault(NONE)
    String bearerTokenFile();

    /** Exponential backoff between attempts to deliver to one Alertmanager. */
    interface Retry {

        /** Delay after the first failed attempt; it doubles with each further failure. */
        @WithDefault("500ms")
        Duration initialBackoff();

        /** Upper bound of the delay between attempts. */
        @WithDefault("30s")
        Duration maxBackoff();

        /**
         * Attempts at one batch before giving up on it (counted as {@code result="failed"}); an active alert given
         * up on is tried again at the next resend.
         */
        @WithDefault("5")
        int maxAttempts();
    }

    /** TLS settings. */
    interface Tls {

        /** A PEM file of CA certificates to trust instead of the JVM's; {@code none} (the default) for the JVM's. */
        @WithDefault(NONE)
        String caFile();

        /**
         * Accept any server certificate and host name. For tests only: it makes TLS worthless against an attacker, so
         * the start is refused unless {@link #insecureSkipVerifyConfirmed()} is set too.
         */
        @WithDefault("false")
        boolean insecureSkipVerify();

        /**
         * The second switch {@link #insecureSkipVerify()} needs: {@code true} says that accepting any server
         * certificate is meant (a test set-up). Without it, {@code insecure-skip-verify=true} stops the start.
         */
        @WithDefault("false")
        boolean insecureSkipVerifyConfirmed();
    }

    /** Basic authentication settings. */
    interface Basic {

        /** User name; {@code none} (the default) for no basic authentication. */
        @WithDefault(NONE)
        String username();

        /** Password, used with {@link #username()}. */
        @WithDefault(NONE)
        String password();
    }

    /** The configured Alertmanager URLs, without blanks and the {@code none} placeholder. */
    default List<String> targets() {
        return urls().stream()
                .map(String::trim)
                .filter(u -> !u.isEmpty() && !NONE.equals(u))
                .toList();
    }

    /** True when alerts are to be pushed: enabled, with at least one URL. */
    default boolean active() {
        return enabled() && !targets().isEmpty();
    }

    /** True when a string setting holds a value. */
    static boolean isSet(String value) {
        return value != null && !value.isBlank() && !NONE.equals(value.trim());
    }
}
