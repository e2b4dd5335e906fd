package ai.matih.flowwatch.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.violation.AuditEvidence;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The remembered audit changes stay bounded however many namespaces the audit stream names. */
class RecentChangesTest {

    private static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");

    @Test
    void shouldStayBoundedThroughTenThousandHostileNamespaces() {
        // Given: a real change, then 10,000 changes of hostile namespaces, the first half long before the rest
        RecentChanges recent = new RecentChanges(Duration.ofMinutes(10), 1_000);
        recent.record("matih-data-plane-acme-corp", change("real", NOW.plusSeconds(3600)));

        // When
        int most = 0;
        for (int i = 0; i < 10_000; i++) {
            Instant at = i < 5_000 ? NOW.plusSeconds(i % 60) : NOW.plusSeconds(3600 + i % 60);
            recent.record("hostile-" + i, change("h" + i, at));
            most = Math.max(most, recent.size());
        }

        // Then: never past the bound; the newest changes still explain, the expired ones went first
        assertThat(most).isLessThanOrEqualTo(1_000);
        assertThat(recent.explaining("hostile-9999", null, NOW.plusSeconds(3700))
                        .auditId())
                .isEqualTo("h9999");
        assertThat(recent.explaining("hostile-10", null, NOW.plusSeconds(60))).isNull();
    }

    @Test
    void shouldKeepTheLatestChangePerNamespace() {
        // Given
        RecentChanges recent = new RecentChanges(Duration.ofMinutes(10), 10);

        // When
        recent.record("ns", change("second", NOW.plusSeconds(10)));
        recent.record("ns", change("first", NOW));

        // Then
        assertThat(recent.size()).isEqualTo(1);
        assertThat(recent.explaining(null, "ns", NOW.plusSeconds(20)).auditId()).isEqualTo("second");
    }

    private static AuditEvidence change(String id, Instant at) {
        return new AuditEvidence(id, "user", "patch", "namespaces/x", 200, "10.0.0.1", at);
    }
}
