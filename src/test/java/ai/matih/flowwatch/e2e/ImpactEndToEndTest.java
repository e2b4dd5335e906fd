package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.classify.PartyResolver;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.ObservationSide;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.ingest.RecordProcessor;
import ai.matih.flowwatch.isolation.RecentConnections;
import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyHolder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/policy/impact} and {@code GET /api/v1/isolation/recommendation} over HTTP on the demo topology,
 * with an admin's and tenants' tokens: what a change opens, closes and flips among the recently observed connections;
 * a tenant changes only its own namespaces and sees only its own, judged by its own half (a door no rule decides
 * included); the recommendation's DNS rule names the cluster DNS pods.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class ImpactEndToEndTest {

    static final String ACME = "matih-data-plane-acme-corp";
    static final String GLOBEX = "matih-data-plane-globex";

    static final String ALLOW_ALL_INGRESS = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
            + "  name: allow-all\n  namespace: %s\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n"
            + "  ingress:\n    - {}\n";

    /** acme-corp's allow-egress without its DNS rule. */
    static final String EGRESS_WITHOUT_DNS = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
            + "  name: allow-egress\n  namespace: " + ACME + "\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n"
            + "  egress:\n    - to: [{podSelector: {}}]\n"
            + "    - to: [{namespaceSelector: {matchLabels: {matih.ai/role: shared-infra}}}]\n";

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RecordProcessor processor;

    @Inject
    TopologyHolder topology;

    @Inject
    RecentConnections memory;

    static Endpoint pod(String namespace, String pod, String workload) {
        return new Endpoint(EndpointKind.POD, namespace, pod, workload, null, Map.of(), Map.of(), null);
    }

    static Flow flow(Endpoint src, Endpoint dst, Protocol protocol, int port, Observed observed) {
        Instant now = Instant.now();
        return new Flow(
                SourceFormat.HUBBLE,
                now,
                now,
                src,
                dst,
                protocol,
                port,
                40000,
                observed,
                Initiation.INITIATING,
                null,
                "worker-1",
                List.of(),
                null,
                1,
                null,
                ObservationSide.UNKNOWN);
    }

    @BeforeEach
    void observed() {
        Endpoint api = pod(ACME, "api-7d9f8c6b5-x1a2b", "api");
        // through the per-record path: a permitted connection the CNI allowed is no violation
        processor.judge(
                flow(
                        api,
                        pod("kube-system", "coredns-559f6c778d-7xq2m", "coredns"),
                        Protocol.UDP,
                        53,
                        Observed.ALLOWED),
                topology.current());
        // denied forbidden ones straight into the memory: as violations they would change what other tests count
        Topology t = topology.current();
        for (Flow f : List.of(
                flow(
                        pod("matih-ingress", "ingress-nginx-globex-7f9c6b5d4-abcd2", "ingress-nginx"),
                        api,
                        Protocol.TCP,
                        18443,
                        Observed.DENIED),
                flow(api, pod(GLOBEX, "db-0", "db"), Protocol.TCP, 15432, Observed.DENIED))) {
            memory.observed(f, PartyResolver.resolve(f.source(), t), PartyResolver.resolve(f.destination(), t));
        }
    }

    static Response impact(String token, Object body) throws Exception {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(JSON.writeValueAsString(body))
                .post("/api/v1/policy/impact");
    }

    @Test
    void anAllowAllIngressOpensAnOpenDoorAndFlipsTheObservedDeniedConnection() throws Exception {
        // Given / When
        Response r = impact(Tokens.admin(), Map.of("manifests", ALLOW_ALL_INGRESS.formatted(ACME)));
        // Then
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        JsonPath json = r.jsonPath();
        List<Map<String, Object>> open = json.getList("opened.findAll { it.kind == 'PERMITS_FORBIDDEN' }");
        assertThat(open)
                .isNotEmpty()
                .anySatisfy(
                        f -> assertThat((List<String>) f.get("decidedBy")).contains(ACME + "/allow-all#ingress[0]"));
        List<Map<String, Object>> flipped = json.getList("connections.findAll { it.port == 18443 }");
        assertThat(flipped).singleElement().satisfies(c -> {
            assertThat((Map<String, Object>) c.get("before")).containsEntry("verdict", "DENY");
            assertThat((Map<String, Object>) c.get("after")).containsEntry("verdict", "ALLOW");
            assertThat(c).containsEntry("observed", "DENIED").containsEntry("tenant", "acme-corp");
        });
    }

    @Test
    void removingTheDnsRuleClosesTheOutsideResolverDoorAndFlipsTheObservedClusterDns() throws Exception {
        // Given / When
        Response r = impact(Tokens.admin(), Map.of("manifests", EGRESS_WITHOUT_DNS));
        // Then
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        JsonPath json = r.jsonPath();
        assertThat(json.getList("closed.findAll { it.kind == 'PERMITS_FORBIDDEN' }.decidedBy.flatten()", String.class))
                .contains(ACME + "/allow-egress#egress[2]");
        assertThat(json.getList("opened.findAll { it.kind == 'DENIES_PERMITTED' }.peer.class", String.class))
                .contains("dns");
        List<Map<String, Object>> dns = json.getList("connections.findAll { it.port == 53 }");
        assertThat(dns).anySatisfy(c -> {
            assertThat((Map<String, Object>) c.get("destination")).containsEntry("namespace", "kube-system");
            assertThat((Map<String, Object>) c.get("before")).containsEntry("verdict", "ALLOW");
            assertThat((Map<String, Object>) c.get("after")).containsEntry("verdict", "DENY");
        });
    }

    @Test
    void aHarmlessChangePassesTheContinuousIntegrationCheck() throws Exception {
        // Given: the seed's own DNS-free rules for globex, unchanged in effect
        String unchanged =
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n"
                        + "  namespace: " + GLOBEX + "\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n";
        // When
        Response r = impact(Tokens.tenant("globex"), Map.of("manifests", unchanged));
        // Then: what `jq -e '.opened | map(select(.kind=="PERMITS_FORBIDDEN")) | length == 0'` checks
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getList("opened.findAll { it.kind == 'PERMITS_FORBIDDEN' }"))
                .isEmpty();
    }

    @Test
    void aTenantSeesOnlyItsOwnFindingsAndConnectionsAnotherTenantWithheld() throws Exception {
        // Given / When
        Response acme = impact(Tokens.tenant("acme-corp"), Map.of("manifests", ALLOW_ALL_INGRESS.formatted(ACME)));
        Response globex = impact(Tokens.tenant("globex"), Map.of("manifests", ALLOW_ALL_INGRESS.formatted(GLOBEX)));
        // Then
        assertThat(acme.statusCode()).as(acme.asString()).isEqualTo(200);
        assertThat(acme.jsonPath().getList("opened.tenant", String.class))
                .isNotEmpty()
                .containsOnly("acme-corp");
        assertThat(acme.jsonPath().getList("opened.decidedBy.flatten()", String.class))
                .allSatisfy(rule -> assertThat(rule).startsWith(ACME + "/"));
        assertThat(acme.jsonPath().getList("connections.findAll { it.port == 18443 }"))
                .hasSize(1);
        assertThat(acme.asString()).doesNotContain("globex").doesNotContain("initech");
        assertThat(globex.statusCode()).as(globex.asString()).isEqualTo(200);
        assertThat(globex.jsonPath().getInt("checked"))
                .as("its memory holds acme-corp's attempt")
                .isPositive();
        assertThat(globex.jsonPath().getList("connections.tenant", String.class))
                .allSatisfy(t -> assertThat(t).isEqualTo("globex"));
        assertThat(globex.asString()).doesNotContain("acme").doesNotContain("initech");
    }

    @Test
    void aTenantDeletingWhatHeldItsIngressIsShownTheDoorNoRuleDecidesAndFailsTheCheck() throws Exception {
        // Given / When: acme-corp deletes its default deny and its ingress allow-list, nothing selects its pods
        Response r = impact(
                Tokens.tenant("acme-corp"),
                Map.of(
                        "deleted",
                        List.of(
                                Map.of("namespace", ACME, "name", "default-deny-all"),
                                Map.of("namespace", ACME, "name", "allow-ingress"))));
        // Then: the door is shown although no rule decides it, so the CI check fails
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<Map<String, Object>> open = r.jsonPath().getList("opened.findAll { it.kind == 'PERMITS_FORBIDDEN' }");
        assertThat(open).anySatisfy(f -> {
            assertThat(f).containsEntry("direction", "INGRESS").containsEntry("tenant", "acme-corp");
            assertThat((Map<String, Object>) f.get("peer")).isEqualTo(Map.of("class", "tenant"));
            assertThat((List<String>) f.get("decidedBy")).isEmpty();
        });
        assertThat(r.asString()).doesNotContain("globex").doesNotContain("initech");
    }

    @Test
    void aTenantDeletingItsDnsRuleIsShownTheDnsDenialAndItsObservedDnsConnectionByItsOwnPoliciesOnly()
            throws Exception {
        // Given / When
        Response r = impact(
                Tokens.tenant("acme-corp"),
                Map.of("deleted", List.of(Map.of("namespace", ACME, "name", "allow-egress"))));
        // Then
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        JsonPath json = r.jsonPath();
        assertThat(json.getList("opened.findAll { it.kind == 'DENIES_PERMITTED' }.peer.class", String.class))
                .contains("dns");
        assertThat(json.getList("closed.findAll { it.kind == 'PERMITS_FORBIDDEN' }.decidedBy.flatten()", String.class))
                .contains(ACME + "/allow-egress#egress[2]");
        List<Map<String, Object>> dns = json.getList("connections.findAll { it.port == 53 }");
        assertThat(dns).anySatisfy(c -> {
            assertThat((Map<String, Object>) c.get("destination")).containsEntry("namespace", "kube-system");
            assertThat((Map<String, Object>) c.get("before")).containsEntry("verdict", "ALLOW");
            assertThat((Map<String, Object>) c.get("after")).containsEntry("verdict", "DENY");
        });
        assertThat(json.getList("opened.decidedBy.flatten()", String.class))
                .allSatisfy(rule -> assertThat(rule).startsWith(ACME + "/"));
        assertThat(json.getList("connections.before.decidedBy.flatten()", String.class))
                .allSatisfy(rule -> assertThat(rule).startsWith(ACME + "/"));
        assertThat(json.getList("connections.after.decidedBy.flatten()", String.class))
                .allSatisfy(rule -> assertThat(rule).startsWith(ACME + "/"));
        assertThat(r.asString()).doesNotContain("globex").doesNotContain("initech");
    }

    @Test
    void aTenantCannotChangeAnotherTenantsNamespace() throws Exception {
        // Given / When
        Response policy = impact(Tokens.tenant("acme-corp"), Map.of("manifests", ALLOW_ALL_INGRESS.formatted(GLOBEX)));
        Response deleted = impact(
                Tokens.tenant("acme-corp"),
                Map.of("deleted", List.of(Map.of("namespace", GLOBEX, "name", "default-deny-all"))));
        Response relabelled = impact(
                Tokens.tenant("acme-corp"),
                Map.of(
                        "manifests",
                        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ACME
                                + "\n  labels: {matih.ai/role: control-plane}\n"));
        // Then
        for (Response r : List.of(policy, deleted, relabelled)) {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(403);
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
        assertThat(policy.jsonPath().getString("parameter")).isEqualTo("manifests");
        assertThat(deleted.jsonPath().getString("parameter")).isEqualTo("deleted[0]");
        assertThat(relabelled.jsonPath().getString("parameter")).isEqualTo("manifests");
    }

    @Test
    void theRecommendationIsYamlWhoseDnsRuleNamesTheClusterDnsPods() {
        // Given / When
        Response r = given().auth()
                .oauth2(Tokens.admin())
                .queryParam("tenant", "acme-corp")
                .get("/api/v1/isolation/recommendation");
        // Then
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/yaml");
        assertThat(r.asString())
                .contains("name: flowwatch-allow-cluster-dns")
                .contains("kubernetes.io/metadata.name: kube-system")
                .contains("k8s-app: kube-dns")
                .contains("name: flowwatch-default-deny")
                .contains("# Verified:");
    }

    @Test
    void theRecommendationIsJsonWithTheObjectsWhenAskedFor() {
        // Given / When
        Response r = given().auth()
                .oauth2(Tokens.tenant("acme-corp"))
                .accept("application/json")
                .get("/api/v1/isolation/recommendation");
        // Then
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonPath json = r.jsonPath();
        assertThat(json.getString("tenant")).isEqualTo("acme-corp");
        assertThat(json.getList("policies.metadata.name", String.class))
                .contains("flowwatch-default-deny", "flowwatch-allow-cluster-dns");
        assertThat(json.getList("policies.metadata.namespace", String.class)).containsOnly(ACME);
        assertThat(json.getInt("verified.permitsForbidden")).isZero();
        assertThat(r.asString()).doesNotContain("globex");
    }

    @Test
    void anotherTenantsRecommendationIsAnsweredLikeAnUnknownTenant() {
        // Given / When
        Response other = given().auth()
                .oauth2(Tokens.tenant("acme-corp"))
                .queryParam("tenant", "globex")
                .get("/api/v1/isolation/recommendation");
        Response unknown = given().auth()
                .oauth2(Tokens.tenant("acme-corp"))
                .queryParam("tenant", "hooli")
                .get("/api/v1/isolation/recommendation");
        Response adminUnknown = given().auth()
                .oauth2(Tokens.admin())
                .queryParam("tenant", "hooli")
                .get("/api/v1/isolation/recommendation");
        Response adminNone = given().auth().oauth2(Tokens.admin()).get("/api/v1/isolation/recommendation");
        // Then
        for (Response r : List.of(other, unknown, adminUnknown)) {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(404);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("parameter")).isEqualTo("tenant");
        }
        assertThat(other.asString().replace("globex", "X"))
                .isEqualTo(unknown.asString().replace("hooli", "X"));
        assertThat(adminNone.statusCode()).isEqualTo(400);
        assertThat(adminNone.jsonPath().getString("parameter")).isEqualTo("tenant");
    }
}
