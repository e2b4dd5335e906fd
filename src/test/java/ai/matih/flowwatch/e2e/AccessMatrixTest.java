package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import ai.matih.flowwatch.violation.AuditEvidence;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.Cause;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationStore;
import ai.matih.flowwatch.violation.ViolationType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every token against every endpoint of {@code /api/v1}, with the exact status each must get, and what tenant
 * acme-corp (A) is shown never naming anything of tenant globex (B): namespaces, IPs, pods, counts.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class AccessMatrixTest {

    static final String A = "acme-corp";
    static final String B = "globex";
    static final String A_ONLY = "5ec000000000000000a1";
    static final String B_ONLY = "5ec000000000000000b1";
    static final String A_TO_B = "5ec00000000000000ab1";
    static final String B_TO_A_AUDIT = "5ec00000000000000ba1";
    /** What A must never be shown (B's namespace, tenant id, pod and workload names, IPs). */
    static final List<String> B_SECRETS =
            List.of("matih-data-plane-globex", "globex", "db-0", "10.244.2.", "payments-db");

    static final List<String> A_SECRETS =
            List.of("matih-data-plane-acme-corp", "acme-corp", "api-7d9f8c6b5", "10.244.1.");

    @Inject
    ViolationStore store;

    @TestHTTPResource("/api/v1/violations/stream")
    URL stream;

    /** Management URLs start at the management root, {@code /q}. */
    @TestHTTPResource(value = "/health/live", management = true)
    URL live;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource("/q/metrics")
    URL metricsOnApiPort;

    static final String EVALUATE_BODY = """
            {"manifests": "apiVersion: v1\\nkind: Namespace\\nmetadata: {name: matih-data-plane-acme-corp}\\n---\\napiVersion: v1\\nkind: Namespace\\nmetadata: {name: tools}\\n---\\napiVersion: v1\\nkind: Pod\\nmetadata: {name: a, namespace: matih-data-plane-acme-corp}\\nspec: {containers: [{name: c, image: i}]}\\nstatus: {podIP: 10.0.1.1}\\n---\\napiVersion: v1\\nkind: Pod\\nmetadata: {name: t, namespace: tools}\\nspec: {containers: [{name: c, image: i}]}\\nstatus: {podIP: 10.0.9.1}\\n",
             "connections": [{"source": {"namespace": "matih-data-plane-acme-corp", "pod": "a"},
                              "destination": {"namespace": "tools", "pod": "t"}, "port": 80}]}
            """;

    /* Types the other test classes of the shared application never query, so these seeds cannot disturb them. */
    @BeforeEach
    void seed() {
        Instant now = Instant.now();
        EndpointView aApi = new EndpointView(
                "matih-data-plane-acme-corp", "api", "api-7d9f8c6b5-x1a2b", "10.244.1.10", A, "tenant", false, null);
        EndpointView bDb = new EndpointView(
                "matih-data-plane-globex", "payments-db", "db-0", "10.244.2.12", B, "tenant", false, null);
        EndpointView controlPlane = new EndpointView(
                "matih-control-plane",
                "tenant-manager",
                "tenant-manager-1",
                "10.244.0.10",
                null,
                "control-plane",
                false,
                null);
        EndpointView internet = new EndpointView(null, null, null, "203.0.113.9", null, "external", true, null);
        store.put(violation(
                A_ONLY,
                ViolationType.BLOCKED_ATTEMPT,
                A,
                null,
                aApi,
                controlPlane,
                3,
                "acme-corp → control plane: forbidden",
                List.of("matih-data-plane-acme-corp/default-deny-all"),
                null,
                now));
        store.put(violation(
                B_ONLY,
                ViolationType.UNEXPECTED_EGRESS,
                B,
                null,
                bDb,
                internet,
                918273645,
                "globex → outside the cluster: forbidden",
                List.of("matih-data-plane-globex/allow-egress#egress[0]"),
                null,
                now));
        store.put(violation(
                A_TO_B,
                ViolationType.ENFORCEMENT_GAP,
                A,
                B,
                aApi,
                bDb,
                5,
                "acme-corp → globex: cross-tenant traffic is forbidden",
                List.of(
                        "matih-data-plane-globex/default-deny-all",
                        "matih-data-plane-acme-corp/allow-egress#egress[0]"),
                null,
                now));
        EndpointView actor = new EndpointView(
                "matih-data-plane-globex",
                null,
                null,
                "10.244.2.12",
                B,
                "tenant",
                false,
                "system:serviceaccount:matih-data-plane-globex:deployer");
        EndpointView target = new EndpointView(
                "matih-data-plane-acme-corp",
                null,
                null,
                null,
                A,
                "tenant",
                false,
                "networkpolicies/matih-data-plane-acme-corp/default-deny-all");
        store.put(violation(
                B_TO_A_AUDIT,
                ViolationType.CROSS_TENANT_EXEC,
                A,
                B,
                actor,
                target,
                1,
                "system:serviceaccount:matih-data-plane-globex:deployer deleted NetworkPolicy default-deny-all",
                List.of(),
                new AuditEvidence(
                        "e1",
                        "system:serviceaccount:matih-data-plane-globex:deployer",
                        "delete",
                        "networkpolicies/matih-data-plane-acme-corp/default-deny-all",
                        200,
                        "10.244.2.12",
                        now),
                now));
    }

    static Violation violation(
            String id,
            ViolationType type,
            String tenant,
            String peer,
            EndpointView source,
            EndpointView destination,
            long count,
            String reason,
            List<String> decidedBy,
            AuditEvidence audit,
            Instant at) {
        return Violation.builder()
                .id(id)
                .type(type)
                .severity(type.severity())
                .category(peer == null ? null : Category.CROSS_TENANT)
                .tenant(tenant)
                .peerTenant(peer)
                .source(source)
                .destination(destination)
                .protocol("TCP")
                .port(5432)
                .observed("ALLOWED")
                .policy("DENY")
                .intent("FORBIDDEN")
                .cause(Cause.NOT_ENFORCED)
                .reason(reason)
                .decidedBy(decidedBy)
                .sourceFormat("hubble")
                .node("worker-1")
                .seen(at)
                .count(count)
                .observations(count)
                .evidence(new Violation.Evidence(null, decidedBy, List.of("TO_ENDPOINT"), reason, audit))
                .build();
    }

    enum Token {
        ADMIN(Tokens::admin),
        TENANT_A(() -> Tokens.tenant(A)),
        TENANT_B(() -> Tokens.tenant(B)),
        EXPIRED(Tokens::expired),
        WRONG_ISSUER(Tokens::wrongIssuer),
        NONE(() -> null),
        WRONG_AUDIENCE(Tokens::wrongAudience),
        WRONG_KEY(Tokens::wrongKey),
        UNSCOPED(Tokens::unscoped);

        final Supplier<String> token;

        Token(Supplier<String> token) {
            this.token = token;
        }
    }

    /** Endpoint → expected status per token (ADMIN, TENANT_A, TENANT_B; the rest are 401, UNSCOPED 403). */
    static Map<String, int[]> expected() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("GET /api/v1/violations", new int[] {200, 200, 200});
        m.put("GET /api/v1/violations?tenant=globex", new int[] {200, 200, 200});
        m.put("GET /api/v1/violations?namespace=matih-data-plane-globex", new int[] {200, 200, 200});
        m.put("GET /api/v1/violations/summary?tenant=globex", new int[] {200, 200, 200});
        m.put("GET /api/v1/violations/" + A_ONLY, new int[] {200, 200, 404});
        m.put("GET /api/v1/violations/" + B_ONLY, new int[] {200, 404, 200});
        m.put("GET /api/v1/violations/" + A_TO_B, new int[] {200, 200, 200});
        m.put("GET /api/v1/violations/stream", new int[] {200, 200, 200});
        m.put("GET /api/v1/violations/stream?tenant=globex", new int[] {200, 200, 200});
        m.put("GET /api/v1/topology", new int[] {200, 200, 200});
        m.put("GET /api/v1/explain?source=10.244.1.10&destination=10.244.0.10&port=8080", new int[] {200, 200, 403});
        m.put("GET /api/v1/explain?source=10.244.1.10&destination=10.244.2.12&port=5432", new int[] {200, 403, 403});
        m.put("POST /api/v1/policy/evaluate", new int[] {200, 200, 403});
        m.put("GET /api/v1/isolation/recommendation?tenant=acme-corp", new int[] {200, 200, 404});
        m.put("GET /api/v1/isolation/recommendation?tenant=globex", new int[] {200, 404, 200});
        return m;
    }

    @Test
    void everyTokenGetsExactlyItsStatusOnEveryEndpoint() throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, int[]> e : expected().entrySet()) {
            for (Token token : Token.values()) {
                int want = switch (token) {
                    case ADMIN -> e.getValue()[0];
                    case TENANT_A -> e.getValue()[1];
                    case TENANT_B -> e.getValue()[2];
                    case UNSCOPED -> 403;
                    default -> 401;
                };
                int got = status(e.getKey(), token.token.get());
                if (got != want) {
                    mismatches.add(token + " " + e.getKey() + ": expected " + want + ", got " + got);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void refusalsAreProblemDetails() {
        Response none = given().get("/api/v1/violations");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(none.jsonPath().getInt("status")).isEqualTo(401);
        Response expired = given().auth().oauth2(Tokens.expired()).get("/api/v1/topology");
        assertThat(expired.contentType()).startsWith("application/problem+json");
        assertThat(expired.header("WWW-Authenticate")).contains("invalid_token");
        Response unknown = given().auth().oauth2(Tokens.tenant(A)).get("/api/v1/violations?colour=blue");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(unknown.jsonPath().getString("parameter")).isEqualTo("colour");
        // health and metrics stay open for probes and Prometheus, on the management port only
        given().get(live).then().statusCode(200);
        given().get(metrics).then().statusCode(200);
        assertThat(metrics.getPort()).isNotEqualTo(metricsOnApiPort.getPort());
        given().get(metricsOnApiPort).then().statusCode(404);
    }

    @Test
    void tenantANeverSeesTenantB() {
        String a = Tokens.tenant(A);
        List<String> bodies = new ArrayList<>();
        bodies.add(ok(a, "/api/v1/violations?limit=1000"));
        bodies.add(ok(a, "/api/v1/violations?type=ENFORCEMENT_GAP"));
        bodies.add(ok(a, "/api/v1/violations?tenant=acme-corp&namespace=matih-data-plane-acme-corp"));
        bodies.add(ok(a, "/api/v1/violations/" + A_TO_B));
        bodies.add(ok(a, "/api/v1/violations/" + B_TO_A_AUDIT));
        bodies.add(ok(a, "/api/v1/topology"));
        bodies.add(ok(a, "/api/v1/explain?source=10.244.1.10&destination=10.244.0.10&port=8080"));
        bodies.add(ok(a, "/api/v1/violations/summary"));
        bodies.add(ok(a, "/api/v1/violations/summary?tenant=globex"));
        for (String body : bodies) {
            assertThat(body).doesNotContain(B_SECRETS).doesNotContain("918273645");
        }
        // asking for B, its namespace, its pod or its address finds nothing, as if there were nothing to find
        for (String filter : List.of(
                "tenant=globex",
                "namespace=matih-data-plane-globex",
                "workload=payments-db",
                "ip=10.244.2.12",
                "ip=10.244.2.0/24",
                "policy=matih-data-plane-globex/default-deny-all")) {
            assertThat(given().auth()
                            .oauth2(a)
                            .get("/api/v1/violations?limit=1000&" + filter)
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getList("items"))
                    .as(filter)
                    .isEmpty();
        }
        // A sees the breach it took part in, with the other end withheld, and its own count
        Map<String, Object> breach = given().auth()
                .oauth2(a)
                .get("/api/v1/violations/" + A_TO_B)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
        assertThat(breach)
                .containsEntry("tenant", A)
                .doesNotContainKey("peerTenant")
                .containsEntry("count", 5);
        assertThat(breach.get("reason").toString()).contains("(another tenant)");
        // A's list holds its own violations only
        List<Map<String, Object>> items = given().auth()
                .oauth2(a)
                .get("/api/v1/violations?limit=1000")
                .then()
                .extract()
                .jsonPath()
                .getList("items");
        assertThat(items)
                .extracting(v -> v.get("id"))
                .contains(A_ONLY, A_TO_B, B_TO_A_AUDIT)
                .doesNotContain(B_ONLY);
    }

    @Test
    void anotherTenantsViolationIsAnsweredExactlyLikeAnIdThatDoesNotExist() {
        // Given
        String a = Tokens.tenant(A);
        String missing = "5ec0000000000000ffff";
        // When
        Response foreign = given().auth().oauth2(a).get("/api/v1/violations/" + B_ONLY);
        Response absent = given().auth().oauth2(a).get("/api/v1/violations/" + missing);
        // Then: same status, type and body but for the id asked for
        assertThat(foreign.statusCode()).isEqualTo(404).isEqualTo(absent.statusCode());
        assertThat(foreign.contentType()).isEqualTo(absent.contentType()).startsWith("application/problem+json");
        assertThat(foreign.asString().replace(B_ONLY, "ID"))
                .isEqualTo(absent.asString().replace(missing, "ID"));
    }

    @Test
    void tenantBNeverSeesTenantA() {
        String b = Tokens.tenant(B);
        for (String path : List.of(
                "/api/v1/violations?limit=1000",
                "/api/v1/violations/" + A_TO_B,
                "/api/v1/violations/" + B_TO_A_AUDIT,
                "/api/v1/topology")) {
            assertThat(ok(b, path)).doesNotContain(A_SECRETS);
        }
    }

    @Test
    void topologyTotalsCountOnlyWhatTheTenantSees() {
        Map<String, Object> all = given().auth()
                .oauth2(Tokens.admin())
                .get("/api/v1/topology")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
        Map<String, Object> mine = given().auth()
                .oauth2(Tokens.tenant(A))
                .get("/api/v1/topology")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
        List<Map<String, Object>> namespaces = (List<Map<String, Object>>) mine.get("namespaces");
        assertThat(namespaces).isNotEmpty().allSatisfy(ns -> assertThat(ns).containsEntry("tenant", A));
        assertThat((List<Map<String, Object>>) mine.get("tenants"))
                .extracting(t -> t.get("tenant"))
                .containsExactly(A);
        int policies = namespaces.stream()
                .mapToInt(ns -> ((Number) ns.get("policies")).intValue())
                .sum();
        int pods = namespaces.stream()
                .mapToInt(ns -> ((Number) ns.get("pods")).intValue())
                .sum();
        assertThat(mine).containsEntry("policies", policies).containsEntry("pods", pods);
        assertThat(((Number) all.get("policies")).intValue()).isGreaterThan(policies);
        assertThat((List<?>) all.get("tenants")).hasSizeGreaterThanOrEqualTo(3);
    }

    private static String ok(String token, String path) {
        return given().auth()
                .oauth2(token)
                .get(path)
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    private int status(String endpoint, String token) throws Exception {
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String path = endpoint.substring(endpoint.indexOf(' ') + 1);
        if (path.startsWith("/api/v1/violations/stream")) {
            return streamStatus(path, token);
        }
        RequestSpecification request = token == null ? given() : given().auth().oauth2(token);
        if (method.equals("POST")) {
            return request.contentType("application/json")
                    .body(EVALUATE_BODY)
                    .post(path)
                    .statusCode();
        }
        return request.get(path).statusCode();
    }

    /** The SSE stream never ends by itself: only its status is read. */
    private int streamStatus(String path, String token) throws Exception {
        URI uri = URI.create(stream.toString()).resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        response.body().close();
        return response.statusCode();
    }
}
