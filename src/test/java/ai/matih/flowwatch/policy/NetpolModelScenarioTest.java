package ai.matih.flowwatch.policy;

import static ai.matih.flowwatch.policy.NetpolModel.policy;
import static ai.matih.flowwatch.policy.NetpolModel.table;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Protocol;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream-style scenarios (E2E network_policy.go) on the x/y/z × a/b/c model, each asserting the full 9×9
 * reachability table. Rows are sources, digits are destinations in the order x/a x/b x/c y/a y/b y/c z/a z/b z/c;
 * 1 = ALLOW, 0 = DENY, ? = INDETERMINATE. Loopback (the diagonal) is always allowed (R7.3).
 */
class NetpolModelScenarioTest {

    private static final String ALL = "111111111";

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of(
                        "no policies: everything reachable",
                        new String[] {},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "deny-all ingress in x (no policyTypes, no rules)",
                        new String[] {policy("x", "deny-ingress", "podSelector: {}\n")},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: 100111111",
                                "x/b: 010111111",
                                "x/c: 001111111",
                                "y/a: 000111111",
                                "y/b: 000111111",
                                "y/c: 000111111",
                                "z/a: 000111111",
                                "z/b: 000111111",
                                "z/c: 000111111")),
                Arguments.of(
                        "allow ingress from the same namespace",
                        new String[] {policy("x", "same-ns", """
                                podSelector: {}
                                ingress:
                                  - from:
                                      - podSelector: {}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: 000111111",
                                "y/b: 000111111",
                                "y/c: 000111111",
                                "z/a: 000111111",
                                "z/b: 000111111",
                                "z/c: 000111111")),
                Arguments.of(
                        "allow ingress to x/a from namespace ns=y",
                        new String[] {policy("x", "from-y", """
                                podSelector: {matchLabels: {pod: a}}
                                ingress:
                                  - from:
                                      - namespaceSelector: {matchLabels: {ns: y}}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: 011111111",
                                "x/c: 011111111",
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: 011111111",
                                "z/b: 011111111",
                                "z/c: 011111111")),
                Arguments.of(
                        "allow ingress to x/a from namespace by default name label",
                        new String[] {policy("x", "from-y-by-name", """
                                podSelector: {matchLabels: {pod: a}}
                                ingress:
                                  - from:
                                      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: 011111111",
                                "x/c: 011111111",
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: 011111111",
                                "z/b: 011111111",
                                "z/c: 011111111")),
                Arguments.of(
                        "podSelector AND namespaceSelector in one peer",
                        new String[] {policy("x", "and", """
                                podSelector: {matchLabels: {pod: a}}
                                ingress:
                                  - from:
                                      - namespaceSelector: {matchLabels: {ns: y}}
                                        podSelector: {matchLabels: {pod: b}}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: 011111111",
                                "x/c: 011111111",
                                "y/a: 011111111",
                                "y/b: " + ALL,
                                "y/c: 011111111",
                                "z/a: 011111111",
                                "z/b: 011111111",
                                "z/c: 011111111")),
                Arguments.of(
                        "podSelector OR namespaceSelector as two peers",
                        new String[] {policy("x", "or", """
                                podSelector: {matchLabels: {pod: a}}
                                ingress:
                                  - from:
                                      - namespaceSelector: {matchLabels: {ns: y}}
                                      - podSelector: {matchLabels: {pod: b}}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: " + ALL,
                                "x/c: 011111111",
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: 011111111",
                                "z/b: 011111111",
                                "z/c: 011111111")),
                Arguments.of(
                        "namespaceSelector NotIn also selects the policy's own namespace",
                        new String[] {policy("x", "not-y", """
                                podSelector: {matchLabels: {pod: a}}
                                ingress:
                                  - from:
                                      - namespaceSelector:
                                          matchExpressions:
                                            - {key: ns, operator: NotIn, values: [y]}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: 011111111",
                                "y/b: 011111111",
                                "y/c: 011111111",
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "named port serve-81-tcp does not open TCP 80",
                        new String[] {policy("x", "named", """
                                podSelector: {matchLabels: {pod: a}}
                                ingress:
                                  - ports:
                                      - port: serve-81-tcp
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: 011111111",
                                "x/c: 011111111",
                                "y/a: 011111111",
                                "y/b: 011111111",
                                "y/c: 011111111",
                                "z/a: 011111111",
                                "z/b: 011111111",
                                "z/c: 011111111")),
                Arguments.of(
                        "named port serve-81-tcp opens TCP 81",
                        new String[] {policy("x", "named", """
                                podSelector: {matchLabels: {pod: a}}
                                ingress:
                                  - ports:
                                      - port: serve-81-tcp
                                """)},
                        Protocol.TCP,
                        81,
                        table(
                                "x/a: " + ALL,
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "endPort range 79-80 includes 80",
                        new String[] {policy("x", "range", """
                                podSelector: {matchLabels: {pod: a}}
                                ingress:
                                  - ports:
                                      - {port: 79, endPort: 80}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "endPort range 79-80 excludes 81",
                        new String[] {policy("x", "range", """
                                podSelector: {matchLabels: {pod: a}}
                                ingress:
                                  - ports:
                                      - {port: 79, endPort: 80}
                                """)},
                        Protocol.TCP,
                        81,
                        table(
                                "x/a: " + ALL,
                                "x/b: 011111111",
                                "x/c: 011111111",
                                "y/a: 011111111",
                                "y/b: 011111111",
                                "y/c: 011111111",
                                "z/a: 011111111",
                                "z/b: 011111111",
                                "z/c: 011111111")),
                Arguments.of(
                        "SCTP-only ingress rule does not open TCP",
                        new String[] {policy("x", "sctp", """
                                podSelector: {matchLabels: {pod: a}}
                                ingress:
                                  - ports:
                                      - protocol: SCTP
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: 011111111",
                                "x/c: 011111111",
                                "y/a: 011111111",
                                "y/b: 011111111",
                                "y/c: 011111111",
                                "z/a: 011111111",
                                "z/b: 011111111",
                                "z/c: 011111111")),
                Arguments.of(
                        "egress deny-all with DNS allowed: TCP 80 blocked",
                        new String[] {policy("x", "dns-only", """
                                podSelector: {}
                                policyTypes: [Egress]
                                egress:
                                  - ports:
                                      - {port: 53, protocol: UDP}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: 100000000",
                                "x/b: 010000000",
                                "x/c: 001000000",
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "egress deny-all with DNS allowed: UDP 53 open",
                        new String[] {policy("x", "dns-only", """
                                podSelector: {}
                                policyTypes: [Egress]
                                egress:
                                  - ports:
                                      - {port: 53, protocol: UDP}
                                """)},
                        Protocol.UDP,
                        53,
                        table(
                                "x/a: " + ALL,
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "egress named port resolved on the destination pod",
                        new String[] {policy("x", "named-egress", """
                                podSelector: {matchLabels: {pod: a}}
                                policyTypes: [Egress]
                                egress:
                                  - ports:
                                      - {port: serve-81-udp, protocol: UDP}
                                """)},
                        Protocol.UDP,
                        80,
                        table(
                                "x/a: 100000000",
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "egress to a /32 ipBlock built from y/c's pod IP",
                        new String[] {policy("x", "to-cidr", """
                                podSelector: {matchLabels: {pod: a}}
                                policyTypes: [Egress]
                                egress:
                                  - to:
                                      - ipBlock: {cidr: 10.0.2.3/32}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: 100001000",
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "egress ipBlock /4 with host bits, except x/b's /32",
                        new String[] {policy("x", "except", """
                                podSelector: {matchLabels: {pod: a}}
                                policyTypes: [Egress]
                                egress:
                                  - to:
                                      - ipBlock:
                                          cidr: 10.0.1.2/4
                                          except: [10.0.1.2/32]
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: 101111111",
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "multiple stacked policies combine as a union",
                        new String[] {
                            policy("x", "deny", "podSelector: {}\n"),
                            policy("x", "from-b", """
                                podSelector: {}
                                ingress:
                                  - from:
                                      - podSelector: {matchLabels: {pod: b}}
                                """),
                            policy("x", "c-from-z", """
                                podSelector: {matchLabels: {pod: c}}
                                ingress:
                                  - from:
                                      - namespaceSelector: {matchLabels: {ns: z}}
                                """)
                        },
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: 100111111",
                                "x/b: " + ALL,
                                "x/c: 001111111",
                                "y/a: 000111111",
                                "y/b: 000111111",
                                "y/c: 000111111",
                                "z/a: 001111111",
                                "z/b: 001111111",
                                "z/c: 001111111")),
                Arguments.of(
                        "allow-all ingress takes precedence over deny-all",
                        new String[] {policy("x", "deny", "podSelector: {}\n"), policy("x", "allow-all", """
                                podSelector: {}
                                ingress:
                                  - {}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: " + ALL,
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "policyTypes [Egress] only: ingress rules ignored, egress only to y",
                        new String[] {policy("x", "egress-only", """
                                podSelector: {}
                                policyTypes: [Egress]
                                ingress:
                                  - from:
                                      - podSelector: {matchLabels: {pod: nobody}}
                                egress:
                                  - to:
                                      - namespaceSelector: {matchLabels: {ns: y}}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: 100111000",
                                "x/b: 010111000",
                                "x/c: 001111000",
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)),
                Arguments.of(
                        "egress rules without policyTypes also deny all ingress",
                        new String[] {policy("x", "egress-rules", """
                                podSelector: {}
                                egress:
                                  - to:
                                      - namespaceSelector: {}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: 100111111",
                                "x/b: 010111111",
                                "x/c: 001111111",
                                "y/a: 000111111",
                                "y/b: 000111111",
                                "y/c: 000111111",
                                "z/a: 000111111",
                                "z/b: 000111111",
                                "z/c: 000111111")),
                Arguments.of(
                        "deny all ingress and egress in x",
                        new String[] {policy("x", "deny-all", """
                                podSelector: {}
                                policyTypes: [Ingress, Egress]
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: 100000000",
                                "x/b: 010000000",
                                "x/c: 001000000",
                                "y/a: 000111111",
                                "y/b: 000111111",
                                "y/c: 000111111",
                                "z/a: 000111111",
                                "z/b: 000111111",
                                "z/c: 000111111")),
                Arguments.of(
                        "client-side egress deny wins over server-side ingress allow",
                        new String[] {policy("x", "a-no-egress", """
                                podSelector: {matchLabels: {pod: a}}
                                policyTypes: [Egress]
                                """), policy("y", "allow-all-in", """
                                podSelector: {}
                                ingress:
                                  - {}
                                """)},
                        Protocol.TCP,
                        80,
                        table(
                                "x/a: 100000000",
                                "x/b: " + ALL,
                                "x/c: " + ALL,
                                "y/a: " + ALL,
                                "y/b: " + ALL,
                                "y/c: " + ALL,
                                "z/a: " + ALL,
                                "z/b: " + ALL,
                                "z/c: " + ALL)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void reachabilityMatchesTheUpstreamTruthTable(
            String name, String[] policies, Protocol protocol, int port, String expected) {
        // Given
        NetpolModel.Fixture fixture = NetpolModel.fixture(policies);

        // When
        String matrix = fixture.matrix(protocol, port);

        // Then
        assertThat(fixture.engine().problems()).isEmpty();
        assertThat(matrix).as(name).isEqualTo(expected);
    }
}
