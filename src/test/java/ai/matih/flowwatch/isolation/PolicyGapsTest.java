package ai.matih.flowwatch.isolation;

import static ai.matih.flowwatch.isolation.IsolationAuditTest.ACME;
import static ai.matih.flowwatch.isolation.IsolationAuditTest.DEMO;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.violation.AuditEvidence;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationJournal;
import ai.matih.flowwatch.violation.ViolationListeners;
import ai.matih.flowwatch.violation.ViolationMeter;
import ai.matih.flowwatch.violation.ViolationRecorder;
import ai.matih.flowwatch.violation.ViolationStore;
import ai.matih.flowwatch.violation.ViolationType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The POLICY_GAP violations over a real store and recorder: the first report is the baseline; a door opened by a
 * change is one gap (carrying the change), however many reports repeat it; closed, the gap is resolved; opened again,
 * it is a new gap.
 */
class PolicyGapsTest {

    static final String OPEN = DEMO + "\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
            + "  name: open-ingress\n  namespace: " + ACME + "\nspec:\n  podSelector: {}\n  policyTypes:\n"
            + "    - Ingress\n  ingress:\n    - {}\n";
    static final AuditEvidence CHANGE = new AuditEvidence(
            "audit-1",
            "alice",
            "create",
            "networkpolicies " + ACME + "/open-ingress",
            201,
            null,
            Instant.parse("2026-12-05T00:00:30Z"));

    final ViolationStore store = new ViolationStore(1_000, 100);
    final List<Violation> told = new ArrayList<>();
    final ViolationRecorder recorder = new ViolationRecorder(
            store,
            (source, destination, at) -> ACME.equals(source) || ACME.equals(destination) ? CHANGE : null,
            new ViolationMeter() {
                @Override
                public void counted(Violation violation, long attempts) {}

                @Override
                public void writeSkipped(String reason) {}
            },
            new ViolationListeners(List.of((v, created) -> told.add(v))),
            new ViolationJournal() {
                @Override
                public void begin() {}

                @Override
                public List<CompletableFuture<?>> flush() {
                    return List.of();
                }

                @Override
                public void changed(String id) {}
            });
    final PolicyGaps gaps = new PolicyGaps(recorder, store, (s, d, at) -> null);

    static IsolationReport report(String yaml, int minute) {
        return IsolationAudit.audit(
                IsolationAuditTest.topology(yaml),
                CniProfile.CONFORMANCE,
                Instant.parse("2026-12-05T00:00:00Z").plusSeconds(60L * minute));
    }

    List<Violation> stored() {
        return told.stream()
                .map(v -> store.get(v.id()))
                .distinct()
                .filter(v -> v.type() == ViolationType.POLICY_GAP)
                .toList();
    }

    @Test
    void aDoorOpenedByAChangeIsOneGapUntilClosedAndANewOneWhenOpenedAgain() {
        PolicyGaps withChanges =
                new PolicyGaps(recorder, store, (s, d, at) -> ACME.equals(s) || ACME.equals(d) ? CHANGE : null);
        // Given the seed as the baseline: its DNS-rule doors open no gap
        IsolationReport seed = report(DEMO, 0);
        withChanges.update(null, seed, seed.generatedAt());
        assertThat(stored()).isEmpty();
        // When an allow-all ingress policy opens doors, and a later report still has them
        IsolationReport open = report(OPEN, 1);
        withChanges.update(seed, open, open.generatedAt());
        IsolationReport again = report(OPEN, 2);
        withChanges.update(open, again, again.generatedAt());
        // Then one gap per tenant and finding, critical, open, with the change that made it
        List<Violation> opened = stored();
        assertThat(opened).isNotEmpty().allSatisfy(g -> {
            assertThat(PolicyGaps.isOpen(g)).isTrue();
            assertThat(g.severity().tag()).isEqualTo("critical");
            assertThat(g.evidence().audit()).isEqualTo(CHANGE);
            assertThat(g.decidedBy()).anyMatch(d -> d.startsWith(ACME + "/open-ingress#ingress[0]"));
        });
        assertThat(opened).extracting(Violation::id).doesNotHaveDuplicates();
        assertThat(withChanges.openIds()).hasSameSizeAs(opened);
        // When the door is closed
        IsolationReport closed = report(DEMO, 3);
        withChanges.update(again, closed, closed.generatedAt());
        // Then every gap is resolved at that time
        assertThat(stored()).hasSameSizeAs(opened).allSatisfy(g -> {
            assertThat(PolicyGaps.isResolved(g)).isTrue();
            assertThat(g.lastSeen()).isEqualTo(closed.generatedAt());
            assertThat(g.reason()).contains("Resolved at");
        });
        assertThat(withChanges.openIds()).isEmpty();
        // When it is opened again: new gaps, the old ones stay resolved
        IsolationReport reopened = report(OPEN, 4);
        withChanges.update(closed, reopened, reopened.generatedAt());
        assertThat(withChanges.openIds())
                .hasSameSizeAs(opened)
                .doesNotContainAnyElementsOf(opened.stream().map(Violation::id).toList());
    }

    @Test
    void aGapStillOpenInTheStoreIsTakenOverAtStartAndResolvedWhenItsDoorIsGone() {
        // Given a run that opened gaps
        IsolationReport seed = report(DEMO, 0);
        gaps.update(null, seed, seed.generatedAt());
        IsolationReport open = report(OPEN, 1);
        gaps.update(seed, open, open.generatedAt());
        List<String> ids = stored().stream().map(Violation::id).toList();
        assertThat(ids).isNotEmpty();
        // When a new run (same store, as rebuilt from the violations topic) starts on the closed topology
        PolicyGaps restarted = new PolicyGaps(recorder, store, (s, d, at) -> null);
        IsolationReport closed = report(DEMO, 2);
        restarted.update(null, closed, closed.generatedAt());
        // Then it took them over and resolved them
        assertThat(ids)
                .allSatisfy(
                        id -> assertThat(PolicyGaps.isResolved(store.get(id))).isTrue());
    }
}
