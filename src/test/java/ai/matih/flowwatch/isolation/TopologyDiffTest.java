package ai.matih.flowwatch.isolation;

import static ai.matih.flowwatch.isolation.IsolationAuditTest.ACME;
import static ai.matih.flowwatch.isolation.IsolationAuditTest.DEMO;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.topology.Topology;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which tenants a change of the demo topology may affect: correct first (every tenant when in doubt). */
class TopologyDiffTest {

    static final String DEFAULT_DENY = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
            + "  name: default-deny-all\n  namespace: " + ACME + "\nspec:\n  podSelector: {}\n  policyTypes:\n"
            + "    - Ingress\n    - Egress\n---\n";
    static final String ALLOW_INGRESS = "  name: allow-ingress\n  namespace: " + ACME + "\nspec:\n  podSelector: {}\n";

    static String policy(String name, String spec) {
        return DEMO + "\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " + name
                + "\n  namespace: " + ACME + "\nspec:\n" + spec;
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("nothing", DEMO, Set.of()),
                Arguments.of(
                        "a rule between acme-corp's own pods",
                        policy(
                                "api-from-worker",
                                "  podSelector:\n    matchLabels:\n      app: api\n  policyTypes:\n    - Ingress\n"
                                        + "  ingress:\n    - from:\n        - podSelector:\n            matchLabels:\n"
                                        + "              app: worker\n"),
                        Set.of("acme-corp")),
                Arguments.of(
                        "a rule from globex's namespace",
                        policy(
                                "from-globex",
                                "  podSelector: {}\n  policyTypes:\n    - Ingress\n  ingress:\n    - from:\n"
                                        + "        - namespaceSelector:\n            matchLabels:\n"
                                        + "              matih.ai/tenant: globex\n"),
                        Set.of("acme-corp", "globex")),
                Arguments.of(
                        "an allow-all ingress rule (every peer)",
                        policy("open", "  podSelector: {}\n  policyTypes:\n    - Ingress\n  ingress:\n    - {}\n"),
                        null),
                Arguments.of(
                        "an ipBlock",
                        policy(
                                "to-block",
                                "  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - to:\n"
                                        + "        - ipBlock:\n            cidr: 198.51.100.0/24\n"),
                        null),
                Arguments.of(
                        "a port no policy named before",
                        policy(
                                "port",
                                "  podSelector: {}\n  policyTypes:\n    - Ingress\n  ingress:\n    - from:\n"
                                        + "        - podSelector: {}\n      ports:\n        - port: 7777\n"),
                        null),
                Arguments.of(
                        "acme-corp's default deny removed (its other policies still isolate every pod)",
                        DEMO.replace(DEFAULT_DENY, ""),
                        Set.of("acme-corp")),
                Arguments.of(
                        "acme-corp's default deny removed, its ingress policy narrowed (most pods open to every peer)",
                        DEMO.replace(DEFAULT_DENY, "")
                                .replace(
                                        ALLOW_INGRESS,
                                        ALLOW_INGRESS.replace("{}\n", "\n    matchLabels:\n      app: nothing\n")),
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void aChangeAffectsTheTenantsItMayChange(String name, String yaml, Set<String> expected) {
        // Given
        Topology before = IsolationAuditTest.topology(DEMO);
        assertThat(yaml).isNotEqualTo(name.equals("nothing") ? null : DEMO);
        Topology after = IsolationAuditTest.topology(yaml);
        // When
        Affected affected = TopologyDiff.between(before, after);
        // Then
        if (expected == null) {
            assertThat(affected).isInstanceOf(Affected.All.class);
        } else {
            assertThat(affected).isEqualTo(new Affected.Some(expected));
        }
    }
}
