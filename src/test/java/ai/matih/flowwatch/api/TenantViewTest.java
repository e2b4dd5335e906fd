package ai.matih.flowwatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.violation.AuditEvidence;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.Cause;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tenant's view of a violation is built from its structured fields: nothing of the other tenant (names, addresses,
 * policies, node, free texts of the records) reaches it, whatever the texts of the violation say.
 */
class TenantViewTest {

    static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    static final EndpointView ACME_API = new EndpointView(
            "matih-data-plane-acme-corp",
            "api",
            "api-7d9f8c6b5-x1a2b",
            "10.244.1.10",
            "acme-corp",
            "tenant",
            false,
            null);
    static final EndpointView GLOBEX_DB = new EndpointView(
            "matih-data-plane-globex", "payments-db", "db-0", "10.244.2.12", "globex", "tenant", false, null);
    static final EndpointView GLOBEX_INGRESS = new EndpointView(
            "matih-ingress",
            "ingress-nginx-globex",
            "ingress-nginx-globex-7f9c6b5d4-abcd2",
            "10.244.9.2",
            "globex",
            "ingress",
            false,
            null);
    static final EndpointView CONTROL_PLANE = new EndpointView(
            "matih-control-plane",
            "tenant-manager",
            "tenant-manager-1",
            "10.244.0.10",
            null,
            "control-plane",
            false,
            null);
    static final EndpointView UNKNOWN_NS = new EndpointView(
            "scratch-globex-db", "payments-db", "payments-db-0", "10.244.5.5", null, "other", false, null);
    static final List<String> GLOBEX = List.of("globex", "db-0", "payments", "10.244.2.", "10.244.9.2", "worker-b");

    static Violation violation(
            ViolationType type,
            Category category,
            String tenant,
            String peer,
            EndpointView src,
            EndpointView dst,
            String reason,
            List<String> decidedBy,
            Violation.Evidence evidence) {
        return Violation.builder()
                .id("ab12")
                .type(type)
                .severity(type.severity())
                .category(category)
                .tenant(tenant)
                .peerTenant(peer)
                .source(src)
                .destination(dst)
                .protocol("TCP")
                .port(5432)
                .observed("ALLOWED")
                .policy("ALLOW")
                .intent("FORBIDDEN")
                .cause(Cause.POLICY_PERMITS)
                .reason(reason)
                .decidedBy(decidedBy)
                .sourceFormat("calico")
                .node("worker-b-7")
                .seen(AT)
                .count(3)
                .observations(6)
                .evidence(evidence)
                .build();
    }

