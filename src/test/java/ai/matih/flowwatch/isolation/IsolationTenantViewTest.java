package ai.matih.flowwatch.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A tenant's view of its entry names nothing of another tenant, and its findings do not count other tenants. */
class IsolationTenantViewTest {

    static final String OPEN_INGRESS = IsolationAuditTest.withPolicy(
            "open-ingress", "  podSelector: {}\n  policyTypes:\n    - Ingress\n  ingress:\n    - {}\n");

    @Test
    void anotherTenantsPeerIsWithheldAndFindingsAlikeOnceWithheldAreShownOnce() {
        // Given acme-corp open to everyone: globex's and initech's ingress pods (and their pods) reach it
        TenantIsolation acme = IsolationAuditTest.audit(OPEN_INGRESS).tenant("acme-corp");
        assertThat(acme.findings().toString()).contains("globex", "initech");
        // When
        TenantIsolation view = TenantView.of("acme-corp", acme);
        // Then
        assertThat(view.findings().toString()).doesNotContain("globex", "initech", "10.244.2.", "10.244.3.");
        assertThat(view.status()).isEqualTo(acme.status());
        assertThat(view.findings())
                .filteredOn(f -> f.peer().peerClass() == PeerClass.INGRESS
                        && f.kind() == FindingKind.PERMITS_FORBIDDEN
                        && f.direction() == ai.matih.flowwatch.policy.Direction.INGRESS)
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.peer()).isEqualTo(new Peer(PeerClass.INGRESS, null, null));
                    assertThat(f.example().source().name()).isEqualTo(TenantView.WITHHELD);
                    assertThat(f.decidedBy()).containsExactly("matih-data-plane-acme-corp/open-ingress#ingress[0]");
                    assertThat(f.reason()).contains("(another tenant)", "forbids");
                });
        assertThat(view.findings())
                .allSatisfy(f -> assertThat(f.decidedBy()).allMatch(d -> d.startsWith("matih-data-plane-acme-corp/")));
    }

    @Test
    void whatIsTheTenantsOwnOrOutsideTheClusterIsShownUnchanged() {
        // Given the seed
        TenantIsolation acme = IsolationAuditTest.audit(IsolationAuditTest.DEMO).tenant("acme-corp");
        // When
        TenantIsolation view = TenantView.of("acme-corp", acme);
        // Then the open door is shown as is; the DNS pod, outside the tenancy model, by its namespace only
        assertThat(view.findings()).hasSameSizeAs(acme.findings());
        assertThat(view.findings().get(0)).isEqualTo(acme.findings().get(0));
        assertThat(view.findings().get(1).example().destination().namespace()).isEqualTo("kube-system");
        assertThat(view.findings().get(1).example().destination().pod()).isNull();
    }

    @Test
    void aTenantCannotBeShownAnotherTenantsEntry() {
        TenantIsolation globex =
                IsolationAuditTest.audit(IsolationAuditTest.DEMO).tenant("globex");
        assertThatThrownBy(() -> TenantView.of("acme-corp", globex)).isInstanceOf(IllegalArgumentException.class);
    }
}
