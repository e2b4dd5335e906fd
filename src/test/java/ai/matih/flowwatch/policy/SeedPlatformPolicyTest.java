package ai.matih.flowwatch.policy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.topology.Topology;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The seed platform's policies (default-deny-all, allow-ingress, allow-egress per tenant) from the demo topology. */
class SeedPlatformPolicyTest {

    private static final String ACME = "matih-data-plane-acme-corp/";
    private static final String GLOBEX = "matih-data-plane-globex/";
    private static final Topology SEED =
            NetpolModel.LOADER.load("classpath:demo/topology.yaml").topology();
    private static final NetpolModel.Fixture FIXTURE = new NetpolModel.Fixture(SEED, PolicyEngine.compile(SEED));

    static Stream<Arguments> flows() {
        return Stream.of(
                Arguments.of(
                        "tenant to shared-infra is allowed",
                        ACME + "api-7d9f8c6b5-x1a2b",
                        "matih-shared-infra/postgres-0",
                        Protocol.TCP,
                        5432,
                        PolicyVerdict.ALLOW),
                Arguments.of(
                        "tenant to cluster DNS on UDP 53 is allowed",
                        ACME + "api-7d9f8c6b5-x1a2b",
                        "kube-system/coredns-559f6c778d-7xq2m",
                        Protocol.UDP,
                        53,
                        PolicyVerdict.ALLOW),
                Arguments.of(
                        "tenant to any address on UDP 53 is allowed (the DNS rule has no 'to')",
                        ACME + "api-7d9f8c6b5-x1a2b",
                        "ext:1.1.1.1",
                        Protocol.UDP,
                        53,
                        PolicyVerdict.ALLOW),
                Arguments.of(
                        "tenant to an external address on TCP 443 is denied",
                        ACME + "api-7d9f8c6b5-x1a2b",
                        "ext:1.1.1.1",
                        Protocol.TCP,
                        443,
                        PolicyVerdict.DENY),
                Arguments.of(
                        "tenant A to tenant B is denied",
                        ACME + "api-7d9f8c6b5-x1a2b",
                        GLOBEX + "api-7d9f8c6b5-x2a2b",
                        Protocol.TCP,
                        8080,
                        PolicyVerdict.DENY),
                Arguments.of(
                        "tenant to the control plane is denied",
                        ACME + "api-7d9f8c6b5-x1a2b",
                        "matih-control-plane/tenant-manager-6d5f7c8b9d-k2x4p",
                        Protocol.TCP,
                        8080,
                        PolicyVerdict.DENY),
                Arguments.of(
                        "control plane to tenant is allowed",
                        "matih-control-plane/tenant-manager-6d5f7c8b9d-k2x4p",
                        ACME + "api-7d9f8c6b5-x1a2b",
                        Protocol.TCP,
                        8080,
                        PolicyVerdict.ALLOW),
                Arguments.of(
                        "the tenant's own ingress pod to the tenant is allowed",
                        "matih-ingress/ingress-nginx-acme-corp-7f9c6b5d4-abcd1",
                        ACME + "api-7d9f8c6b5-x1a2b",
                        Protocol.TCP,
                        8080,
                        PolicyVerdict.ALLOW),
                Arguments.of(
                        "another tenant's ingress pod to the tenant is denied",
                        "matih-ingress/ingress-nginx-globex-7f9c6b5d4-abcd2",
                        ACME + "api-7d9f8c6b5-x1a2b",
                        Protocol.TCP,
                        8080,
                        PolicyVerdict.DENY),
                Arguments.of(
                        "pods of one tenant reach each other",
                        ACME + "api-7d9f8c6b5-x1a2b",
                        ACME + "db-0",
                        Protocol.TCP,
                        5432,
                        PolicyVerdict.ALLOW));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flows")
    void seedPoliciesGiveTheIntendedIsolation(
            String name, String source, String destination, Protocol protocol, int port, PolicyVerdict expected) {
        // Given
        Connection connection = new Connection(
                Endpoints.endpoint(FIXTURE, source), Endpoints.endpoint(FIXTURE, destination), protocol, port);

        // When
        PolicyResult result = FIXTURE.engine().evaluate(connection);

        // Then
        assertThat(FIXTURE.engine().problems()).isEmpty();
        assertThat(result.verdict()).as(result.explain()).isEqualTo(expected);
    }
}
