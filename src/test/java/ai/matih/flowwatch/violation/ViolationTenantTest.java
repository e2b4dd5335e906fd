package ai.matih.flowwatch.violation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ViolationTenantTest {

    private static final EndpointView ACME_API = tenantPod("matih-data-plane-acme-corp", "acme-corp");
    private static final EndpointView GLOBEX_DB = tenantPod("matih-data-plane-globex", "globex");
    private static final EndpointView INTERNET =
            new EndpointView(null, null, null, "203.0.113.9", null, "external", true, null);
    private static final EndpointView CONTROL_PLANE = new EndpointView(
            "matih-control-plane", "tenant-manager", null, "10.244.0.10", null, "control-plane", false, null);
    private static final EndpointView GLOBEX_INGRESS =
            new EndpointView("ingress-nginx", "ingress-nginx", null, "10.244.9.9", "globex", "ingress", false, null);
    private static final EndpointView ACME_INGRESS =
            new EndpointView("ingress-nginx", "ingress-nginx", null, "10.244.9.8", "acme-corp", "ingress", false, null);
    private static final EndpointView GLOBEX_ACTOR = new EndpointView(
            "matih-data-plane-globex", null, null, "10.244.2.12", "globex", "tenant", false, "system:serviceaccount:x");
    private static final EndpointView ADMIN = new EndpointView(null, null, null, null, null, "user", false, "admin");

    private static EndpointView tenantPod(String namespace, String tenant) {
        return new EndpointView(namespace, "api", "api-0", "10.244.1.10", tenant, "tenant", false, null);
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                arguments(
                        "tenant → tenant",
                        ACME_API,
                        GLOBEX_DB,
                        "acme-corp",
                        "globex",
                        List.of(
                                new ViolationTenant("acme-corp", ViolationSide.SOURCE),
                                new ViolationTenant("globex", ViolationSide.DESTINATION))),
                arguments(
                        "tenant → outside",
                        ACME_API,
                        INTERNET,
                        "acme-corp",
                        null,
                        List.of(new ViolationTenant("acme-corp", ViolationSide.SOURCE))),
                arguments(
                        "outside → tenant",
                        INTERNET,
                        GLOBEX_DB,
                        "globex",
                        null,
                        List.of(new ViolationTenant("globex", ViolationSide.DESTINATION))),
                arguments(
                        "tenant → control plane",
                        ACME_API,
                        CONTROL_PLANE,
                        "acme-corp",
                        null,
                        List.of(new ViolationTenant("acme-corp", ViolationSide.SOURCE))),
                arguments(
                        "another tenant's ingress → tenant",
                        GLOBEX_INGRESS,
                        ACME_API,
                        "acme-corp",
                        "globex",
                        List.of(
                                new ViolationTenant("acme-corp", ViolationSide.DESTINATION),
                                new ViolationTenant("globex", ViolationSide.SOURCE))),
                arguments(
                        "own ingress → tenant",
                        ACME_INGRESS,
                        ACME_API,
                        "acme-corp",
                        null,
                        List.of(new ViolationTenant("acme-corp", ViolationSide.DESTINATION))),
                arguments(
                        "within a tenant",
                        ACME_API,
                        ACME_API,
                        "acme-corp",
                        null,
                        List.of(new ViolationTenant("acme-corp", ViolationSide.SOURCE))),
                arguments(
                        "another tenant's service account → tenant",
                        GLOBEX_ACTOR,
                        ACME_API,
                        "acme-corp",
                        "globex",
                        List.of(
                                new ViolationTenant("acme-corp", ViolationSide.DESTINATION),
                                new ViolationTenant("globex", ViolationSide.SOURCE))),
                arguments(
                        "a user → tenant",
                        ADMIN,
                        GLOBEX_DB,
                        "globex",
                        null,
                        List.of(new ViolationTenant("globex", ViolationSide.DESTINATION))),
                arguments(
                        "peer the same as the tenant",
                        ACME_API,
                        ACME_API,
                        "acme-corp",
                        "acme-corp",
                        List.of(new ViolationTenant("acme-corp", ViolationSide.SOURCE))),
                arguments(
                        "blank peer",
                        ACME_API,
                        INTERNET,
                        "acme-corp",
                        " ",
                        List.of(new ViolationTenant("acme-corp", ViolationSide.SOURCE))),
                arguments(
                        "no tenant",
                        CONTROL_PLANE,
                        INTERNET,
                        null,
                        null,
                        List.of(new ViolationTenant(null, ViolationSide.SOURCE))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void involvesEachTenantAtItsSide(
            String name,
            EndpointView source,
            EndpointView destination,
            String tenant,
            String peer,
            List<ViolationTenant> expected) {
        // Given
        Violation v = Violation.builder()
                .id("v-1")
                .type(ViolationType.ISOLATION_BREACH)
                .severity(Severity.CRITICAL)
                .tenant(tenant)
                .peerTenant(peer)
                .source(source)
                .destination(destination)
                .seen(Instant.parse("2026-11-26T08:00:00Z"))
                .build();
        // When
        List<ViolationTenant> involved = ViolationTenant.of(v);
        // Then
        assertThat(involved).containsExactlyElementsOf(expected);
        assertThat(ViolationTenant.side(v)).isEqualTo(expected.get(0).side());
    }
}
