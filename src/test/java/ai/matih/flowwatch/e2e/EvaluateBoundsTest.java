package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.api.ApiLimits;
import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What one tenant request to {@code POST /api/v1/policy/evaluate} may cost: about 4 MB of manifests (12,000
 * NetworkPolicies, every one selecting the destination) against many connections is refused or answered within the
 * bounds, never built whole; evaluations run a few at a time, per caller and in all.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class EvaluateBoundsTest {

    static final String NS = "matih-data-plane-acme-corp";
    static final int POLICIES = 12_000;
    /** 12,000 policies selecting every pod of the tenant namespace, none allowing the tools pod: ~4 MB of YAML. */
    static final String MANIFESTS = manifests(POLICIES);

    @Inject
    ApiLimits limits;

    @Inject
    ObjectMapper mapper;

    static String manifests(int policies) {
        StringBuilder sb = new StringBuilder(4_200_000);
        sb.append("apiVersion: v1\nkind: Namespace\nmetadata: {name: ")
                .append(NS)
                .append("}\n---\n")
                .append("apiVersion: v1\nkind: Namespace\nmetadata: {name: tools}\n---\n")
                .append("apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ")
                .append(NS)
                .append("}\nspec: {containers: [{name: c, image: i}]}\nstatus: {podIP: 10.0.1.1}\n---\n")
                .append("apiVersion: v1\nkind: Pod\nmetadata: {name: t, namespace: tools}\n")
                .append("spec: {containers: [{name: c, image: i}]}\nstatus: {podIP: 10.0.9.1}\n");
        for (int i = 0; i < policies; i++) {
            sb.append("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: only-from-team-")
                    .append(String.format("%05d", i))
                    .append("-with-a-long-descriptive-name\n  namespace: ")
                    .append(NS)
                    .append("\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n")
                    .append("        - namespaceSelector: {matchLabels: {team: team-")
                    .append(i)
                    .append("}}\n")
                    .append("      ports: [{port: 8080, protocol: TCP}]\n");
        }
        return sb.toString();
    }

    String body(String manifests, int connections) throws Exception {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            list.add(Map.of(
                    "source",
                    Map.of("namespace", "tools", "pod", "t"),
                    "destination",
                    Map.of("namespace", NS, "pod", "a"),
                    "port",
                    1 + i % 60000));
        }
        return mapper.writeValueAsString(Map.of("manifests", manifests, "connections", list));
    }

    static Response evaluate(String token, String body, String detail) {
        var request =
                given().auth().oauth2(token).contentType("application/json").body(body);
        if (detail != null) {
            request.queryParam("detail", detail);
        }
        return request.post("/api/v1/policy/evaluate");
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void fourMegabytesOfManifestsTimesAThousandConnectionsIsRefusedBeforeAnyIsJudged() throws Exception {
        // Given: a tenant's ~4 MB of manifests (12,000 policies) and 1,000 connections: 12 million evaluations
        assertThat(MANIFESTS.length()).isBetween(3_800_000, 4 * 1024 * 1024);
        String body = body(MANIFESTS, 1_000);
        long before = usedHeapAfterGc();
        // When
        Response r = evaluate(Tokens.tenant("acme-corp"), body, null);
        // Then: 422 naming the connections, a small answer, and the heap no larger than a few copies of the input
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("parameter")).isEqualTo("connections");
        assertThat(r.jsonPath().getString("detail")).contains("12000 NetworkPolicies");
        assertThat(r.asByteArray().length).isLessThan(1024);
        assertThat(usedHeapAfterGc() - before).isLessThan(64L * 1024 * 1024);
    }

    @Test
    void aLargeAnswerWithinTheWorkBoundShowsTheFirstPoliciesAndTheirCount() throws Exception {
        // Given: the same manifests and 100 connections (1.2 million evaluations, within the bound)
        String body = body(MANIFESTS, 100);
        // When
        Response r = evaluate(Tokens.tenant("acme-corp"), body, null);
        // Then: every result names the first 10 policies and counts all 12,000; the answer stays small
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.asByteArray().length).isLessThan(limits.config().evaluate().maxResponseBytes());
        List<Map<String, Object>> results = r.jsonPath().getList("results");
        assertThat(results).hasSize(100).allSatisfy(result -> {
            assertThat(result)
                    .containsEntry("verdict", "DENY")
                    .containsEntry("decidedByCount", POLICIES)
                    .containsEntry("truncated", true);
            assertThat((List<?>) result.get("decidedBy")).hasSize(10);
            Map<String, Object> ingress = (Map<String, Object>) result.get("ingress");
            assertThat(ingress).containsEntry("selectedByCount", POLICIES);
            assertThat((List<?>) ingress.get("selectedBy")).hasSize(10);
            assertThat((List<String>) ingress.get("reasons"))
                    .allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(1000));
        });
    }

    @Test
    void theFullListsAreRefusedWhenTheyWouldExceedTheAnswerBound() throws Exception {
        // Given: 100 connections whose full lists would take more than 100 MB
        String body = body(MANIFESTS, 100);
        // When
        Response r = evaluate(Tokens.tenant("acme-corp"), body, "full");
        // Then
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("parameter")).isEqualTo("detail");
    }

    @Test
    void theFullListsAreGivenWhenTheyFit() throws Exception {
        // Given: 200 policies, 3 connections
        String body = body(manifests(200), 3);
        // When
        Response r = evaluate(Tokens.tenant("acme-corp"), body, "full");
        // Then
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getList("results[0].decidedBy")).hasSize(200);
        assertThat(r.jsonPath().getBoolean("results[0].truncated")).isFalse();
    }

    @Test
    void anUnknownDetailIsABadParameter() {
        Response r = evaluate(Tokens.tenant("acme-corp"), "{}", "everything");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("parameter")).isEqualTo("detail");
    }

    @Test
    void aCallerRunsOneEvaluationAtATimeAndOthersAreNotHeldUp() throws Exception {
        // Given: an evaluation of tenant initech that takes a while (4 MB of YAML to parse, 150 connections)
        String slow = body(MANIFESTS, 150);
        String quick = body(manifests(3), 1).replace(NS, "matih-data-plane-globex");
        String initech = slow.replace(NS, "matih-data-plane-initech");
        CompletableFuture<Response> first =
                CompletableFuture.supplyAsync(() -> evaluate(Tokens.tenant("initech"), initech, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> limits.evaluations().held("tenant:initech") == 1);
        // When: the same tenant, with another token, asks again; and another tenant asks
        Response second = evaluate(
                Tokens.tenant("initech"), quick.replace("matih-data-plane-globex", "matih-data-plane-initech"), null);
        Response other = evaluate(Tokens.tenant("globex"), quick, null);
        // Then: the same tenant is told to come back, the other tenant is answered
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.contentType()).startsWith("application/problem+json");
        assertThat(second.header("Retry-After")).isEqualTo("1");
        assertThat(other.statusCode()).isEqualTo(200);
        // and once the first is done, its permit is back
        assertThat(first.get().statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> limits.evaluations().held() == 0);
        assertThat(evaluate(
                                Tokens.tenant("initech"),
                                quick.replace("matih-data-plane-globex", "matih-data-plane-initech"),
                                null)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void whenEveryEvaluationSlotIsTakenTheNextCallerIsToldToRetry() throws Exception {
        // Given: as many slow evaluations running as the service allows, each of another tenant
        int max = limits.config().evaluate().maxConcurrent();
        List<CompletableFuture<Response>> running = new ArrayList<>();
        String slow = body(MANIFESTS, 150);
        for (int i = 0; i < max; i++) {
            String tenant = "busy-" + i;
            String body = slow.replace(NS, "matih-data-plane-" + tenant);
            running.add(CompletableFuture.supplyAsync(() -> evaluate(Tokens.tenant(tenant), body, null)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> limits.evaluations().held() == max);
        // When: one more tenant asks
        Response r = evaluate(Tokens.tenant("acme-corp"), body(manifests(3), 1), null);
        // Then
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isNotNull();
        assertThat(new String(r.asByteArray(), StandardCharsets.UTF_8)).contains("retry");
        for (CompletableFuture<Response> f : running) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> limits.evaluations().held() == 0);
    }
}
