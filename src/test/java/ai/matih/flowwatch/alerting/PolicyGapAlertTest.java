package ai.matih.flowwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.api.TenantAlertRedaction;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A policy gap's alert stays active while the gap is open, however long, and ends when the gap is resolved. */
class PolicyGapAlertTest {

    static final Instant OPENED = Instant.parse("2026-12-05T00:00:00Z");
    static final Duration QUIET = Duration.ofMinutes(10);

    static Violation gap(String policy, Instant lastSeen) {
        return Violation.builder()
                .id("policy-gap-0123456789abcdef0123-1")
                .type(ViolationType.POLICY_GAP)
                .severity(Severity.CRITICAL)
                .tenant("acme-corp")
                .policy(policy)
                .intent("FORBIDDEN")
                .reason("open door")
                .firstSeen(OPENED)
                .lastSeen(lastSeen)
                .count(1)
                .build();
    }

    @Test
    void anOpenGapNeverGoesQuietAndAResolvedOneEndsWhenItWasResolved() {
        // Given
        PendingAlerts pending = new PendingAlerts(10);
        pending.offer(gap("ALLOW", OPENED), OPENED);
        Instant muchLater = OPENED.plus(Duration.ofHours(5));
        // When / Then: open, hours later, still active, ending one quiet period after now
        PendingAlerts.Pending open = pending.get("policy-gap-0123456789abcdef0123-1");
        assertThat(open.resolved(muchLater, QUIET)).isFalse();
        assertThat(open.endsAt(QUIET, muchLater)).isEqualTo(muchLater.plus(QUIET));
        // When resolved
        Instant resolvedAt = muchLater.plusSeconds(1);
        pending.offer(gap(null, resolvedAt), resolvedAt);
        PendingAlerts.Pending resolved = pending.get("policy-gap-0123456789abcdef0123-1");
        // Then it ends at once, at the time it was resolved
        assertThat(resolved.endsAt(QUIET, resolvedAt)).isEqualTo(resolvedAt);
        assertThat(resolved.resolved(resolvedAt, QUIET)).isTrue();
        assertThat(new AlertMapper("http://flowwatch", "runbook", new TenantAlertRedaction())
                        .toAlerts(resolved.violation(), resolved.endsAt(QUIET, resolvedAt))
                        .get(0)
                        .labels())
                .containsEntry("alertname", "FlowwatchPolicyGap")
                .containsEntry("severity", "critical");
    }
}
