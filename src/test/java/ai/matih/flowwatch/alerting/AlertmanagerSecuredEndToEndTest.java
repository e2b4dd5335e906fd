package ai.matih.flowwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.api.TenantAlertRedaction;
import ai.matih.flowwatch.violation.Violation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher against a real Alertmanager serving HTTPS (self-signed certificate) with basic authentication. */
class AlertmanagerSecuredEndToEndTest {

    @TempDir
    Path dir;

    private AlertmanagerProcess alertmanager;
    private AlertPublisher publisher;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void needsTheBinary() {
        AlertmanagerProcess.binary();
    }

    @BeforeEach
    void startAlertmanager() throws IOException {
        alertmanager = AlertmanagerProcess.startSecured(dir);
    }

    @AfterEach
    void stopAll() {
        if (publisher != null) {
            publisher.close();
        }
        alertmanager.close();
    }

    private AlertPublisher publisher(String... properties) {
        Map<String, String> map = new HashMap<>(Map.of(
                "flowwatch.alertmanager.urls",
                alertmanager.url(),
                "flowwatch.alertmanager.basic.username",
                AlertmanagerProcess.USER,
                "flowwatch.alertmanager.basic.password",
                AlertmanagerProcess.PASSWORD,
                "flowwatch.alertmanager.timeout",
                "2s",
                "flowwatch.alertmanager.retry.initial-backoff",
                "100ms",
                "flowwatch.alertmanager.retry.max-attempts",
                "2"));
        for (int i = 0; i < properties.length; i += 2) {
            map.put(properties[i], properties[i + 1]);
        }
        publisher = new AlertPublisher(AlertTestSupport.config(map), registry, new TenantAlertRedaction());
        publisher.start();
        return publisher;
    }

    private double sent(String result) {
        return registry.get(AlertMetrics.SENT)
                .tag(AlertMetrics.RESULT, result)
                .counter()
                .count();
    }

    private static Violation breach(String id) {
        Instant now = Instant.now();
        return AlertTestSupport.breach(id, 1, now, now);
    }

    @Test
    void shouldDeliverOverTlsTrustingTheCaFileWithBasicAuth() {
        // Given
        AlertPublisher publisher = publisher(
                "flowwatch.alertmanager.tls.ca-file", alertmanager.certificate().toString());

        // When
        publisher.changed(breach("v-tls"), true);

        // Then
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(alertmanager.alertsOf("v-tls", "active=true"))
                        .hasSize(2));
        assertThat(sent("failed")).isZero();
    }

    @Test
    void shouldRefuseAnUntrustedCertificate() {
        // Given: the JVM's trust store does not know the self-signed certificate
        AlertPublisher publisher = publisher();

        // When
        publisher.changed(breach("v-untrusted"), true);

        // Then: the breach's two alerts (one per tenant) failed
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(sent("failed")).isEqualTo(2));
        assertThat(alertmanager.alertsOf("v-untrusted", "")).isEmpty();
    }

    @Test
    void shouldCountAWrongPasswordAsFailed() {
        // Given
        AlertPublisher publisher = publisher(
                "flowwatch.alertmanager.tls.insecure-skip-verify",
                "true",
                "flowwatch.alertmanager.tls.insecure-skip-verify-confirmed",
                "true",
                "flowwatch.alertmanager.basic.password",
                "wrong");

        // When
        publisher.changed(breach("v-unauthorized"), true);

        // Then: the breach's two alerts (one per tenant) failed
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(sent("failed")).isEqualTo(2));
        assertThat(alertmanager.alertsOf("v-unauthorized", "")).isEmpty();
        assertThat(sent("sent")).isZero();
    }
}
