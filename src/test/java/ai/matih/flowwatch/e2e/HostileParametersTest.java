package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.api.Parameters;
import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile query parameter values against every endpoint that takes parameters, with an admin's and a tenant's
 * token: each is a 400 problem+json naming the parameter, never a 500 or a stack trace.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class HostileParametersTest {

    static final String LONG = "a".repeat(1_000);
    static final String EXPLAIN = "/api/v1/explain?source=10.244.1.10&destination=10.244.0.10";

    static String cursor(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("/api/v1/violations", "since", "PT9223372036854775807S"),
                Arguments.of("/api/v1/violations", "until", "PT9223372036854775807S"),
                Arguments.of("/api/v1/violations", "since", "-PT9223372036854775807S"),
                Arguments.of("/api/v1/violations", "since", "P106751991167300D"),
                Arguments.of("/api/v1/violations", "since", "+1000000001-01-01T00:00:00Z"),
                Arguments.of("/api/v1/violations", "since", "2026-13-45T99:99:99Z"),
                Arguments.of("/api/v1/violations", "since", LONG),
                Arguments.of("/api/v1/violations", "until", "yesterday"),
                Arguments.of("/api/v1/violations", "limit", "0"),
                Arguments.of("/api/v1/violations", "limit", "-1"),
                Arguments.of("/api/v1/violations", "limit", "1001"),
                Arguments.of("/api/v1/violations", "limit", "99999999999999999999999"),
                Arguments.of("/api/v1/violations", "limit", "1e3"),
                Arguments.of("/api/v1/violations", "cursor", "not-a-cursor!"),
                Arguments.of("/api/v1/violations", "cursor", cursor("99999999999999999999.0:ab")),
                Arguments.of("/api/v1/violations", "cursor", cursor("31556889864403200.0:ab")),
                Arguments.of("/api/v1/violations", "cursor", cursor("1.2000000000:ab")),
                Arguments.of("/api/v1/violations", "cursor", cursor("1.0:")),
                Arguments.of("/api/v1/violations", "cursor", LONG),
                Arguments.of("/api/v1/violations", "type", "NOT_A_TYPE"),
                Arguments.of("/api/v1/violations", "type", LONG),
                Arguments.of("/api/v1/violations", "severity", "catastrophic"),
                Arguments.of("/api/v1/violations", "namespace", "UPPER"),
                Arguments.of("/api/v1/violations", "namespace", "a".repeat(300)),
                Arguments.of("/api/v1/violations", "tenant", "../etc"),
                Arguments.of("/api/v1/violations", "category", "sideways"),
                Arguments.of("/api/v1/violations", "cause", "!"),
                Arguments.of("/api/v1/violations", "observed", "\u0000"),
                Arguments.of("/api/v1/violations", "source.namespace", "../x"),
                Arguments.of("/api/v1/violations", "destination.namespace", LONG),
                Arguments.of("/api/v1/violations", "source.pod", "a*b*"),
                Arguments.of("/api/v1/violations", "destination.pod", "**"),
                Arguments.of("/api/v1/violations", "workload", "<script>"),
                Arguments.of("/api/v1/violations", "ip", "*"),
                Arguments.of("/api/v1/violations", "ip", "10.0.0.0/999999999999"),
                Arguments.of("/api/v1/violations", "ip", "::ffff:10.0.0.1%eth0"),
                Arguments.of("/api/v1/violations", "port", "1-99999999999999999999"),
                Arguments.of("/api/v1/violations", "port", "!0"),
                Arguments.of("/api/v1/violations", "protocol", "TCP;DROP"),
                Arguments.of("/api/v1/violations", "policy", "ns/" + "p".repeat(300)),
                Arguments.of("/api/v1/violations", "policy", "ns/p#ingress[99999999999]"),
                Arguments.of("/api/v1/violations", "label", "=" + "v".repeat(64)),
                Arguments.of("/api/v1/violations", "label", "k=" + "v".repeat(64)),
                Arguments.of("/api/v1/violations", "label", "!"),
                Arguments.of("/api/v1/violations", "since", "!PT9223372036854775807S"),
                Arguments.of("/api/v1/isolation", "tenant", "../etc"),
                Arguments.of("/api/v1/isolation", "tenant", LONG),
                Arguments.of("/api/v1/isolation", "tenant", "\u0000"),
                Arguments.of("/api/v1/violations/summary", "type", "NOT_A_TYPE"),
                Arguments.of("/api/v1/violations/summary", "ip", "999.1.1.1"),
                Arguments.of("/api/v1/violations/summary", "limit", "10"),
                Arguments.of("/api/v1/violations/summary", "since", "P106751991167300D"),
                Arguments.of("/api/v1/violations/stream", "ip", "10.0.0.0/33"),
                Arguments.of("/api/v1/violations/stream", "label", LONG),
                Arguments.of("/api/v1/violations/stream", "cursor", "x"),
                Arguments.of("/api/v1/violations/stream", "type", "NOT_A_TYPE"),
                Arguments.of("/api/v1/violations/stream", "severity", "\u0000"),
                Arguments.of("/api/v1/violations/stream", "namespace", LONG),
                Arguments.of("/api/v1/violations/stream", "lastEventId", "1"),
                Arguments.of("/api/v1/violations/stream", "lastEventId", "x-" + "0".repeat(31) + "\u0000"),
                Arguments.of("/api/v1/violations/stream", "lastEventId", LONG),
                Arguments.of(EXPLAIN, "port", "0"),
                Arguments.of(EXPLAIN, "port", "65536"),
                Arguments.of(EXPLAIN, "port", "-1"),
                Arguments.of(EXPLAIN, "port", "99999999999999999999"),
                Arguments.of(EXPLAIN, "port", "http"),
                Arguments.of(EXPLAIN, "protocol", "XYZ"),
                Arguments.of(EXPLAIN, "protocol", LONG),
                Arguments.of(EXPLAIN, "protocol", "256"),
                Arguments.of(EXPLAIN, "protocol", "99999999999999999999"),
                Arguments.of(EXPLAIN, "protocol", "-1"),
                Arguments.of(EXPLAIN, "protocol", "UNKNOWN"),
                Arguments.of(EXPLAIN + "&protocol=ICMP", "port", "8"),
                Arguments.of(EXPLAIN + "&protocol=47", "port", "80"),
                Arguments.of("/api/v1/violations", "protocol", "256"),
                Arguments.of("/api/v1/explain?destination=10.244.0.10", "source", LONG),
                Arguments.of("/api/v1/explain?destination=10.244.0.10", "source", "a/b/c"),
                Arguments.of("/api/v1/explain?destination=10.244.0.10", "source", "ns/" + "p".repeat(254)),
                Arguments.of("/api/v1/explain?destination=10.244.0.10", "source", "999.1.1.1"),
                Arguments.of("/api/v1/explain?source=10.244.1.10", "destination", "NS/pod"),
                Arguments.of("/api/v1/explain?source=10.244.1.10", "destination", ""),
                Arguments.of("/api/v1/isolation/recommendation", "tenant", LONG),
                Arguments.of("/api/v1/isolation/recommendation", "tenant", "../etc"),
                Arguments.of("/api/v1/isolation/recommendation", "tenant", "UPPER"),
                Arguments.of("/api/v1/isolation/recommendation", "tenant", "\u0000"));
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @MethodSource("hostile")
    void everyHostileValueIsABadRequestNamingTheParameter(String path, String parameter, String value) {
        for (String token : new String[] {Tokens.admin(), Tokens.tenant("acme-corp")}) {
            // Given / When
            Response r = given().auth()
                    .oauth2(token)
                    .urlEncodingEnabled(true)
                    .queryParam(parameter, value)
                    .header("Accept", "application/json, text/event-stream")
                    .get(path);
            // Then
            assertThat(r.statusCode()).as("status").isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("parameter")).isEqualTo(parameter);
            assertThat(r.asString())
                    .doesNotContain("Exception")
                    .doesNotContain("at ai.matih")
                    .hasSizeLessThan(1024);
        }
    }

    @ParameterizedTest(name = "unknown name {index}")
    @ValueSource(strings = {"colour", "TENANT", "tenant[]", "\u0000\r\nX-Injected: 1", "<b>x</b>"})
    void anUnknownParameterNameIsABadRequestNamingItSafely(String name) {
        for (String path : List.of("/api/v1/violations", "/api/v1/violations/summary", "/api/v1/violations/stream")) {
            // Given / When
            Response r = given().auth()
                    .oauth2(Tokens.tenant("acme-corp"))
                    .urlEncodingEnabled(true)
                    .queryParam(name, "x")
                    .header("Accept", "application/json, text/event-stream")
                    .get(path);
            // Then: named as a problem may repeat a caller's text, and nothing of it reaches a header
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("parameter")).isEqualTo(Parameters.shown(name));
            assertThat(r.header("X-Injected")).isNull();
            assertThat(r.asString()).hasSizeLessThan(1024);
        }
    }

    @Test
    void aNameLongerThanAProblemRepeatsIsCut() {
        Response r = Tokens.asAdmin().queryParam("n".repeat(1_000), "x").get("/api/v1/violations");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("parameter")).hasSizeLessThanOrEqualTo(Parameters.SHOWN_CHARS);
        assertThat(r.asString()).hasSizeLessThan(1024);
    }

    static Stream<Arguments> evaluateParameters() {
        return Stream.of(Arguments.of("detail", "everything"), Arguments.of("detail", LONG));
    }

    @ParameterizedTest(name = "evaluate {0}")
    @MethodSource("evaluateParameters")
    void evaluateNamesItsBadParameter(String parameter, String value) {
        Response r = Tokens.asAdmin()
                .contentType("application/json")
                .queryParam(parameter, value)
                .body("{}")
                .post("/api/v1/policy/evaluate");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("parameter")).isEqualTo(parameter);
    }

    static Stream<Arguments> hostileBodies() {
        String manifests = "apiVersion: v1\\nkind: Namespace\\nmetadata: {name: matih-data-plane-acme-corp}\\n";
        String pod = "{\"namespace\": \"matih-data-plane-acme-corp\", \"pod\": \"a\"}";
        return Stream.of(
                Arguments.of(
                        "{\"manifests\": \"" + manifests + "\", \"connections\": [{\"source\": " + pod
                                + ", \"destination\": {\"ip\": \"" + "1".repeat(5000) + "\"}}]}",
                        "connections[0].destination"),
                Arguments.of(
                        "{\"manifests\": \"" + manifests + "\", \"connections\": [{\"source\": "
                                + "{\"namespace\": \"" + "n".repeat(5000) + "\", \"pod\": \"a\"}, \"destination\": "
                                + pod
                                + "}]}",
                        "connections[0].source.namespace"),
                Arguments.of(
                        "{\"manifests\": \"" + manifests + "\", \"connections\": [{\"source\": " + pod
                                + ", \"destination\": " + pod + ", \"port\": 70000}]}",
                        "connections[0].port"),
                Arguments.of(
                        "{\"manifests\": \"" + manifests + "\", \"connections\": [{\"source\": " + pod
                                + ", \"destination\": " + pod + ", \"protocol\": \"" + "X".repeat(5000) + "\"}]}",
                        "connections[0].protocol"),
                Arguments.of(
                        "{\"manifests\": \"" + manifests + "\", \"connections\": [{\"source\": " + pod
                                + ", \"destination\": " + pod + ", \"protocol\": 999}]}",
                        "connections[0].protocol"),
                Arguments.of(
                        "{\"manifests\": \"" + manifests + "\", \"connections\": [{\"source\": " + pod
                                + ", \"destination\": " + pod + ", \"protocol\": \"icmp\", \"port\": 8}]}",
                        "connections[0].port"),
                Arguments.of(
                        "{\"manifests\": \"" + manifests + "\", \"podCidrs\": [\"" + "1".repeat(5000)
                                + "\"], \"connections\": [{\"source\": " + pod + ", \"destination\": " + pod + "}]}",
                        "podCidrs[0]"),
                Arguments.of(
                        "{\"manifests\": \"" + manifests + "\", \"podCidrs\": [null, \"10.0.0.0/8\"]"
                                + ", \"connections\": [{\"source\": " + pod + ", \"destination\": " + pod + "}]}",
                        "podCidrs[0]"),
                Arguments.of(
                        "{\"manifests\": \"" + manifests + "\", \"podCidrs\": [" + "\"10.0.0.0/8\",".repeat(100)
                                + "\"10.0.0.0/8\"], \"connections\": [{\"source\": " + pod + ", \"destination\": "
                                + pod + "}]}",
                        "podCidrs"),
                Arguments.of(
                        "{\"manifests\": \"" + manifests + "\", \"cni\": \"" + "c".repeat(5000)
                                + "\", \"connections\": [{\"source\": " + pod + ", \"destination\": " + pod + "}]}",
                        "cni"),
                Arguments.of("{\"manifests\": 5, \"connections\": 7}", "body"),
                Arguments.of("[]", "body"),
                Arguments.of("", "body"));
    }

    @ParameterizedTest(name = "evaluate body naming {1}")
    @MethodSource("hostileBodies")
    void aHostileEvaluateBodyIsABadRequestNamingTheField(String body, String field) {
        // Given / When
        Response r = given().auth()
                .oauth2(Tokens.tenant("acme-corp"))
                .contentType("application/json")
                .body(body)
                .post("/api/v1/policy/evaluate");
        // Then
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("parameter")).isEqualTo(field);
        assertThat(r.asString()).hasSizeLessThan(1024);
    }

    static Stream<Arguments> hostileImpactBodies() {
        String policy = "apiVersion: networking.k8s.io/v1\\nkind: NetworkPolicy\\nmetadata: {name: p, namespace: "
                + "matih-data-plane-acme-corp}\\nspec: {podSelector: {}}\\n";
        return Stream.of(
                Arguments.of(
                        "{\"deleted\": [{\"namespace\": \"" + "n".repeat(5000) + "\", \"name\": \"p\"}]}",
                        "deleted[0].namespace"),
                Arguments.of("{\"deleted\": [{\"namespace\": \"UPPER\", \"name\": \"p\"}]}", "deleted[0].namespace"),
                Arguments.of(
                        "{\"deleted\": [{\"namespace\": \"matih-data-plane-acme-corp\", \"name\": \"a/b\"}]}",
                        "deleted[0].name"),
                Arguments.of("{\"deleted\": [null]}", "deleted[0]"),
                Arguments.of("{\"manifests\": \"kind: [\"}", "manifests"),
                Arguments.of(
                        "{\"manifests\": \"apiVersion: v1\\nkind: Pod\\nmetadata: {name: a, namespace: "
                                + "matih-data-plane-acme-corp}\\n\"}",
                        "manifests"),
                Arguments.of(
                        "{\"manifests\": \""
                                + policy.replace("{podSelector: {}}", "{podSelector: {}, " + "policyTypes: [Sideways]}")
                                + "\"}",
                        "manifests"),
                Arguments.of("{}", "manifests"),
                Arguments.of("{\"deleted\": 5}", "body"),
                Arguments.of("[]", "body"),
                Arguments.of("", "body"));
    }

    @ParameterizedTest(name = "impact body naming {1}")
    @MethodSource("hostileImpactBodies")
    void aHostileImpactBodyIsABadRequestNamingTheField(String body, String field) {
        for (String token : new String[] {Tokens.admin(), Tokens.tenant("acme-corp")}) {
            // Given / When
            Response r = given().auth()
                    .oauth2(token)
                    .contentType("application/json")
                    .body(body)
                    .post("/api/v1/policy/impact");
            // Then
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("parameter")).isEqualTo(field);
            assertThat(r.asString()).doesNotContain("at ai.matih").hasSizeLessThan(1024);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("longQueries")
    void aQueryLongerThanTheServerReadsIsRefusedWithoutAServerError(String path) {
        Response r = Tokens.asAdmin().get(path);
        assertThat(r.statusCode()).isBetween(400, 499);
    }

    static Stream<String> longQueries() {
        return Stream.of(
                "/api/v1/violations?since=" + "1".repeat(10_000),
                "/api/v1/explain?source=" + "a".repeat(10_000) + "&destination=10.0.0.1");
    }

    static Stream<Arguments> severalBadValues() {
        return Stream.of(
                Arguments.of("/api/v1/violations?tenant=../etc&type=NOT_A_TYPE&since=yesterday", "tenant"),
                Arguments.of("/api/v1/violations?severity=catastrophic&namespace=UPPER&until=yesterday", "severity"),
                Arguments.of("/api/v1/violations?namespace=UPPER&since=yesterday&limit=0", "namespace"),
                Arguments.of("/api/v1/violations?since=1h&until=2h", "since"),
                Arguments.of("/api/v1/violations?since=2h&until=1h&limit=0", "limit"),
                Arguments.of("/api/v1/violations/stream?type=NOT_A_TYPE&namespace=UPPER", "type"),
                Arguments.of("/api/v1/violations?type=NOT_A_TYPE&colour=blue", "colour"),
                Arguments.of("/api/v1/violations?label=app&port=0&ip=x", "ip"),
                Arguments.of("/api/v1/explain?source=a/b/c&destination=NS/pod&port=0", "source"),
                Arguments.of(
                        "/api/v1/explain?source=10.244.1.10&destination=NS/pod&protocol=XYZ&port=0", "destination"),
                Arguments.of(
                        "/api/v1/explain?source=10.244.1.10&destination=10.244.0.10&protocol=XYZ&port=0", "protocol"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("severalBadValues")
    void ofSeveralBadValuesTheFirstCheckedIsNamed(String query, String parameter) {
        // Given a query with more than one bad value (since after until counts as a bad since)
        // When
        Response r = given().auth()
                .oauth2(Tokens.admin())
                .urlEncodingEnabled(false)
                .header("Accept", "application/json, text/event-stream")
                .get(query);
        // Then
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("parameter")).isEqualTo(parameter);
    }
}