    static Stream<Arguments> views() {
        Violation.Evidence cniNamesBoth = new Violation.Evidence(
                "staged deny by matih-data-plane-globex/tier.x",
                List.of(
                        "0|default|matih-data-plane-globex/default.allow-acme|allow|0",
                        "0|default|matih-data-plane-acme-corp/default.allow-egress|allow|0"),
                List.of("dst", "worker-b-7"),
                "matih-data-plane-globex/allow-acme allows it",
                null);
        return Stream.of(
                Arguments.of(
                        "acme-corp sees its breach of globex",
                        violation(
                                ViolationType.ISOLATION_BREACH,
                                Category.CROSS_TENANT,
                                "acme-corp",
                                "globex",
                                ACME_API,
                                GLOBEX_DB,
                                "acme-corp → globex (matih-data-plane-globex/payments-db): cross-tenant",
                                List.of(
                                        "matih-data-plane-globex/allow-acme#ingress[0]",
                                        "matih-data-plane-acme-corp/allow-egress#egress[0]",
                                        "isolated by [matih-data-plane-globex/x]"),
                                cniNamesBoth),
                        "acme-corp",
                        GLOBEX,
                        List.of(
                                "api-7d9f8c6b5-x1a2b",
                                "matih-data-plane-acme-corp/allow-egress",
                                "default.allow-egress",
                                "(another tenant)")),
                Arguments.of(
                        "acme-corp sees globex's ingress controller reach it",
                        violation(
                                ViolationType.ISOLATION_BREACH,
                                Category.CROSS_TENANT,
                                "acme-corp",
                                "globex",
                                GLOBEX_INGRESS,
                                ACME_API,
                                "globex's ingress → acme-corp: only the tenant's own ingress",
                                List.of(),
                                cniNamesBoth),
                        "acme-corp",
                        GLOBEX,
                        List.of("\"role\":\"ingress\"", "(another tenant)")),
                Arguments.of(
                        "acme-corp sees an exec by globex's service account",
                        violation(
                                ViolationType.CROSS_TENANT_EXEC,
                                Category.CROSS_TENANT,
                                "acme-corp",
                                "globex",
                                new EndpointView(
                                        "matih-data-plane-globex",
                                        null,
                                        null,
                                        "10.244.2.12",
                                        "globex",
                                        "tenant",
                                        false,
                                        "system:serviceaccount:matih-data-plane-globex:deployer"),
                                new EndpointView(
                                        "matih-data-plane-acme-corp",
                                        null,
                                        "vault-0",
                                        null,
                                        "acme-corp",
                                        "tenant",
                                        false,
                                        "pods/matih-data-plane-acme-corp/vault-0/exec"),
                                "system:serviceaccount:matih-data-plane-globex:deployer exec'd into vault-0",
                                List.of(),
                                new Violation.Evidence(
                                        null,
                                        List.of(),
                                        List.of(),
                                        null,
                                        new AuditEvidence(
                                                "e1",
                                                "system:serviceaccount:matih-data-plane-globex:deployer",
                                                "create",
                                                "pods/matih-data-plane-acme-corp/vault-0/exec",
                                                101,
                                                "10.244.2.12",
                                                AT))),
                        "acme-corp",
                        GLOBEX,
                        List.of("pods/matih-data-plane-acme-corp/vault-0/exec")),
                Arguments.of(
                        "globex sees the same exec into acme-corp's pod",
                        violation(
                                ViolationType.CROSS_TENANT_EXEC,
                                Category.CROSS_TENANT,
                                "acme-corp",
                                "globex",
                                new EndpointView(
                                        "matih-data-plane-globex",
                                        null,
                                        null,
                                        "10.244.2.12",
                                        "globex",
                                        "tenant",
                                        false,
                                        "system:serviceaccount:matih-data-plane-globex:deployer"),
                                new EndpointView(
                                        "matih-data-plane-acme-corp",
                                        null,
                                        "vault-0",
                                        null,
                                        "acme-corp",
                                        "tenant",
                                        false,
                                        "pods/matih-data-plane-acme-corp/vault-0/exec"),
                                "system:serviceaccount:matih-data-plane-globex:deployer exec'd into vault-0",
                                List.of(),
                                new Violation.Evidence(
                                        null,
                                        List.of(),
                                        List.of(),
                                        null,
                                        new AuditEvidence(
                                                "e1",
                                                "system:serviceaccount:matih-data-plane-globex:deployer",
                                                "create",
                                                "pods/matih-data-plane-acme-corp/vault-0/exec",
                                                101,
                                                "10.244.2.12",
                                                AT))),
                        "globex",
                        List.of("acme", "vault-0", "worker-b"),
                        List.of("system:serviceaccount:matih-data-plane-globex:deployer")),
                Arguments.of(
                        "acme-corp sees a namespace outside the tenancy model only by name and address",
                        violation(
                                ViolationType.ISOLATION_BREACH,
                                Category.OTHER,
                                "acme-corp",
                                null,
                                ACME_API,
                                UNKNOWN_NS,
                                "acme-corp → scratch-globex-db/payments-db-0: not allowed",
                                List.of(),
                                null),
                        "acme-corp",
                        List.of("payments", "worker-b"),
                        List.of("scratch-globex-db", "10.244.5.5")),
                Arguments.of(
                        "acme-corp sees the control plane, but not its policies",
                        violation(
                                ViolationType.ISOLATION_BREACH,
                                Category.TENANT_TO_CONTROL_PLANE,
                                "acme-corp",
                                null,
                                ACME_API,
                                CONTROL_PLANE,
                                "acme-corp → control plane matih-control-plane",
                                List.of(
                                        "matih-control-plane/allow-tenants#ingress[0]",
                                        "matih-data-plane-acme-corp/allow-egress#egress[0]"),
                                null),
                        "acme-corp",
                        List.of("matih-control-plane/allow-tenants"),
                        List.of("tenant-manager-1", "worker-b-7", "matih-data-plane-acme-corp/allow-egress")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("views")
    void aTenantSeesNothingOfAnotherTenant(
            String name, Violation v, String tenant, List<String> hidden, List<String> shown) throws Exception {
        // Given / When
        String view = JSON.writeValueAsString(TenantScope.redact(Caller.tenant("ci@" + tenant, tenant), v));
        // Then
        assertThat(view).doesNotContain(hidden).contains(shown).contains("\"count\":3");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("views")
    void anAdminSeesEverything(String name, Violation v, String tenant, List<String> hidden, List<String> shown) {
        assertThat(TenantScope.redact(Caller.admin("admin"), v)).isSameAs(v);
    }
}
