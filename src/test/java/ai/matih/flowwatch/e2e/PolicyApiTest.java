package ai.matih.flowwatch.e2e;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The what-if endpoint and the explanation endpoint, through HTTP. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class PolicyApiTest {

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
            spec: {containers: [{name: c, image: i, ports: [{name: serve-80-tcp, containerPort: 80}]}]}
            status: {podIP: 10.0.1.1}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b, namespace: y, labels: {pod: b}}
            spec: {containers: [{name: c, image: i, ports: [{name: serve-80-tcp, containerPort: 80}]}]}
            status: {podIP: 10.0.2.1}
            ---
            # ingress to y only from namespace x, named port; no policyTypes (defaulted to Ingress)
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-x, namespace: y}
            spec:
              podSelector: {}
              ingress:
                - from: [{namespaceSelector: {matchLabels: {ns: x}}}]
                  ports: [{port: serve-80-tcp}]
            """;

    private static Map<String, Object> pod(String namespace, String name) {
        return Map.of("namespace", namespace, "pod", name);
    }

    @Test
    void judgesConnectionsAgainstTheManifestsInTheRequest() {
        // Given
        Map<String, Object> body = Map.of(
                "manifests",
                MANIFESTS,
                "connections",
                List.of(
                        Map.of("source", pod("x", "a"), "destination", pod("y", "b"), "port", 80, "protocol", "TCP"),
                        Map.of("source", pod("x", "a"), "destination", pod("y", "b"), "port", 81),
                        Map.of("source", Map.of("ip", "203.0.113.9"), "destination", pod("y", "b"), "port", 80),
                        Map.of("source", pod("y", "b"), "destination", pod("x", "a"), "port", 80)));
        // When / Then
        Tokens.asAdmin()
                .contentType("application/json")
                .body(body)
                .post("/api/v1/policy/evaluate")
                .then()
                .statusCode(200)
                .body("results.verdict", equalTo(List.of("ALLOW", "DENY", "DENY", "ALLOW")))
                .body("results[0].decidedBy", hasItem(startsWith("y/from-x")))
                .body("results[1].ingress.verdict", equalTo("DENY"))
                .body("results[3].ingress.evaluated", equalTo(true));
    }

    @Test
    void namesTheDocumentAndFieldOfAnInvalidManifest() {
        // Given: the second document has no name
        Map<String, Object> body = Map.of(
                "manifests",
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n"
                        + "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: x}\nspec: {}\n",
                "connections",
                List.of(Map.of("source", Map.of("ip", "10.0.0.1"), "destination", Map.of("ip", "10.0.0.2"))));
        // When / Then
        Tokens.asAdmin()
                .contentType("application/json")
                .body(body)
                .post("/api/v1/policy/evaluate")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo("manifests"))
                .body("detail", containsString("document 2"))
                .body("detail", containsString("metadata.name"));
    }

    @Test
    void rejectsReferencesToPodsThatAreNotInTheManifests() {
        Map<String, Object> body = Map.of(
                "manifests",
                MANIFESTS,
                "connections",
                List.of(Map.of("source", pod("x", "zz"), "destination", pod("y", "b"), "port", 80)));
        Tokens.asAdmin()
                .contentType("application/json")
                .body(body)
                .post("/api/v1/policy/evaluate")
                .then()
                .statusCode(400)
                .body("parameter", equalTo("connections[0].source"))
                .body("detail", containsString("x/zz"));
    }

    @Test
    void rejectsAPortForAProtocolWithoutPorts() {
        Map<String, Object> body = Map.of(
                "manifests",
                MANIFESTS,
                "connections",
                List.of(Map.of("source", pod("x", "a"), "destination", pod("y", "b"), "port", 80, "protocol", "ICMP")));
        Tokens.asAdmin()
                .contentType("application/json")
                .body(body)
                .post("/api/v1/policy/evaluate")
                .then()
                .statusCode(400)
                .body("parameter", equalTo("connections[0].port"))
                .body("detail", containsString("ICMP has no ports"));
    }

    @Test
    void rejectsABodyThatIsNotJson() {
        Tokens.asAdmin()
                .contentType("application/json")
                .body("{\"manifests\": ")
                .post("/api/v1/policy/evaluate")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void explainsEachAxisOfAConnectionOnTheLiveTopology() {
        Tokens.asAdmin()
                .queryParam("source", "matih-data-plane-globex/api-7d9f8c6b5-x2a2b")
                .queryParam("destination", "matih-data-plane-initech/db-0")
                .queryParam("port", "5432")
                .get("/api/v1/explain")
                .then()
                .statusCode(200)
                .body("intent", equalTo("FORBIDDEN"))
                .body("category", equalTo("cross-tenant"))
                .body("source.tenant", equalTo("globex"))
                .body("destination.role", equalTo("tenant"))
                .body("policy.verdict", equalTo("DENY"))
                .body("outcomes.ALLOWED", startsWith("ISOLATION_BREACH"))
                .body("outcomes.DENIED", startsWith("BLOCKED_ATTEMPT"));
    }

    @Test
    void explainsWhyDnsIsPermitted() {
        Tokens.asAdmin()
                .queryParam("source", "10.244.2.10")
                .queryParam("destination", "10.244.0.53")
                .queryParam("port", "53")
                .queryParam("protocol", "UDP")
                .get("/api/v1/explain")
                .then()
                .statusCode(200)
                .body("intent", equalTo("PERMITTED"))
                .body("policy.verdict", equalTo("ALLOW"))
                .body("outcomes.ALLOWED", equalTo("NORMAL"))
                .body("outcomes.DENIED", startsWith("UNEXPECTED_DENY"));
    }

    @Test
    void rejectsAnEndpointThatIsNeitherPodNorIp() {
        Tokens.asAdmin()
                .queryParam("source", "not an endpoint")
                .queryParam("destination", "10.0.0.1")
                .get("/api/v1/explain")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo("source"));
    }
}
