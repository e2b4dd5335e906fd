package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ai.matih.flowwatch.flow.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestLoaderTest {

    static final String DEMO = "classpath:demo/topology.yaml";

    private final ManifestLoader loader = new ManifestLoader(
            TenancyRules.defaults(),
            List.of(EgressException.parseCidr("10.0.0.0/8")),
            DnsSelector.parse("kube-system/k8s-app=kube-dns"));

    @TempDir
    Path dir;

    @Test
    void shouldLoadDemoTopologyWithNamespacesPerRole() {
        // Given
        String location = DEMO;

        // When
        ManifestLoader.Result result = loader.load(location);

        // Then
        Topology topology = result.topology();
        assertThat(topology.origin()).isEqualTo(DEMO);
        assertThat(Stream.of(Role.values()).map(topology::namespaceCount)).containsExactly(3L, 1L, 1L, 1L, 2L);
        assertThat(topology.namespaces().values())
                .filteredOn(n -> n.role() == Role.TENANT)
                .extracting(NamespaceInfo::name, NamespaceInfo::tenant)
                .containsExactlyInAnyOrder(
                        tuple("matih-data-plane-acme-corp", "acme-corp"),
                        tuple("matih-data-plane-globex", "globex"),
                        tuple("matih-data-plane-initech", "initech"));
        assertThat(topology.namespaces().values()).allMatch(NamespaceInfo::known);
        assertThat(topology.networkPolicies()).hasSize(10);
        assertThat(topology.podsByName()).hasSize(17);
        assertThat(topology.podsByIp()).hasSize(17);
        assertThat(topology.egressExceptions()).hasSize(2);
        assertThat(result.ignoredKinds()).isEmpty();
        assertThat(result.undeclaredNamespaces()).isEmpty();
        assertThat(topology.dnsNamespace()).isEqualTo("kube-system");
        assertThat(topology.dnsSelector()).containsExactly(Map.entry("k8s-app", "kube-dns"));
    }

    @Test
    void shouldIndexDemoPodsByIpAndName() {
        // Given
        Topology topology = loader.load(DEMO).topology();

        // When
        PodInfo db = topology.podByIp("10.244.1.12");
        PodInfo dns = topology.pod("kube-system", "coredns-559f6c778d-7xq2m");

        // Then
        assertThat(db)
                .extracting(PodInfo::namespace, PodInfo::name, PodInfo::node)
                .containsExactly("matih-data-plane-acme-corp", "db-0", "worker-1");
        assertThat(db.ports()).containsExactly(new PodInfo.ContainerPort("postgres", 5432, "TCP"));
        assertThat(dns.ports()).extracting(PodInfo.ContainerPort::protocol).containsExactly("UDP", "TCP");
        assertThat(topology.isClusterDns(dns.namespace(), dns.labels())).isTrue();
        assertThat(topology.pod("matih-data-plane-acme-corp", "worker-5c7d9e8f6-y1c3d")
                        .ports())
                .isEmpty();
    }

    @Test
    void shouldParseDemoEgressExceptionsIncludingExpiredOne() {
        // Given
        Topology topology = loader.load(DEMO).topology();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        // When
        List<EgressException> exceptions = topology.egressExceptions();

        // Then
        assertThat(exceptions)
                .extracting(EgressException::name, EgressException::tenant, EgressException::expires)
                .containsExactly(
                        tuple("acme-corp-payments", "acme-corp", Instant.parse("2030-01-01T00:00:00Z")),
                        tuple("globex-expired-partner", "globex", Instant.parse("2024-01-01T00:00:00Z")));
        EgressException payments = exceptions.get(0);
        assertThat(payments.ports()).containsExactly(new EgressException.PortRange(443, 443, null));
        assertThat(payments.fqdns()).containsExactly("api.payments.example.com");
        assertThat(payments.owner()).isEqualTo("payments-team@acme.example");
        assertThat(payments.reason()).isEqualTo("Card payments gateway");
        assertThat(payments.permits(Topology.parseIp("203.0.113.5"), 443, Protocol.TCP, now))
                .isTrue();
        assertThat(exceptions.get(1).permits(Topology.parseIp("198.51.100.7"), 443, Protocol.TCP, now))
                .isFalse();
    }

    @Test
    void shouldExcludeHostNetworkAndFinishedPodsFromIpIndex() {
        // Given
        String manifests = """
                apiVersion: v1
                kind: Pod
                metadata: {name: node-exporter-abc, namespace: monitoring}
                spec:
                  hostNetwork: true
                  nodeName: worker-1
                status: {podIP: 192.168.1.10, podIPs: [{ip: 192.168.1.10}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: job-1, namespace: batch}
                status: {phase: Succeeded, podIP: 10.244.5.5}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: api-1, namespace: batch}
                status: {phase: Running, podIP: 10.244.5.6, podIPs: [{ip: 10.244.5.6}, {ip: "fd00:0:0:0:0:0:0:6"}]}
                """;

        // When
        Topology topology = loader.parse(manifests, "pods.yaml").topology();

        // Then
        assertThat(topology.podsByName())
                .containsOnlyKeys("monitoring/node-exporter-abc", "batch/job-1", "batch/api-1");
        assertThat(topology.pod("monitoring", "node-exporter-abc").hostNetwork())
                .isTrue();
        assertThat(topology.pod("monitoring", "node-exporter-abc").ips()).containsExactly("192.168.1.10");
        assertThat(topology.podsByIp()).containsOnlyKeys("10.244.5.6", "fd00::6");
        assertThat(topology.podByIp("fd00:0000::6")).extracting(PodInfo::name).isEqualTo("api-1");
        assertThat(topology.podByIp("192.168.1.10")).isNull();
    }

    @Test
    void shouldParseEgressExceptionPortSyntaxes() {
        // Given
        String manifests = """
                apiVersion: flowwatch.matih.ai/v1
                kind: EgressException
                metadata: {name: ports}
                spec:
                  tenant: acme-corp
                  cidrs: [203.0.113.0/24, "2001:db8::/32"]
                  ports: [443, "8443", "8000-8100", "53/udp", {port: 9000, endPort: 9010, protocol: TCP}, {port: "123"}]
                  expires: 2030-06-30
                """;

        // When
        EgressException exception = loader.parse(manifests, "ports.yaml")
                .topology()
                .egressExceptions()
                .get(0);

        // Then
        assertThat(exception.ports())
                .containsExactly(
                        new EgressException.PortRange(443, 443, null),
                        new EgressException.PortRange(8443, 8443, null),
                        new EgressException.PortRange(8000, 8100, null),
                        new EgressException.PortRange(53, 53, Protocol.UDP),
                        new EgressException.PortRange(9000, 9010, Protocol.TCP),
                        new EgressException.PortRange(123, 123, null));
        assertThat(exception.cidrs()).extracting(Object::toString).containsExactly("203.0.113.0/24", "2001:db8::/32");
        assertThat(exception.expires()).isEqualTo(Instant.parse("2030-06-30T00:00:00Z"));
        assertThat(exception.fqdns()).isEmpty();
    }

    @Test
    void shouldLoadDirectoryRecursivelyInPathOrderWithMultiDocumentYamlAndJson() throws IOException {
        // Given
        write("b/policies.yml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny-all, namespace: matih-data-plane-acme-corp}
                spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                ---
                # an empty document between separators is skipped
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-dns, namespace: matih-data-plane-acme-corp}
                spec:
                  podSelector: {}
                  egress: [{ports: [{port: 53, protocol: UDP}]}]
                """);
        write("a/namespaces.json", """
                {"apiVersion": "v1", "kind": "Namespace",
                 "metadata": {"name": "matih-data-plane-acme-corp"}}
                {"apiVersion": "v1", "kind": "Namespace",
                 "metadata": {"name": "matih-infra", "labels": {"matih.ai/role": "shared-infra"}}}
                """);
        write("c/notes.txt", "not a manifest");
        write(".hidden/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: hidden}\n");

        // When
        ManifestLoader.Result result = loader.load(dir.toString());

        // Then
        assertThat(result.sources())
                .containsExactly(
                        dir.resolve("a/namespaces.json").toString(),
                        dir.resolve("b/policies.yml").toString());
        assertThat(result.documents()).isEqualTo(4);
        Topology topology = result.topology();
        assertThat(topology.origin()).isEqualTo(dir.toString());
        assertThat(topology.namespaces()).containsOnlyKeys("matih-data-plane-acme-corp", "matih-infra");
        assertThat(topology.namespaces().get("matih-data-plane-acme-corp").labels())
                .containsEntry("kubernetes.io/metadata.name", "matih-data-plane-acme-corp");
        assertThat(topology.namespaces().get("matih-infra").role()).isEqualTo(Role.SHARED_INFRA);
        assertThat(topology.networkPolicies())
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("default-deny-all", "allow-dns");
        assertThat(topology.networkPolicies()
                        .get(1)
                        .getSpec()
                        .getEgress()
                        .get(0)
                        .getPorts()
                        .get(0)
                        .getPort()
                        .getIntVal())
                .isEqualTo(53);
    }

    @Test
    void shouldReadListItemsAndIgnoreOtherKinds() {
        // Given
        String manifests = """
                apiVersion: v1
                kind: List
                items:
                  - apiVersion: v1
                    kind: Namespace
                    metadata: {name: matih-data-plane-globex}
                  - apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: api, namespace: matih-data-plane-globex}
                  - apiVersion: v1
                    kind: Pod
                    metadata: {name: api-1, namespace: matih-data-plane-umbrella}
                    status: {podIP: 10.244.7.1}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: db, namespace: matih-data-plane-globex}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                ---
                apiVersion: extensions/v1beta1
                kind: NetworkPolicy
                metadata: {name: legacy}
                """;

        // When
        ManifestLoader.Result result = loader.parse(manifests, "list.yaml");

        // Then
        assertThat(result.ignoredKinds())
                .containsOnly(
                        Map.entry("Deployment", 2),
                        Map.entry("ConfigMap", 1),
                        Map.entry("NetworkPolicy (extensions/v1beta1)", 1));
        assertThat(result.documents()).isEqualTo(6);
        assertThat(result.topology().namespaces()).containsOnlyKeys("matih-data-plane-globex");
        assertThat(result.topology().podByIp("10.244.7.1").namespace()).isEqualTo("matih-data-plane-umbrella");
        assertThat(result.undeclaredNamespaces()).containsExactly("matih-data-plane-umbrella");
        assertThat(result.topology().describe("matih-data-plane-umbrella", Map.of()))
                .extracting(NamespaceInfo::role, NamespaceInfo::tenant, NamespaceInfo::known)
                .containsExactly(Role.TENANT, "umbrella", false);
    }

    @Test
    void shouldLetLaterDocumentsReplaceEarlierOnes() {
        // Given
        String manifests = """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shared, labels: {matih.ai/role: control-plane}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shared, labels: {matih.ai/role: shared-infra}}
                """;

        // When
        Topology topology = loader.parse(manifests, "dup.yaml").topology();

        // Then
        assertThat(topology.namespaces().get("shared").role()).isEqualTo(Role.SHARED_INFRA);
    }

    @Test
    void shouldReportMissingLocation() {
        // Given
        Path missing = dir.resolve("nope");

        // When / Then
        assertThatThrownBy(() -> loader.load(missing.toString()))
                .isInstanceOf(ManifestException.class)
                .hasMessage(missing + ": does not exist");
        assertThatThrownBy(() -> loader.load("classpath:demo/nope.yaml"))
                .isInstanceOf(ManifestException.class)
                .hasMessage("classpath:demo/nope.yaml: no such classpath resource");
    }

    static Stream<Arguments> shouldNameFileDocumentAndFieldOfInvalidManifest() {
        String ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\n";
        String egress = "apiVersion: flowwatch.matih.ai/v1\nkind: EgressException\nmetadata: {name: x}\n";
        return Stream.of(
                Arguments.of("not YAML", ns + "kind: [unclosed\n", "document 2", null, "not valid YAML"),
                Arguments.of(
                        "not a mapping",
                        ns + "- just\n- a list of strings\n",
                        "document 2, item 1",
                        null,
                        "is not a mapping"),
                Arguments.of(
                        "missing kind",
                        ns + "apiVersion: v1\nmetadata: {name: x}\n",
                        "document 2",
                        "kind",
                        "is missing"),
                Arguments.of(
                        "missing name",
                        ns + "apiVersion: v1\nkind: Pod\nmetadata: {namespace: a}\n",
                        "document 2",
                        "metadata.name",
                        "is missing"),
                Arguments.of(
                        "missing name in List item",
                        "apiVersion: v1\nkind: List\nitems:\n"
                                + "  - {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n"
                                + "  - {apiVersion: v1, kind: Namespace, metadata: {}}\n",
                        "document 1, item 2",
                        "metadata.name",
                        "is missing"),
                Arguments.of(
                        "bad pod IP",
                        ns + "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                + "status: {podIPs: [{ip: 10.0.0.1}, {ip: 10.0.0.300}]}\n",
                        "document 2",
                        "status.podIPs[1].ip",
                        "is not an IP address: '10.0.0.300'"),
                Arguments.of(
                        "bad field type",
                        ns + "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                + "spec: {containers: [{name: c, ports: [{containerPort: http}]}]}\n",
                        "document 2",
                        "spec.containers[0].ports[0].containerPort",
                        "cannot be read as a Pod"),
                Arguments.of("no spec", egress, "document 1", "spec", "is missing"),
                Arguments.of(
                        "no tenant",
                        egress + "spec: {cidrs: [10.0.0.0/8]}\n",
                        "document 1",
                        "spec.tenant",
                        "is missing"),
                Arguments.of("no cidrs", egress + "spec: {tenant: t}\n", "document 1", "spec.cidrs", "non-empty list"),
                Arguments.of(
                        "bad cidr",
                        egress + "spec: {tenant: t, cidrs: [10.0.0.0/8, 300.1.2.0/24]}\n",
                        "document 1",
                        "spec.cidrs[1]",
                        "is not a CIDR: '300.1.2.0/24'"),
                Arguments.of(
                        "unknown port syntax",
                        egress + "spec: {tenant: t, cidrs: [10.0.0.0/8], ports: [443, https]}\n",
                        "document 1",
                        "spec.ports[1]",
                        "unknown port syntax 'https'"),
                Arguments.of(
                        "port out of range",
                        egress + "spec: {tenant: t, cidrs: [10.0.0.0/8], ports: [70000]}\n",
                        "document 1",
                        "spec.ports[0]",
                        "invalid port range 70000-70000"),
                Arguments.of(
                        "reversed range",
                        egress + "spec: {tenant: t, cidrs: [10.0.0.0/8], ports: [\"90-80\"]}\n",
                        "document 1",
                        "spec.ports[0]",
                        "invalid port range 90-80"),
                Arguments.of(
                        "bad protocol",
                        egress + "spec: {tenant: t, cidrs: [10.0.0.0/8], ports: [{port: 1, protocol: ICMP}]}\n",
                        "document 1",
                        "spec.ports[0].protocol",
                        "unknown protocol 'ICMP'"),
                Arguments.of(
                        "object without port",
                        egress + "spec: {tenant: t, cidrs: [10.0.0.0/8], ports: [{endPort: 9}]}\n",
                        "document 1",
                        "spec.ports[0].port",
                        "is missing"),
                Arguments.of(
                        "bad expiry",
                        egress + "spec: {tenant: t, cidrs: [10.0.0.0/8], expires: soon}\n",
                        "document 1",
                        "spec.expires",
                        "is not an ISO-8601 instant or date: 'soon'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void shouldNameFileDocumentAndFieldOfInvalidManifest(
            String description, String content, String document, String field, String problem) throws IOException {
        // Given
        Path file = write("bad.yaml", content);

        // When / Then
        assertThatThrownBy(() -> loader.load(dir.toString())).isInstanceOfSatisfying(ManifestException.class, e -> {
            assertThat(e.source()).isEqualTo(file.toString());
            assertThat(e.document()).isEqualTo(document);
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage())
                    .startsWith(file + ", " + document + (field == null ? "" : ", field " + field) + ": ")
                    .contains(problem);
        });
    }

    @Test
    void shouldNameJsonFileOfInvalidJson() throws IOException {
        // Given
        Path file = write(
                "bad.json",
                "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}}\n" + "{\"kind\": ");

        // When / Then
        assertThatThrownBy(() -> loader.load(file.toString()))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith(file + ", document 2: not valid JSON");
    }

    private Path write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
