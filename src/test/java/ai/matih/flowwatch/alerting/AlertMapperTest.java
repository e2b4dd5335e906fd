package ai.matih.flowwatch.alerting;

import static ai.matih.flowwatch.alerting.AlertTestSupport.ACME_NS;
import static ai.matih.flowwatch.alerting.AlertTestSupport.GLOBEX_NS;
import static ai.matih.flowwatch.alerting.AlertTestSupport.T0;
import static ai.matih.flowwatch.alerting.AlertTestSupport.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import ai.matih.flowwatch.api.TenantAlertRedaction;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationType;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AlertMapperTest {

    private static final String RUNBOOK = "https://github.com/matih-ai/flowwatch/blob/main/alerts/runbook.md";
    private final AlertMapper mapper =
            new AlertMapper("https://flowwatch.example.com/", RUNBOOK, new TenantAlertRedaction());

    static Stream<Arguments> shouldNameAndSummariseEveryType() {
        return Stream.of(
                Arguments.of(
                        ViolationType.ISOLATION_BREACH,
                        "FlowwatchIsolationBreach",
                        "Traffic forbidden by tenant isolation was allowed."),
                Arguments.of(
                        ViolationType.UNEXPECTED_EGRESS,
                        "FlowwatchUnexpectedEgress",
                        "A tenant reached outside the cluster without an egress exception."),
                Arguments.of(
                        ViolationType.ENFORCEMENT_GAP,
                        "FlowwatchEnforcementGap",
                        "The CNI allowed traffic that the network policies deny."),
                Arguments.of(
                        ViolationType.BLOCKED_ATTEMPT,
                        "FlowwatchBlockedAttempt",
                        "Traffic forbidden by tenant isolation was attempted and blocked."),
                Arguments.of(
                        ViolationType.UNEXPECTED_DENY,
                        "FlowwatchUnexpectedDeny",
                        "Traffic permitted by tenant isolation was blocked."),
                Arguments.of(
                        ViolationType.UNCLASSIFIED,
                        "FlowwatchUnclassified",
                        "Traffic could not be judged against tenant isolation."),
                Arguments.of(
                        ViolationType.POLICY_TAMPERING,
                        "FlowwatchPolicyTampering",
                        "A tenant's network policy was changed or removed."),
                Arguments.of(
                        ViolationType.TOPOLOGY_DRIFT,
                        "FlowwatchTopologyDrift",
                        "A namespace's role or tenant label changed."),
                Arguments.of(
                        ViolationType.FORBIDDEN_API_ACCESS,
                        "FlowwatchForbiddenApiAccess",
                        "A tenant's service account was refused access to another tenant."),
                Arguments.of(
                        ViolationType.CROSS_TENANT_EXEC,
                        "FlowwatchCrossTenantExec",
                        "A tenant's service account opened a session in another tenant's pod."),
                Arguments.of(
                        ViolationType.POLICY_GAP,
                        "FlowwatchPolicyGap",
                        "A topology change made the network policies allow what tenant isolation forbids."));
    }

    @ParameterizedTest
    @MethodSource
    void shouldNameAndSummariseEveryType(ViolationType type, String alertname, String summary) {
        // Given
        Violation violation = AlertTestSupport.violation(
                "v-1",
                type,
                type.severity(),
                "acme-corp",
                "globex",
                endpoint(ACME_NS, "acme-corp"),
                endpoint(GLOBEX_NS, "globex"),
                "it happened",
                3,
                T0,
                T0.plusSeconds(5));

        // When
        List<Alert> alerts = mapper.toAlerts(violation, T0.plusSeconds(600));

        // Then: one alert per tenant, each with its side and only its own namespace
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).labels())
                .containsOnly(
                        entry("alertname", alertname),
                        entry("severity", type.severity().tag()),
                        entry("type", type.name()),
                        entry("tenant", "acme-corp"),
                        entry("side", "source"),
                        entry("source_namespace", ACME_NS),
                        entry("violation_id", "v-1"));
        assertThat(alerts.get(1).labels())
                .containsOnly(
                        entry("alertname", alertname),
                        entry("severity", type.severity().tag()),
                        entry("type", type.name()),
                        entry("tenant", "globex"),
                        entry("side", "destination"),
                        entry("destination_namespace", GLOBEX_NS),
                        entry("violation_id", "v-1"));
        for (Alert alert : alerts) {
            assertThat(alert.annotations())
                    .containsEntry("summary", summary)
                    .containsEntry("runbook_url", RUNBOOK + "#alert-name-" + alertname.toLowerCase());
            assertThat(alert.annotations().get("summary")).doesNotContain("{{").doesNotContain("acme");
        }
    }

    @Test
    void shouldCoverEveryViolationType() {
        // Given
        long tabled = shouldNameAndSummariseEveryType().count();

        // When
        long types = Arrays.stream(ViolationType.values()).count();

        // Then
        assertThat(tabled).isEqualTo(types);
    }

    @Test
    void shouldDescribeReasonCountAndCauseAsEachTenantMaySeeThem() {
        // Given: acme-corp reached globex, whose policy allowed it
        Violation violation = AlertTestSupport.breach("v-1", 3, T0, T0.plusSeconds(5));

        // When
        List<Alert> alerts = mapper.toAlerts(violation, T0.plusSeconds(600));

        // Then: each tenant's alert names its own end and policies, the other tenant's end only as another tenant's
        assertThat(alerts)
                .extracting(a -> a.annotations().get("description"))
                .containsExactly(
                        "acme-corp api → (another tenant): cross-tenant traffic is forbidden. 3 connection attempts"
                                + " between 2026-03-01T10:00:00Z and 2026-03-01T10:00:05Z. Cause: policy-permits.",
                        "(another tenant) → globex api: cross-tenant traffic is forbidden. 3 connection attempts"
                                + " between 2026-03-01T10:00:00Z and 2026-03-01T10:00:05Z. Cause: policy-permits"
                                + " (matih-data-plane-globex/allow-all).");
        assertThat(alerts.get(1).toString()).doesNotContain("acme");
        assertThat(alerts.get(0).toString()).doesNotContain("globex");
        for (Alert alert : alerts) {
            assertThat(alert.startsAt()).isEqualTo(T0);
            assertThat(alert.endsAt()).isEqualTo(T0.plusSeconds(600));
            assertThat(alert.generatorUrl()).isEqualTo("https://flowwatch.example.com/api/v1/violations/v-1");
        }
    }

    @Test
    void shouldSendOneUnredactedAlertOfAViolationWithoutTenant() {
        // Given: no tenant at either end
        EndpointView monitoring =
                new EndpointView("monitoring", "prometheus", "prometheus-0", "10.244.3.3", null, "other", false, null);
        EndpointView unknown = new EndpointView(null, null, null, "10.99.0.1", null, "unknown", false, null);
        Violation violation = AlertTestSupport.violation(
                "v-3",
                ViolationType.ISOLATION_BREACH,
                Severity.CRITICAL,
                null,
                null,
                monitoring,
                unknown,
                "monitoring → 10.99.0.1",
                1,
                T0,
                T0);

        // When
        List<Alert> alerts = mapper.toAlerts(violation, T0.plusSeconds(600));

        // Then
        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.labels())
                    .containsOnlyKeys("alertname", "severity", "type", "source_namespace", "violation_id");
            assertThat(alert.annotations().get("description")).startsWith("monitoring → 10.99.0.1. 1 connection ");
        });
    }

    @Test
    void shouldLeaveOutEmptyLabels() {
        // Given: an external destination without namespace or tenant, and a blank peer
        EndpointView external = new EndpointView(null, null, null, "8.8.8.8", null, "external", true, null);
        Violation violation = AlertTestSupport.violation(
                "v-2",
                ViolationType.UNEXPECTED_EGRESS,
                Severity.CRITICAL,
                "acme-corp",
                " ",
                endpoint(ACME_NS, "acme-corp"),
                external,
                "acme-corp → 8.8.8.8:53",
                1,
                T0,
                T0);

        // When
        List<Alert> alerts = mapper.toAlerts(violation, T0.plusSeconds(600));

        // Then
        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.labels())
                    .containsOnlyKeys(
                            "alertname", "severity", "type", "tenant", "side", "source_namespace", "violation_id")
                    .containsEntry("side", "source");
            assertThat(alert.labels().values()).allSatisfy(v -> assertThat(v).isNotBlank());
            assertThat(alert.annotations().get("description"))
                    .startsWith("acme-corp → 8.8.8.8:53. 1 connection attempt ");
        });
    }

    @Test
    void shouldLabelTheAlertWithTheClusterOfItsViolation() {
        // Given: a violation of cluster eu-prod-1, and one of a cluster without a name
        Violation named = AlertTestSupport.breach("v-1", 1, T0, T0).toBuilder()
                .cluster("eu-prod-1")
                .build();
        Violation unnamed = AlertTestSupport.breach("v-2", 1, T0, T0);

        // When
        List<Alert> a = mapper.toAlerts(named, T0.plusSeconds(600));
        List<Alert> b = mapper.toAlerts(unnamed, T0.plusSeconds(600));

        // Then: every alert of the violation (one per tenant it involves) carries it
        assertThat(a)
                .isNotEmpty()
                .allSatisfy(alert -> assertThat(alert.labels()).containsEntry("cluster", "eu-prod-1"));
        assertThat(b)
                .isNotEmpty()
                .allSatisfy(alert -> assertThat(alert.labels()).doesNotContainKey("cluster"));
    }

    @Test
    void shouldKeepTheSameLabelsAcrossUpdates() {
        // Given
        Violation first = AlertTestSupport.breach("v-1", 1, T0, T0);
        Violation later = AlertTestSupport.breach("v-1", 900, T0, T0.plusSeconds(300));

        // When
        List<Alert> a = mapper.toAlerts(first, T0.plusSeconds(600));
        List<Alert> b = mapper.toAlerts(later, T0.plusSeconds(900));

        // Then: the same two alerts, distinct from each other by tenant and side
        assertThat(b)
                .extracting(Alert::labels)
                .isEqualTo(a.stream().map(Alert::labels).toList());
        assertThat(a.get(0).labels()).isNotEqualTo(a.get(1).labels());
        assertThat(b.get(1).annotations().get("description"))
                .isNotEqualTo(a.get(1).annotations().get("description"));
    }

    @Test
    void shouldResolveARelativeRunbookAgainstTheExternalUrl() {
        // Given
        AlertMapper relative =
                new AlertMapper("http://flowwatch:8080", "/docs/runbook.html", new TenantAlertRedaction());

        // When
        Alert alert = relative.toAlerts(AlertTestSupport.breach("a b/c", 1, T0, T0), T0.plusSeconds(1))
                .get(0);

        // Then
        assertThat(alert.annotations().get("runbook_url"))
                .isEqualTo("http://flowwatch:8080/docs/runbook.html#alert-name-flowwatchisolationbreach");
        assertThat(alert.generatorUrl()).isEqualTo("http://flowwatch:8080/api/v1/violations/a%20b%2Fc");
    }

    @Test
    void shouldKeepStartsAtBeforeEndsAt() {
        // Given: a violation seen after the end asked for
        Instant endsAt = T0;

        // When
        List<Alert> alerts =
                mapper.toAlerts(AlertTestSupport.breach("v-1", 1, T0.plusSeconds(5), T0.plusSeconds(5)), endsAt);

        // Then
        assertThat(alerts).allSatisfy(alert -> assertThat(alert.startsAt()).isBefore(alert.endsAt()));
    }
}
