package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TenancyRulesTest {

    private static final TenancyRules DEFAULTS = TenancyRules.defaults();
    private static final TenancyRules CUSTOM = new TenancyRules(
            "example.com/role", "example.com/tenant", Pattern.compile("(?<tenant>[a-z]+)-prod"), "cp", "edge", "infra");

    static Stream<Arguments> shouldDescribeNamespace() {
        return Stream.of(
                Arguments.of(
                        "control-plane role label",
                        DEFAULTS,
                        "matih-control-plane",
                        Map.of("matih.ai/role", "control-plane"),
                        Role.CONTROL_PLANE,
                        null),
                Arguments.of(
                        "ingress role label",
                        DEFAULTS,
                        "matih-ingress",
                        Map.of("matih.ai/role", "ingress"),
                        Role.INGRESS,
                        null),
                Arguments.of(
                        "shared-infra role label",
                        DEFAULTS,
                        "matih-shared-infra",
                        Map.of("matih.ai/role", "shared-infra"),
                        Role.SHARED_INFRA,
                        null),
                Arguments.of(
                        "role label beats name pattern",
                        DEFAULTS,
                        "matih-data-plane-acme-corp",
                        Map.of("matih.ai/role", "shared-infra"),
                        Role.SHARED_INFRA,
                        null),
                Arguments.of(
                        "name pattern", DEFAULTS, "matih-data-plane-acme-corp", Map.of(), Role.TENANT, "acme-corp"),
                Arguments.of(
                        "name pattern with unknown role value",
                        DEFAULTS,
                        "matih-data-plane-globex",
                        Map.of("matih.ai/role", "tenant"),
                        Role.TENANT,
                        "globex"),
                Arguments.of(
                        "name pattern beats tenant label",
                        DEFAULTS,
                        "matih-data-plane-globex",
                        Map.of("matih.ai/tenant", "initech"),
                        Role.TENANT,
                        "globex"),
                Arguments.of(
                        "tenant label only",
                        DEFAULTS,
                        "acme-analytics",
                        Map.of("matih.ai/tenant", "acme-corp"),
                        Role.TENANT,
                        "acme-corp"),
                Arguments.of(
                        "blank tenant label", DEFAULTS, "scratch", Map.of("matih.ai/tenant", " "), Role.OTHER, null),
                Arguments.of(
                        "pattern must match the whole name",
                        DEFAULTS,
                        "old-matih-data-plane-acme",
                        Map.of(),
                        Role.OTHER,
                        null),
                Arguments.of(
                        "unknown namespace",
                        DEFAULTS,
                        "kube-system",
                        Map.of("kubernetes.io/metadata.name", "kube-system"),
                        Role.OTHER,
                        null),
                Arguments.of("no labels at all", DEFAULTS, "monitoring", null, Role.OTHER, null),
                Arguments.of(
                        "custom role label",
                        CUSTOM,
                        "platform",
                        Map.of("example.com/role", "edge"),
                        Role.INGRESS,
                        null),
                Arguments.of(
                        "custom default role values are not special",
                        CUSTOM,
                        "platform",
                        Map.of("example.com/role", "control-plane"),
                        Role.OTHER,
                        null),
                Arguments.of("custom pattern", CUSTOM, "acme-prod", Map.of(), Role.TENANT, "acme"),
                Arguments.of(
                        "default pattern under custom rules",
                        CUSTOM,
                        "matih-data-plane-acme",
                        Map.of(),
                        Role.OTHER,
                        null),
                Arguments.of(
                        "custom tenant label",
                        CUSTOM,
                        "sandbox",
                        Map.of("example.com/tenant", "globex"),
                        Role.TENANT,
                        "globex"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void shouldDescribeNamespace(
            String description, TenancyRules rules, String name, Map<String, String> labels, Role role, String tenant) {
        // Given
        boolean known = labels != null;

        // When
        NamespaceInfo info = rules.describe(name, labels, known);

        // Then
        assertThat(info.name()).isEqualTo(name);
        assertThat(info.role()).isEqualTo(role);
        assertThat(info.tenant()).isEqualTo(tenant);
        assertThat(info.known()).isEqualTo(known);
        assertThat(info.labels()).isEqualTo(labels == null ? Map.of() : labels);
    }

    @Test
    void shouldRejectPatternWithoutTenantGroup() {
        // Given
        Pattern pattern = Pattern.compile("matih-data-plane-(.+)");

        // When / Then
        assertThatThrownBy(() -> new TenancyRules("r", "t", pattern, "cp", "in", "si"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("flowwatch.tenancy.namespace-pattern 'matih-data-plane-(.+)' has no named group 'tenant'");
    }
}
