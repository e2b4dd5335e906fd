package ai.matih.flowwatch.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.Direction;
import ai.matih.flowwatch.topology.DnsSelector;
import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.ManifestLoader;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The isolation audit over the demo topology (the seed's policies) and deliberate breakages of acme-corp's policies,
 * each of which must give a specific finding.
 */
class IsolationAuditTest {

    static final ManifestLoader LOADER = new ManifestLoader(
            TenancyRules.defaults(),
            Stream.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8")
                    .map(EgressException::parseCidr)
                    .toList(),
            DnsSelector.parse("kube-system/k8s-app=kube-dns"));
    static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");
    static final String ACME = "matih-data-plane-acme-corp";
    static final String DNS_RULE = ACME + "/allow-egress#egress[2]";
    static final String DEMO = demo();

    static final String ACME_INGRESS_LABEL =
            "          podSelector:\n            matchLabels:\n              matih.ai/tenant: acme-corp\n";
    static final String ACME_EGRESS = "  name: allow-egress\n  namespace: " + ACME + "\nspec:\n  podSelector: {}\n"
            + "  policyTypes:\n    - Egress\n  egress:\n";
    static final String DNS_EGRESS = "    - ports:\n        - port: 53\n          protocol: UDP\n";

    static String demo() {
        try (InputStream in = IsolationAuditTest.class.getResourceAsStream("/demo/topology.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Topology topology(String yaml) {
        return LOADER.parse(yaml, "test").topology();
    }

    static IsolationReport audit(String yaml) {
        return IsolationAudit.audit(topology(yaml), CniProfile.CONFORMANCE, NOW);
    }

    static String replaced(String yaml, String what, String with) {
        assertThat(yaml).contains(what);
        return yaml.replace(what, with);
    }

    static String withPolicy(String name, String spec) {
        return DEMO + "\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " + name
                + "\n  namespace: " + ACME + "\nspec:\n" + spec;
    }

    static List<Finding> findings(IsolationReport report, String tenant, FindingKind kind) {
        return report.tenant(tenant).findings().stream()
                .filter(f -> f.kind() == kind)
                .toList();
    }

    @Test
    void onTheSeedTheOnlyOpenDoorOfEachTenantIsTheDnsRuleToOutsideTheCluster() {
        // Given the demo topology
        // When
        IsolationReport report = audit(DEMO);
        // Then
        assertThat(report.generatedAt()).isEqualTo(NOW);
        assertThat(report.tenants())
                .extracting(TenantIsolation::tenant)
                .containsExactly("acme-corp", "globex", "initech");
        for (TenantIsolation t : report.tenants()) {
            String ns = "matih-data-plane-" + t.tenant();
            assertThat(t.namespaces()).containsExactly(ns);
            assertThat(t.status()).isEqualTo(IsolationStatus.BREACHABLE);
            List<Finding> open = findings(report, t.tenant(), FindingKind.PERMITS_FORBIDDEN);
            assertThat(open).as(t.tenant()).hasSize(1);
            Finding dns = open.get(0);
            assertThat(dns.direction()).isEqualTo(Direction.EGRESS);
            assertThat(dns.peer()).isEqualTo(new Peer(PeerClass.EXTERNAL, null, null));
            assertThat(dns.decidedBy()).containsExactly(ns + "/allow-egress#egress[2]");
            assertThat(dns.example().port()).isEqualTo(53);
            assertThat(dns.example().protocol()).isEqualTo(Protocol.UDP);
            assertThat(dns.example().source().namespace()).isEqualTo(ns);
            assertThat(dns.example().destination().external()).isTrue();
            assertThat(dns.reason()).contains("outside the cluster", "allow");
            assertThat(findings(report, t.tenant(), FindingKind.INDETERMINATE)).isEmpty();
            // DNS over TCP to the cluster DNS pods is denied: the seed's rule names UDP only
            assertThat(findings(report, t.tenant(), FindingKind.DENIES_PERMITTED))
                    .singleElement()
                    .satisfies(f -> {
                        assertThat(f.peer().peerClass()).isEqualTo(PeerClass.DNS);
                        assertThat(f.example().protocol()).isEqualTo(Protocol.TCP);
                    });
        }
    }

    @Test
    void anEgressExceptionOpenedByAnIpBlockIsNotAFinding() {
        // Given acme-corp's payments exception (203.0.113.0/28:443) and the policy that lets it out
        // When
        IsolationReport report = audit(DEMO);
        // Then nothing names that policy
        assertThat(report.tenant("acme-corp").findings())
                .noneMatch(f -> f.decidedBy().stream().anyMatch(d -> d.contains("allow-payments-egress#")));
    }

    @Test
    void theResultIsCachedPerSnapshotAndImmutable() {
        // Given
        Topology t = topology(DEMO);
        // When
        IsolationReport first = IsolationAudit.audit(t, CniProfile.CONFORMANCE, NOW);
        IsolationReport second = IsolationAudit.audit(t, CniProfile.CONFORMANCE, NOW);
        // Then the audit is pure, and the report cannot be changed
        assertThat(second).isEqualTo(first);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> first.tenants().get(0).findings().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aBoundedEntryKeepsTheFirstFindingsAndCountsTheRest() {
        // Given
        TenantIsolation acme = audit(DEMO).tenant("acme-corp");
        // When
        TenantIsolation bounded = acme.bounded(1);
        // Then
        assertThat(bounded.findings()).containsExactly(acme.findings().get(0));
        assertThat(bounded.omitted()).isEqualTo(acme.findings().size() - 1);
        assertThat(bounded.status()).isEqualTo(acme.status());
        assertThat(acme.bounded(100)).isSameAs(acme);
    }

    record Breakage(
            String name,
            UnaryOperator<String> edit,
            FindingKind kind,
            Direction direction,
            PeerClass peer,
            String decidedBy,
            IsolationStatus status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> breakages() {
        return Stream.of(
                        new Breakage(
                                "empty from: allow-all ingress",
                                y -> withPolicy(
                                        "open-ingress",
                                        "  podSelector: {}\n  policyTypes:\n    - Ingress\n  ingress:\n    - {}\n"),
                                FindingKind.PERMITS_FORBIDDEN,
                                Direction.INGRESS,
                                PeerClass.EXTERNAL,
                                ACME + "/open-ingress#ingress[0]",
                                IsolationStatus.BREACHABLE),
                        new Breakage(
                                "namespaceSelector {}",
                                y -> withPolicy(
                                        "from-all-namespaces",
                                        "  podSelector: {}\n  policyTypes:\n    - Ingress\n  ingress:\n    - from:\n"
                                                + "        - namespaceSelector: {}\n"),
                                FindingKind.PERMITS_FORBIDDEN,
                                Direction.INGRESS,
                                PeerClass.OTHER,
                                ACME + "/from-all-namespaces#ingress[0]",
                                IsolationStatus.BREACHABLE),
                        new Breakage(
                                "ipBlock 0.0.0.0/0",
                                y -> withPolicy(
                                        "egress-anywhere",
                                        "  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - to:\n"
                                                + "        - ipBlock:\n            cidr: 0.0.0.0/0\n"),
                                FindingKind.PERMITS_FORBIDDEN,
                                Direction.EGRESS,
                                PeerClass.CONTROL_PLANE,
                                ACME + "/egress-anywhere#egress[0]",
                                IsolationStatus.BREACHABLE),
                        new Breakage(
                                "a missing policyType: the egress rules of a policy typed Ingress only are ignored",
                                y -> replaced(
                                        y,
                                        ACME_EGRESS,
                                        ACME_EGRESS.replace("    - Egress\n  egress:", "    - Ingress\n  egress:")),
                                FindingKind.DENIES_PERMITTED,
                                Direction.EGRESS,
                                PeerClass.SHARED_INFRA,
                                ACME + "/default-deny-all",
                                IsolationStatus.OVER_STRICT),
                        new Breakage(
                                "a wrong label value in the ingress rule",
                                y -> replaced(y, ACME_INGRESS_LABEL, ACME_INGRESS_LABEL.replace("acme-corp", "acme")),
                                FindingKind.DENIES_PERMITTED,
                                Direction.INGRESS,
                                PeerClass.INGRESS,
                                ACME + "/allow-ingress",
                                IsolationStatus.BREACHABLE),
                        new Breakage(
                                "DNS egress removed",
                                y -> replaced(
                                        y,
                                        ACME_EGRESS + "    - to:\n        - podSelector: {}\n    - to:\n"
                                                + "        - namespaceSelector:\n            matchLabels:\n"
                                                + "              matih.ai/role: shared-infra\n" + DNS_EGRESS,
                                        ACME_EGRESS + "    - to:\n        - podSelector: {}\n    - to:\n"
                                                + "        - namespaceSelector:\n            matchLabels:\n"
                                                + "              matih.ai/role: shared-infra\n"),
                                FindingKind.DENIES_PERMITTED,
                                Direction.EGRESS,
                                PeerClass.DNS,
                                ACME + "/allow-egress",
                                IsolationStatus.OVER_STRICT))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void eachBreakageGivesASpecificFinding(Breakage b) {
        // Given acme-corp's policies broken this way
        String yaml = b.edit().apply(DEMO);
        // When
        IsolationReport report = audit(yaml);
        // Then
        TenantIsolation acme = report.tenant("acme-corp");
        assertThat(acme.findings()).as(acme.findings().toString()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(b.kind());
            assertThat(f.direction()).isEqualTo(b.direction());
            assertThat(f.peer().peerClass()).isEqualTo(b.peer());
            assertThat(f.decidedBy()).contains(b.decidedBy());
            if (b.peer() == PeerClass.DNS) {
                assertThat(f.example().port()).isEqualTo(53);
                assertThat(f.example().protocol()).isEqualTo(Protocol.UDP);
            }
            if (b.peer() == PeerClass.INGRESS) {
                assertThat(f.peer().tenant()).isEqualTo("acme-corp");
            }
        });
        assertThat(acme.status()).isEqualTo(b.status());
    }

    @Test
    void removingTheDnsRuleClosesTheOpenDoorToOutside() {
        // Given
        String yaml = (String)
                ((Breakage) breakages().toList().get(5).get()[0]).edit().apply(DEMO);
        // When
        IsolationReport report = audit(yaml);
        // Then
        assertThat(findings(report, "acme-corp", FindingKind.PERMITS_FORBIDDEN)).isEmpty();
        assertThat(findings(report, "globex", FindingKind.PERMITS_FORBIDDEN))
                .extracting(Finding::decidedBy)
                .containsExactly(List.of("matih-data-plane-globex/allow-egress#egress[2]"));
    }
}
