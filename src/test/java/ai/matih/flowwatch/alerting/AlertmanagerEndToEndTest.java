package ai.matih.flowwatch.alerting;

import static ai.matih.flowwatch.alerting.AlertTestSupport.ACME_NS;
import static ai.matih.flowwatch.alerting.AlertTestSupport.GLOBEX_NS;
import static ai.matih.flowwatch.alerting.AlertTestSupport.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.api.TenantAlertRedaction;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher against a real Alertmanager process (no mocks): alerts appear once per violation and tenant with the
 * documented labels and annotations, updates do not duplicate them, they resolve after the quiet period, and they survive an
 * Alertmanager restart. Needs {@code prometheus-alertmanager} installed: the test fails without it.
 */
class AlertmanagerEndToEndTest {

    private static final String EXTERNAL_URL = "http://flowwatch.test:8080";
    private static final String RUNBOOK = "https://github.com/matih-ai/flowwatch/blob/main/alerts/runbook.md";
    private static final ObjectMapper JSON = new ObjectMapper();

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
        alertmanager = AlertmanagerProcess.start(dir);
    }

    @AfterEach
    void stopAll() {
        if (publisher != null) {
            publisher.close();
        }
        if (alertmanager != null) {
            alertmanager.close();
        }
    }

    private AlertPublisher publisher(String... properties) {
        Map<String, String> map = new HashMap<>(Map.of(
                "flowwatch.alertmanager.urls", alertmanager.url(),
                "flowwatch.alertmanager.external-url", EXTERNAL_URL,
                "flowwatch.alertmanager.quiet-period", "3s",
                "flowwatch.alertmanager.resend-interval", "1s",
                "flowwatch.alertmanager.timeout", "2s"));
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

    private static Violation breach(String id, long count) {
        Instant now = Instant.now();
        return AlertTestSupport.breach(id, count, now.minusSeconds(60), now);
    }

    private static JsonNode alertOf(List<JsonNode> alerts, String tenant) {
        return alerts.stream()
                .filter(a -> tenant.equals(a.path("labels").path("tenant").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alert for tenant " + tenant + " in " + alerts));
    }

    private static Map<String, String> map(JsonNode node) {
        return JSON.convertValue(node, JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    }

    @Test
    void shouldShowOneAlertPerViolationThenResolveIt() {
        // Given
        AlertPublisher publisher = publisher();
        EndpointView external = new EndpointView(null, null, null, "203.0.113.7", null, "external", true, null);
        Instant now = Instant.now();

        // When
        publisher.changed(breach("v-breach", 1), true);
        publisher.changed(
                AlertTestSupport.violation(
                        "v-egress",
                        ViolationType.UNEXPECTED_EGRESS,
                        Severity.CRITICAL,
                        "acme-corp",
                        null,
                        endpoint(ACME_NS, "acme-corp"),
                        external,
                        "acme-corp → 203.0.113.7:443",
                        2,
                        now,
                        now),
                true);
        publisher.changed(
                AlertTestSupport.violation(
                        "v-blocked",
                        ViolationType.BLOCKED_ATTEMPT,
                        Severity.INFO,
                        "acme-corp",
                        "globex",
                        endpoint(ACME_NS, "acme-corp"),
                        endpoint(GLOBEX_NS, "globex"),
                        "blocked",
                        1,
                        now,
                        now),
                true);

        // Then: one alert per tenant of each alerting violation, with the documented labels and annotations; the
        // breach reaches globex, the tenant that was hit, as well as acme-corp, and each sees only its own end
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(alertmanager.alerts("active=true")).hasSize(3);
            List<JsonNode> breach = alertmanager.alertsOf("v-breach", "");
            assertThat(breach).hasSize(2);
            JsonNode source = alertOf(breach, "acme-corp");
            JsonNode destination = alertOf(breach, "globex");
            assertThat(map(source.path("labels")))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "alertname", "FlowwatchIsolationBreach",
                            "severity", "critical",
                            "type", "ISOLATION_BREACH",
                            "tenant", "acme-corp",
                            "side", "source",
                            "source_namespace", ACME_NS,
                            "violation_id", "v-breach"));
            assertThat(map(destination.path("labels")))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "alertname", "FlowwatchIsolationBreach",
                            "severity", "critical",
                            "type", "ISOLATION_BREACH",
                            "tenant", "globex",
                            "side", "destination",
                            "destination_namespace", GLOBEX_NS,
                            "violation_id", "v-breach"));
            for (JsonNode alert : breach) {
                assertThat(map(alert.path("annotations")))
                        .containsEntry("summary", "Traffic forbidden by tenant isolation was allowed.")
                        .containsEntry("runbook_url", RUNBOOK + "#alert-name-flowwatchisolationbreach");
                assertThat(alert.path("generatorURL").asText()).isEqualTo(EXTERNAL_URL + "/api/v1/violations/v-breach");
                assertThat(alert.path("status").path("state").asText()).isEqualTo("active");
            }
            assertThat(destination.path("annotations").path("description").asText())
                    .startsWith("(another tenant) → globex api: cross-tenant traffic is forbidden. 1 connection"
                            + " attempt ");
            assertThat(destination.toString()).doesNotContain("acme");
            assertThat(source.path("annotations").path("description").asText())
                    .startsWith("acme-corp api → (another tenant): cross-tenant traffic is forbidden. 1 connection"
                            + " attempt ");
            assertThat(source.toString()).doesNotContain("globex");
            assertThat(map(alertmanager.alertsOf("v-egress", "").get(0).path("labels")))
                    .containsOnlyKeys(
                            "alertname", "severity", "type", "tenant", "side", "source_namespace", "violation_id")
                    .containsEntry("alertname", "FlowwatchUnexpectedEgress")
                    .containsEntry("side", "source");
            assertThat(alertmanager.alertsOf("v-blocked", "")).isEmpty();
        });
        Map<String, String> fingerprints = new HashMap<>();
        alertmanager
                .alertsOf("v-breach", "")
                .forEach(a -> fingerprints.put(
                        a.path("labels").path("tenant").asText(),
                        a.path("fingerprint").asText()));

        // And when the violation is updated many times, it stays one alert per tenant whose description follows
        for (int i = 2; i <= 500; i++) {
            publisher.changed(breach("v-breach", i), false);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(alertmanager.alertsOf("v-breach", "")).hasSize(2).allSatisfy(a -> {
                assertThat(a.path("fingerprint").asText())
                        .isEqualTo(
                                fingerprints.get(a.path("labels").path("tenant").asText()));
                assertThat(a.path("annotations").path("description").asText()).contains(" 500 connection attempts ");
            });
            assertThat(alertmanager.alerts("")).hasSize(3);
        });

        // And when the violations go quiet, Alertmanager resolves them and flowwatch forgets them
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(alertmanager.alerts("active=true")).isEmpty();
            assertThat(publisher.pending().size()).isZero();
        });
        assertThat(sent("sent")).isGreaterThanOrEqualTo(4);
        assertThat(sent("failed")).isZero();
        assertThat(sent("dropped")).isZero();
    }

    @Test
    void shouldDeliverAlertsRaisedWhileAlertmanagerWasDown() throws IOException {
        // Given: retries outlast the restart; the resend is too slow to be what delivers them
        AlertPublisher publisher = publisher(
                "flowwatch.alertmanager.quiet-period", "5m",
                "flowwatch.alertmanager.resend-interval", "5m",
                "flowwatch.alertmanager.retry.initial-backoff", "200ms",
                "flowwatch.alertmanager.retry.max-backoff", "1s",
                "flowwatch.alertmanager.retry.max-attempts", "30");
        alertmanager.stop();

        // When
        publisher.changed(breach("v-1", 1), true);
        publisher.changed(breach("v-2", 1), true);
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
        alertmanager.restart();

        // Then
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(alertmanager.alertsOf("v-1", "active=true")).hasSize(2);
            assertThat(alertmanager.alertsOf("v-2", "active=true")).hasSize(2);
        });
        assertThat(sent("failed")).isZero();
        assertThat(sent("sent")).as("two violations, two tenants each").isEqualTo(4);
    }

    @Test
    void shouldDeliverAlertsRaisedDuringAMinuteLongOutage() throws IOException {
        // Given: default retries (they give up after about 15 s), alerts re-sent every 10 s
        Duration outage = Duration.parse(System.getProperty("flowwatch.test.alertmanager-outage", "PT60S"));
        AlertPublisher publisher = publisher(
                "flowwatch.alertmanager.quiet-period", "10m",
                "flowwatch.alertmanager.resend-interval", "10s");
        alertmanager.stop();

        // When: violations are raised while Alertmanager is down for a minute
        publisher.changed(breach("v-outage-1", 1), true);
        await().pollDelay(outage.dividedBy(2)).atMost(outage).until(() -> true);
        publisher.changed(breach("v-outage-2", 3), true);
        await().pollDelay(outage.dividedBy(2)).atMost(outage).until(() -> true);
        alertmanager.restart();

        // Then: both arrive once it is back
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(alertmanager.alertsOf("v-outage-1", "active=true")).hasSize(2);
            assertThat(alertmanager.alertsOf("v-outage-2", "active=true")).hasSize(2);
        });
    }

    @Test
    void shouldFlushPendingAlertsAtShutdown() {
        // Given: a publisher whose sender has not run yet
        AlertPublisher publisher = publisher("flowwatch.alertmanager.quiet-period", "5m");
        publisher.changed(breach("v-last", 1), true);

        // When
        publisher.close();

        // Then
        assertThat(alertmanager.alertsOf("v-last", "active=true")).hasSize(2);
    }

    private static Violation gap(String policy, Instant opened, Instant lastSeen) {
        return Violation.builder()
                .id("policy-gap-0123456789abcdef0123-1")
                .type(ViolationType.POLICY_GAP)
                .severity(Severity.CRITICAL)
                .tenant("acme-corp")
                .policy(policy)
                .intent("FORBIDDEN")
                .reason("The NetworkPolicies now open a door the isolation model forbids.")
                .firstSeen(opened)
                .lastSeen(lastSeen)
                .count(1)
                .build();
    }

    @Test
    void aPolicyGapStaysActivePastTheQuietPeriodAndResolvesWhenClosed() {
        // Given: a quiet period of 3 s
        AlertPublisher publisher = publisher();
        Instant opened = Instant.now();
        // When a gap opens and nothing changes for twice the quiet period
        publisher.changed(gap("ALLOW", opened, opened), true);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(alertmanager.alertsOf("policy-gap-0123456789abcdef0123-1", "active=true"))
                                .hasSize(1));
        await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
        // Then it is still active
        assertThat(alertmanager.alertsOf("policy-gap-0123456789abcdef0123-1", "active=true"))
                .hasSize(1);
        // When it is resolved
        Instant resolved = Instant.now();
        publisher.changed(gap(null, opened, resolved), false);
        // Then Alertmanager has it resolved at once, not a quiet period later
        await().atMost(Duration.ofSeconds(3))
                .untilAsserted(
                        () -> assertThat(alertmanager.alertsOf("policy-gap-0123456789abcdef0123-1", "active=true"))
                                .isEmpty());
    }
}
