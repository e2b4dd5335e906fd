package ai.matih.flowwatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.isolation.IsolationAudit;
import ai.matih.flowwatch.isolation.TenantIsolation;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.topology.DnsSelector;
import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.ManifestLoader;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tenant's isolation view leaks nothing of another tenant: its answer is byte-equal whether globex's policies are
 * closed (the seed) or opened every way, with ports, an ipBlock and labels of globex's own; and none of those appear.
 */
class IsolationTenantViewTest {

    static final ManifestLoader LOADER = new ManifestLoader(
            TenancyRules.defaults(),
            Stream.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8")
                    .map(EgressException::parseCidr)
                    .toList(),
            DnsSelector.parse("kube-system/k8s-app=kube-dns"));
    static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    static String demo() {
        try (InputStream in = IsolationTenantViewTest.class.getResourceAsStream("/demo/topology.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String globex(String name, String spec) {
        return "\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " + name
                + "\n  namespace: matih-data-plane-globex\nspec:\n" + spec;
    }

    static final String OPEN = globex(
                    "open-everything",
                    "  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n  ingress:\n    - {}\n  egress:\n"
                            + "    - {}\n")
            + globex(
                    "secret-port",
                    "  podSelector:\n    matchLabels:\n      globex-secret: hush\n  policyTypes:\n    - Ingress\n"
                            + "  ingress:\n    - from:\n        - ipBlock:\n            cidr: 198.51.100.0/24\n"
                            + "        - namespaceSelector:\n            matchLabels:\n              team: globex-only\n"
                            + "      ports:\n        - port: 7777\n");

    static String view(String yaml, String tenant) throws IOException {
        Topology topology = LOADER.parse(yaml, "test").topology();
        TenantIsolation entry = IsolationAudit.tenantView(topology, tenant, CniProfile.CONFORMANCE, NOW);
        TenantIsolation shown = entry.viewedBy(tenant, e -> TenantScope.endpoint(tenant, e));
        return JSON.writeValueAsString(new IsolationAnswer(NOW, null, List.of(shown)));
    }

    static Stream<Arguments> tenants() {
        return Stream.of(Arguments.of("acme-corp"), Arguments.of("initech"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tenants")
    void aTenantsAnswerIsTheSameWhetherAnotherTenantsPoliciesAreOpenOrClosed(String tenant) throws IOException {
        // Given the seed, and the seed with globex opened every way
        String closed = demo();
        String open = closed + OPEN;
        // When
        String whenClosed = view(closed, tenant);
        String whenOpen = view(open, tenant);
        // Then
        assertThat(whenOpen).isEqualTo(whenClosed);
        assertThat(whenOpen)
                .contains("\"tenant\":\"" + tenant + "\"", "PERMITS_FORBIDDEN", "allow-egress#egress[2]")
                .doesNotContain("globex", "7777", "198.51.100", "hush", "open-everything", "secret-port");
    }
}
