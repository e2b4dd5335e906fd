package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigMappingTest {

    @Test
    void shouldDefaultToDesignValues() {
        // Given
        TestConfig config = TestConfig.of(Map.of());

        // When
        TenancyRules rules = config.tenancy().rules();
        ClusterConfig cluster = config.cluster();
        TopologyConfig topology = config.topology();

        // Then
        assertThat(rules).hasToString(TenancyRules.defaults().toString());
        assertThat(cluster.internalCidrs())
                .containsExactly("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8");
        assertThat(cluster.internalNetworks())
                .extracting(Object::toString)
                .containsExactly("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8");
        assertThat(cluster.dnsSelector()).isEqualTo(new DnsSelector("kube-system", Map.of("k8s-app", "kube-dns")));
        assertThat(cluster.clusterName()).isEmpty();
        assertThat(topology.path()).isEqualTo(TopologyConfig.NONE);
        assertThat(topology.hasPath()).isFalse();
        assertThat(topology.reloadInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(topology.kubernetes().enabled()).isFalse();
    }

    @Test
    void shouldReadCustomValues() {
        // Given
        TestConfig config = TestConfig.of(Map.of(
                "flowwatch.tenancy.role-label", "example.com/role",
                "flowwatch.tenancy.tenant-label", "example.com/tenant",
                "flowwatch.tenancy.namespace-pattern", "tenant-(?<tenant>[a-z]+)-prod",
                "flowwatch.tenancy.roles.control-plane", "cp",
                "flowwatch.cluster.internal-cidrs", "100.64.0.0/10",
                "flowwatch.cluster.dns", "dns/app=coredns, tier=node",
                "flowwatch.cluster.name", "eu-prod_1.example",
                "flowwatch.topology.path", "/etc/flowwatch/topology",
                "flowwatch.topology.reload-interval", "250ms"));

        // When
        TenancyRules rules = config.tenancy().rules();

        // Then
        assertThat(rules.describe("x", Map.of("example.com/role", "cp"), true).role())
                .isEqualTo(Role.CONTROL_PLANE);
        assertThat(rules.describe("tenant-acme-prod", Map.of(), true).tenant()).isEqualTo("acme");
        assertThat(config.cluster().internalNetworks())
                .extracting(Object::toString)
                .containsExactly("100.64.0.0/10");
        assertThat(config.cluster().dnsSelector())
                .isEqualTo(new DnsSelector("dns", Map.of("app", "coredns", "tier", "node")));
        assertThat(config.cluster().clusterName()).contains("eu-prod_1.example");
        assertThat(config.topology().hasPath()).isTrue();
        assertThat(config.topology().reloadInterval()).isEqualTo(Duration.ofMillis(250));
    }

    static Stream<Arguments> shouldRejectInvalidValueNamingKeyAndValue() {
        Consumer<TestConfig> rules = c -> c.tenancy().rules();
        Consumer<TestConfig> cidrs = c -> c.cluster().internalNetworks();
        Consumer<TestConfig> dns = c -> c.cluster().dnsSelector();
        Consumer<TestConfig> name = c -> c.cluster().clusterName();
        Consumer<TestConfig> holder =
                c -> new TopologyHolder(c.tenancy(), c.cluster(), c.topology(), new SimpleMeterRegistry());
        return Stream.of(
                Arguments.of(
                        "flowwatch.tenancy.namespace-pattern",
                        "matih-(?<tenant>[a-z",
                        rules,
                        "flowwatch.tenancy.namespace-pattern='matih-(?<tenant>[a-z' is not a valid regular expression"),
                Arguments.of(
                        "flowwatch.tenancy.namespace-pattern",
                        "matih-data-plane-(?<t>.+)",
                        rules,
                        "flowwatch.tenancy.namespace-pattern='matih-data-plane-(?<t>.+)' has no named group 'tenant'"),
                Arguments.of(
                        "flowwatch.cluster.internal-cidrs",
                        "10.0.0.0/8,10.0.0.0/40",
                        cidrs,
                        "flowwatch.cluster.internal-cidrs: '10.0.0.0/40' is not a CIDR or IP address"),
                Arguments.of(
                        "flowwatch.cluster.dns",
                        "k8s-app=kube-dns",
                        dns,
                        "flowwatch.cluster.dns='k8s-app=kube-dns' has no '<namespace>/' prefix"),
                Arguments.of(
                        "flowwatch.cluster.dns",
                        "kube-system/k8s-app",
                        dns,
                        "flowwatch.cluster.dns='kube-system/k8s-app' has a malformed label 'k8s-app'"),
                Arguments.of(
                        "flowwatch.cluster.dns",
                        "kube-system/a=b,",
                        dns,
                        "flowwatch.cluster.dns='kube-system/a=b,' has a malformed label ''"),
                Arguments.of(
                        "flowwatch.cluster.name",
                        "eu prod",
                        name,
                        "flowwatch.cluster.name='eu prod' is not a cluster name"),
                Arguments.of(
                        "flowwatch.cluster.name", "-eu", name, "flowwatch.cluster.name='-eu' is not a cluster name"),
                Arguments.of(
                        "flowwatch.cluster.name",
                        "a".repeat(64),
                        name,
                        "flowwatch.cluster.name='" + "a".repeat(64) + "' is not a cluster name"),
                Arguments.of(
                        "flowwatch.cluster.name",
                        "eu\u0000prod",
                        name,
                        "flowwatch.cluster.name='eu\u0000prod' is not a cluster name"),
                Arguments.of(
                        "flowwatch.topology.reload-interval",
                        "0s",
                        holder,
                        "flowwatch.topology.reload-interval='PT0S' must be positive"),
                Arguments.of(
                        "flowwatch.cluster.internal-cidrs",
                        "example.com",
                        holder,
                        "flowwatch.cluster.internal-cidrs: 'example.com' is not a CIDR or IP address"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource
    void shouldRejectInvalidValueNamingKeyAndValue(String key, String value, Consumer<TestConfig> use, String message) {
        // Given
        TestConfig config = TestConfig.of(Map.of(key, value));

        // When / Then
        assertThatThrownBy(() -> use.accept(config))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(message);
    }
}
