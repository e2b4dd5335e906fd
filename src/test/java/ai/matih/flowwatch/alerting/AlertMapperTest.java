package ai.matih.flowwatch.alerting;

import static ai.matih.flowwatch.alerting.AlertTestSupport.ACME_NS;
import static ai.matih.flowwatch.alerting.AlertTestSupport.GLOBEX_NS;
import static ai.matih.flowwatch.alerting.AlertTestSupport.T0;
import static ai.matih.flowwatch.alerting.AlertTestSupport.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationType;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AlertMapperTest {

    private static final String RUNBOOK = "https://github.com/matih-ai/flowwatch/blob/main/alerts/runbook.md";
    private final AlertMapper mapper = new AlertMapper("https://flowwatch.example.com/", RUNBOOK);

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
                        ViolationType.WOULD_BE_BLOCKED,
                        "FlowwatchWouldBeBlocked",
                        "Forbidden traffic would be blocked once staged policies are enforced."),
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
                        "A tenant's service account opened a session in another tenant's pod."));
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
        Alert alert = mapper.toAlert(violation, T0.plusSeconds(600));

        // Then
        assertThat(alert.labels())
                .containsOnly(
                        entry("alertname", alertname),
                        entry("severity", type.severity().tag()),
                        entry("type", type.name()),
                        entry("tenant", "acme-corp"),
                        entry("peer_tenant", "globex"),
                        entry("source_namespace", ACME_NS),
                        entry("destination_namespace", GLOBEX_NS),
                        entry("violation_id", "v-1"));
        assertThat(alert.annotations())
                .containsEntry("summary", summary)
                .containsEntry("runbook_url", RUNBOOK + "#alert-name-" + alertname.toLowerCase());
        assertThat(alert.annotations().get("summary")).doesNotContain("{{").doesNotContain("acme");
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
    void shouldDescribeReasonCountAndCause() {
        // Given
        Violation violation = AlertTestSupport.breach("v-1", 3, T0, T0.plusSeconds(5));

        // When
        Alert alert = mapper.toAlert(violation, T0.plusSeconds(600));

        // Then
        assertThat(alert.annotations().get("description"))
                .isEqualTo("acme-corp → globex: cross-tenant traffic is forbidden. 3 connection attempts between "
                        + "2026-03-01T10:00:00Z and 2026-03-01T10:00:05Z. Cause: policy-permits "
                        + "(matih-data-plane-globex/allow-all).");
        assertThat(alert.startsAt()).isEqualTo(T0);
        assertThat(alert.endsAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(alert.generatorUrl()).isEqualTo("https://flowwatch.example.com/api/v1/violations/v-1");
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
        Alert alert = mapper.toAlert(violation, T0.plusSeconds(600));

        // Then
        assertThat(alert.labels())
                .containsOnlyKeys("alertname", "severity", "type", "tenant", "source_namespace", "violation_id");
        assertThat(alert.labels().values()).allSatisfy(v -> assertThat(v).isNotBlank());
        assertThat(alert.annotations().get("description")).startsWith("acme-corp → 8.8.8.8:53. 1 connection attempt ");
    }

    @Test
    void shouldLabelTheAlertWithTheClusterOfItsViolation() {
        // Given: a violation of cluster eu-prod-1, and one of a cluster without a name
        Violation named = AlertTestSupport.breach("v-1", 1, T0, T0).toBuilder()
                .cluster("eu-prod-1")
                .build();
        Violation unnamed = AlertTestSupport.breach("v-2", 1, T0, T0);

        // When
        Alert a = mapper.toAlert(named, T0.plusSeconds(600));
        Alert b = mapper.toAlert(unnamed, T0.plusSeconds(600));

        // Then
        assertThat(a.labels()).containsEntry("cluster", "eu-prod-1");
        assertThat(b.labels()).doesNotContainKey("cluster");
    }

    @Test
    void shouldKeepTheSameLabelsAcrossUpdates() {
        // Given
        Violation first = AlertTestSupport.breach("v-1", 1, T0, T0);
        Violation later = AlertTestSupport.breach("v-1", 900, T0, T0.plusSeconds(300));

        // When
        Alert a = mapper.toAlert(first, T0.plusSeconds(600));
        Alert b = mapper.toAlert(later, T0.plusSeconds(900));

        // Then
        assertThat(b.labels()).isEqualTo(a.labels());
        assertThat(b.annotations().get("description"))
                .isNotEqualTo(a.annotations().get("description"));
    }

    @Test
    void shouldResolveARelativeRunbookAgainstTheExternalUrl() {
        // Given
        AlertMapper relative = new AlertMapper("http://flowwatch:8080", "/docs/runbook.html");

        // When
        Alert alert = relative.toAlert(AlertTestSupport.breach("a b/c", 1, T0, T0), T0.plusSeconds(1));

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
        Alert alert = mapper.toAlert(AlertTestSupport.breach("v-1", 1, T0.plusSeconds(5), T0.plusSeconds(5)), endsAt);

        // Then
        assertThat(alert.startsAt()).isBefore(alert.endsAt());
    }
}
