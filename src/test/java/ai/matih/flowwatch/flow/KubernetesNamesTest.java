package ai.matih.flowwatch.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KubernetesNamesTest {

    private static final String A63 = "a".repeat(63);
    private static final String A64 = "a".repeat(64);
    /** 253 characters: four 62-character parts and a 1-character one, dot-separated. */
    private static final String S253 =
            String.join(".", "b".repeat(62), "c".repeat(62), "d".repeat(62), "e".repeat(62), "f");

    private static final String S254 = S253 + "g";

    static Stream<Arguments> namespaces() {
        return Stream.of(
                Arguments.of("default", true),
                Arguments.of("matih-data-plane-acme-corp", true),
                Arguments.of("a", true),
                Arguments.of("0", true),
                Arguments.of(A63, true),
                Arguments.of(A64, false),
                Arguments.of("", false),
                Arguments.of("Default", false),
                Arguments.of("-default", false),
                Arguments.of("default-", false),
                Arguments.of("kube.system", false),
                Arguments.of("under_score", false),
                Arguments.of("-", false),
                Arguments.of("tenant a", false),
                Arguments.of("ténant", false),
                Arguments.of("x".repeat(200_000), false));
    }

    @ParameterizedTest(name = "namespace \"{0}\" -> {1}")
    @MethodSource("namespaces")
    void namespacesAreDnsLabels(String name, boolean valid) {
        // When
        boolean result = KubernetesNames.isDnsLabel(name);

        // Then
        assertThat(result).isEqualTo(valid);
    }

    static Stream<Arguments> podNames() {
        return Stream.of(
                Arguments.of("nginx-54c98b4f84-sw9q9", true),
                Arguments.of("web-0", true),
                Arguments.of("a.b.c", true),
                Arguments.of("10.10.21.241", true),
                Arguments.of(A63 + "b", true),
                Arguments.of(S253, true),
                Arguments.of(S254, false),
                Arguments.of("", false),
                Arguments.of("Nginx", false),
                Arguments.of("-nginx", false),
                Arguments.of("nginx-", false),
                Arguments.of(".nginx", false),
                Arguments.of("nginx.", false),
                Arguments.of("a..b", false),
                Arguments.of("a.-b", false),
                Arguments.of("a-.b", false),
                Arguments.of("api-7d9f-*", false),
                Arguments.of("a/b", false));
    }

    @ParameterizedTest(name = "pod \"{0}\" -> {1}")
    @MethodSource("podNames")
    void podsAreDnsSubdomains(String name, boolean valid) {
        // When
        boolean result = KubernetesNames.isDnsSubdomain(name);

        // Then
        assertThat(result).isEqualTo(valid);
    }

    static Stream<Arguments> workloadAndEndpointNames() {
        return Stream.of(
                Arguments.of("csi-cbs-controller", true),
                Arguments.of("api-7d9f-*", true),
                Arguments.of("nginx-86c57db685-*", true),
                Arguments.of("multitool", true),
                Arguments.of("*", true),
                Arguments.of("pub", true),
                Arguments.of("pvt", true),
                Arguments.of("kube-apiserver", true),
                Arguments.of("remote-node", true),
                Arguments.of("world-ipv4", true),
                Arguments.of(S253, true),
                Arguments.of(S254, false),
                Arguments.of("", false),
                Arguments.of("**", false),
                Arguments.of("a*b", false),
                Arguments.of("-api-*", false),
                Arguments.of("PUBLIC NETWORK", false),
                Arguments.of("Api-*", false));
    }

    @ParameterizedTest(name = "name \"{0}\" -> {1}")
    @MethodSource("workloadAndEndpointNames")
    void workloadsMayBeCalicoAggregatedPrefixes(String name, boolean valid) {
        // When
        boolean result = KubernetesNames.isNameOrPrefix(name);

        // Then
        assertThat(result).isEqualTo(valid);
    }

    static Stream<Arguments> nodeNames() {
        return Stream.of(
                Arguments.of("k8s1", true),
                Arguments.of("kind-kind/kind-worker", true),
                Arguments.of("10.10.21.166", true),
                Arguments.of("bz-n8kf-kadm-node-1", true),
                Arguments.of(S253, true),
                Arguments.of(S254, false),
                Arguments.of("a/b/c", false),
                Arguments.of("/worker", false),
                Arguments.of("kind/", false),
                Arguments.of("Worker-1", false));
    }

    @ParameterizedTest(name = "node \"{0}\" -> {1}")
    @MethodSource("nodeNames")
    void nodesAreSubdomainsWithAnOptionalClusterPrefix(String name, boolean valid) {
        // When
        boolean result = KubernetesNames.isNodeName(name);

        // Then
        assertThat(result).isEqualTo(valid);
    }

    static Stream<Arguments> labelKeys() {
        return Stream.of(
                Arguments.of("app", true),
                Arguments.of("App_Name.v2", true),
                Arguments.of("kubernetes.io/metadata.name", true),
                Arguments.of("app.kubernetes.io/name", true),
                Arguments.of("matih.ai/tenant", true),
                Arguments.of("projectcalico.org/namespace", true),
                Arguments.of("pod-template-hash", true),
                Arguments.of(A63, true),
                Arguments.of(A64, false),
                Arguments.of(S253 + "/" + A63, true),
                Arguments.of(S254 + "/app", false),
                Arguments.of("", false),
                Arguments.of("/app", false),
                Arguments.of("example.com/", false),
                Arguments.of("Example.com/app", false),
                Arguments.of("a/b/c", false),
                Arguments.of("-app", false),
                Arguments.of("app-", false),
                Arguments.of("k8s:app", false),
                Arguments.of("app name", false));
    }

    @ParameterizedTest(name = "label key \"{0}\" -> {1}")
    @MethodSource("labelKeys")
    void labelKeysAreQualifiedNames(String key, boolean valid) {
        // When
        boolean result = KubernetesNames.isLabelKey(key);

        // Then
        assertThat(result).isEqualTo(valid);
    }

    static Stream<Arguments> labelValues() {
        return Stream.of(
                Arguments.of("", true),
                Arguments.of("acme-corp", true),
                Arguments.of("V1.2_rc", true),
                Arguments.of(A63, true),
                Arguments.of(A64, false),
                Arguments.of("-x", false),
                Arguments.of("x.", false),
                Arguments.of("}web{", false),
                Arguments.of("a b", false),
                Arguments.of("a/b", false));
    }

    @ParameterizedTest(name = "label value \"{0}\" -> {1}")
    @MethodSource("labelValues")
    void labelValuesHaveTheKubernetesSyntax(String value, boolean valid) {
        // When
        boolean result = KubernetesNames.isLabelValue(value);

        // Then
        assertThat(result).isEqualTo(valid);
    }

    static Stream<Arguments> ips() {
        return Stream.of(
                Arguments.of("10.0.0.1", true),
                Arguments.of("169.254.128.9", true),
                Arguments.of("fd00::a", true),
                Arguments.of("::1", true),
                Arguments.of("::ffff:10.0.0.1", true),
                Arguments.of("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", true),
                Arguments.of("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555", false),
                Arguments.of("", false),
                Arguments.of("1", false),
                Arguments.of("localhost", false),
                Arguments.of("10.0.0.1/8", false),
                Arguments.of("10.0.0.1 ", false));
    }

    @ParameterizedTest(name = "ip \"{0}\" -> {1}")
    @MethodSource("ips")
    void ipsAreShortHexDigitsDotsAndColons(String ip, boolean valid) {
        // When
        boolean result = KubernetesNames.isIpText(ip);

        // Then
        assertThat(result).isEqualTo(valid);
    }

    static Stream<Arguments> nullIsNeverValid() {
        return Stream.<Predicate<String>>of(
                        KubernetesNames::isDnsLabel,
                        KubernetesNames::isDnsSubdomain,
                        KubernetesNames::isNameOrPrefix,
                        KubernetesNames::isNodeName,
                        KubernetesNames::isLabelKey,
                        KubernetesNames::isLabelValue,
                        KubernetesNames::isIpText,
                        s -> KubernetesNames.isToken(s, 10))
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource
    void nullIsNeverValid(Predicate<String> rule) {
        // When
        boolean result = rule.test(null);

        // Then
        assertThat(result).isFalse();
    }
}
