package ai.matih.flowwatch.e2e;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /api/v1/policy/evaluate} over HTTP: every IP protocol is judged (R5.8), and the manifests describe the
 * whole world, so an address no Pod of them has is a non-pod endpoint, unless it is inside the declared
 * {@code podCidrs}.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class WhatIfProtocolsAndAddressesTest {

    /**
     * Pods x/a (10.0.1.1) and y/b (10.0.2.1). y/b takes port 80 from 10.9.0.0/16 and from every pod, and anything
     * (every protocol) from the pods of x; x's pods may send to pods only.
     */
    private static final String MANIFESTS = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: x, labels: {ns: x}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: y, labels: {ns: y}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: a, namespace: x, labels: {pod: a}}
            spec: {containers: [{name: c, image: i}]}
            status: {podIP: 10.0.1.1}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b, namespace: y, labels: {pod: b}}
            spec: {containers: [{name: c, image: i}]}
            status: {podIP: 10.0.2.1}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: in, namespace: y}
            spec:
              podSelector: {}
              ingress:
                - from: [{ipBlock: {cidr: 10.9.0.0/16}}, {namespaceSelector: {}}]
                  ports: [{port: 80}]
                - from: [{namespaceSelector: {matchLabels: {ns: x}}}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: out, namespace: x}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
                - to: [{namespaceSelector: {}}]
            """;

    private static Map<String, Object> end(String spec) {
        if (spec.contains("/")) {
            String[] nsPod = spec.split("/");
            return Map.of("namespace", nsPod[0], "pod", nsPod[1]);
        }
        return Map.of("ip", spec);
    }

    /** {@code "source > destination protocol[/port]"}, the protocol as the request writes it. */
    private static Map<String, Object> connection(String spec) {
        String[] p = spec.split(" ");
        String[] protoPort = p[3].split("/");
        Map<String, Object> c = new HashMap<>();
        c.put("source", end(p[0]));
        c.put("destination", end(p[2]));
        c.put("protocol", protoPort[0].matches("[0-9]+") ? Integer.parseInt(protoPort[0]) : protoPort[0]);
        if (protoPort.length > 1) {
            c.put("port", Integer.parseInt(protoPort[1]));
        }
        return c;
    }

    private static List<String> verdicts(List<String> connections, List<String> podCidrs, String cni) {
        Map<String, Object> body = new HashMap<>();
        body.put("manifests", MANIFESTS);
        body.put(
                "connections",
                connections.stream()
                        .map(WhatIfProtocolsAndAddressesTest::connection)
                        .toList());
        if (podCidrs != null) {
            body.put("podCidrs", podCidrs);
        }
        if (cni != null) {
            body.put("cni", cni);
        }
        return Tokens.asAdmin()
                .contentType("application/json")
                .body(body)
                .post("/api/v1/policy/evaluate")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("results.verdict");
    }

    static Stream<Arguments> addresses() {
        return Stream.of(
                Arguments.of("an address in the ipBlock is allowed", "10.9.1.1 > y/b TCP/80", null, "ALLOW"),
                Arguments.of(
                        "an address no pod has is no pod: selectors miss it", "10.8.1.1 > y/b TCP/80", null, "DENY"),
                Arguments.of("an external address is no pod either", "203.0.113.9 > y/b TCP/80", null, "DENY"),
                Arguments.of("egress to pods only misses an address no pod has", "x/a > 10.8.1.1 TCP/80", null, "DENY"),
                Arguments.of("a pod's address is its pod", "10.0.1.1 > y/b TCP/80", null, "ALLOW"),
                Arguments.of(
                        "inside a declared pod CIDR an unlisted address may be a pod",
                        "10.8.1.1 > y/b TCP/80",
                        List.of("10.8.0.0/16"),
                        "INDETERMINATE"),
                Arguments.of("in egress too", "x/a > 10.8.1.1 TCP/80", List.of("10.8.0.0/16"), "INDETERMINATE"),
                Arguments.of(
                        "outside every declared pod CIDR it is no pod",
                        "10.8.1.1 > y/b TCP/80",
                        List.of("10.7.0.0/16", "fd00::/64"),
                        "DENY"),
                Arguments.of(
                        "in the ipBlock but inside a pod CIDR: as a pod its own egress may be isolated",
                        "10.9.1.1 > y/b TCP/80",
                        List.of("10.9.0.0/16"),
                        "INDETERMINATE"),
                Arguments.of(
                        "a listed pod's address stays its pod inside the pod CIDRs",
                        "10.0.1.1 > y/b TCP/80",
                        List.of("10.0.0.0/8"),
                        "ALLOW"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void addresses(String name, String connection, List<String> podCidrs, String verdict) {
        // When / Then
        org.assertj.core.api.Assertions.assertThat(verdicts(List.of(connection), podCidrs, null))
                .containsExactly(verdict);
    }

    static Stream<Arguments> protocols() {
        return Stream.of(
                Arguments.of("a peer-only rule allows ICMP", "x/a > y/b ICMP", null, "ALLOW"),
                Arguments.of("by number", "x/a > y/b 1", null, "ALLOW"),
                Arguments.of("ICMPv6 by name in any case", "x/a > y/b icmpv6", null, "ALLOW"),
                Arguments.of("GRE by number", "x/a > y/b 47", null, "ALLOW"),
                Arguments.of("a protocol without a name", "x/a > y/b 115", null, "ALLOW"),
                Arguments.of("a rule with ports does not allow ICMP", "10.9.1.1 > y/b ICMP", null, "DENY"),
                Arguments.of("nor ESP", "10.9.1.1 > y/b esp", null, "DENY"),
                Arguments.of("the CNI decides when it is unknown", "10.9.1.1 > y/b ICMP", "unknown", "INDETERMINATE"),
                Arguments.of("Cilium-like profile: denied", "10.9.1.1 > y/b ICMP", "ipblock-ignores-pod-ips", "DENY"),
                Arguments.of(
                        "TCP without a port still needs the port rule", "10.9.1.1 > y/b TCP", null, "INDETERMINATE"),
                Arguments.of("SCTP by number with a port", "10.9.1.1 > y/b 132/80", null, "DENY"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void protocols(String name, String connection, String cni, String verdict) {
        // When / Then
        org.assertj.core.api.Assertions.assertThat(verdicts(List.of(connection), null, cni))
                .containsExactly(verdict);
    }

    @Test
    void theReasonsNameTheProtocolAndTheNonPodAddress() {
        // Given
        Map<String, Object> body = Map.of(
                "manifests",
                MANIFESTS,
                "cni",
                "unknown",
                "connections",
                List.of(connection("10.9.1.1 > y/b ICMP"), connection("10.8.1.1 > y/b TCP/80")));
        // When / Then
        Tokens.asAdmin()
                .contentType("application/json")
                .queryParam("detail", "full")
                .body(body)
                .post("/api/v1/policy/evaluate")
                .then()
                .statusCode(200)
                .body("results[0].cniDependent", equalTo(true))
                .body("results[0].indeterminateBecause", hasItem(containsString("isolation to ICMP")))
                .body("results[1].ingress.reasons[0]", containsString("non-pod address 10.8.1.1"));
    }

    static Stream<Arguments> badValues() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add("10." + i + ".0.0/16");
        }
        return Stream.of(
                Arguments.of(connection("x/a > y/b 999"), null, "connections[0].protocol"),
                Arguments.of(connection("x/a > y/b 256"), null, "connections[0].protocol"),
                Arguments.of(connection("x/a > y/b bogus"), null, "connections[0].protocol"),
                Arguments.of(connection("x/a > y/b UNKNOWN"), null, "connections[0].protocol"),
                Arguments.of(connection("x/a > y/b ICMP/80"), null, "connections[0].port"),
                Arguments.of(connection("x/a > y/b 47/1"), null, "connections[0].port"),
                Arguments.of(connection("x/a > y/b TCP/80"), List.of("10.0.0.0/33"), "podCidrs[0]"),
                Arguments.of(connection("x/a > y/b TCP/80"), List.of("10.0.0.0/8", "10.0.0.1"), "podCidrs[1]"),
                Arguments.of(connection("x/a > y/b TCP/80"), List.of("pods"), "podCidrs[0]"),
                Arguments.of(connection("x/a > y/b TCP/80"), many, "podCidrs"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource
    void badValues(Map<String, Object> connection, List<String> podCidrs, String parameter) {
        // Given
        Map<String, Object> body = new HashMap<>();
        body.put("manifests", MANIFESTS);
        body.put("connections", List.of(connection));
        if (podCidrs != null) {
            body.put("podCidrs", podCidrs);
        }
        // When / Then
        Tokens.asAdmin()
                .contentType("application/json")
                .body(body)
                .post("/api/v1/policy/evaluate")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo(parameter));
    }

    static Stream<Arguments> explainBadValues() {
        return Stream.of(
                Arguments.of("ICMP", "8", "port"),
                Arguments.of("47", "80", "port"),
                Arguments.of("999", null, "protocol"),
                Arguments.of("-1", null, "protocol"),
                Arguments.of("UNKNOWN", null, "protocol"));
    }

    @ParameterizedTest(name = "explain protocol={0} port={1}")
    @MethodSource
    void explainBadValues(String protocol, String port, String parameter) {
        var request = Tokens.asAdmin()
                .queryParam("source", "10.244.1.10")
                .queryParam("destination", "10.244.0.10")
                .queryParam("protocol", protocol);
        if (port != null) {
            request = request.queryParam("port", port);
        }
        request.get("/api/v1/explain")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo(parameter));
    }

    @Test
    void explainTakesAProtocolByNumber() {
        Tokens.asAdmin()
                .queryParam("source", "matih-data-plane-globex/api-7d9f8c6b5-x2a2b")
                .queryParam("destination", "matih-data-plane-initech/db-0")
                .queryParam("protocol", "58")
                .get("/api/v1/explain")
                .then()
                .statusCode(200)
                .body("protocol", equalTo("ICMPV6"))
                .body("intent", equalTo("FORBIDDEN"))
                .body("outcomes.ALLOWED", containsString("ISOLATION_BREACH"));
    }
}
