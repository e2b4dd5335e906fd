package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /api/v1/isolation} over HTTP on the demo topology: an admin sees every tenant, a tenant its own entry
 * only, in its tenant view; asking for another tenant gives the same answer whether it exists or not; bad values are a
 * 400 naming the parameter.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class IsolationEndToEndTest {

    static Response isolation(String token, String tenant) {
        var request = given().auth().oauth2(token);
        if (tenant != null) {
            request = request.queryParam("tenant", tenant);
        }
        return request.get("/api/v1/isolation");
    }

    @Test
    void anAdminSeesEveryTenantWithTheDnsRuleAsItsOpenDoor() {
        // Given / When
        Response r = isolation(Tokens.admin(), null);
        // Then
        assertThat(r.statusCode()).isEqualTo(200);
        JsonPath json = r.jsonPath();
        assertThat(json.getString("generatedAt")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(r.asString()).doesNotContain("\"omitted\"");
        assertThat(json.getList("tenants.tenant", String.class)).containsExactly("acme-corp", "globex", "initech");
        for (String tenant : List.of("acme-corp", "globex", "initech")) {
            String at = "tenants.find { it.tenant == '" + tenant + "' }";
            assertThat(json.getList(at + ".namespaces", String.class)).containsExactly("matih-data-plane-" + tenant);
            assertThat(json.getString(at + ".status")).isEqualTo("BREACHABLE");
            List<Map<String, Object>> open = json.getList(at + ".findings.findAll { it.kind == 'PERMITS_FORBIDDEN' }");
            assertThat(open).hasSize(1);
            Map<String, Object> f = open.get(0);
            assertThat(f)
                    .containsEntry("direction", "EGRESS")
                    .containsEntry("decidedBy", List.of("matih-data-plane-" + tenant + "/allow-egress#egress[2]"));
            assertThat((Map<String, Object>) f.get("peer"))
                    .containsEntry("class", "external")
                    .doesNotContainKeys("tenant", "namespace");
            Map<String, Object> example = (Map<String, Object>) f.get("example");
            assertThat(example).containsEntry("port", 53).containsEntry("protocol", "UDP");
            assertThat((Map<String, Object>) example.get("source"))
                    .containsEntry("namespace", "matih-data-plane-" + tenant);
            assertThat((Map<String, Object>) example.get("destination")).containsEntry("external", true);
            assertThat((String) f.get("reason")).isNotBlank();
        }
    }

    @Test
    void anAdminMayAskForOneTenantAndGetsNothingForAnUnknownOne() {
        // Given / When
        JsonPath one = isolation(Tokens.admin(), "globex")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        JsonPath none = isolation(Tokens.admin(), "hooli")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        // Then
        assertThat(one.getList("tenants.tenant", String.class)).containsExactly("globex");
        assertThat(none.getList("tenants")).isEmpty();
    }

    @Test
    void aTenantSeesItsOwnEntryJudgedByItsOwnPoliciesWithNothingOfAnotherTenant() {
        String acme = Tokens.tenant("acme-corp");
        for (String asked : new String[] {null, "acme-corp"}) {
            // Given / When
            Response r = isolation(acme, asked);
            // Then
            assertThat(r.statusCode()).isEqualTo(200);
            JsonPath json = r.jsonPath();
            assertThat(json.getList("tenants.tenant", String.class)).containsExactly("acme-corp");
            assertThat(json.getString("tenants[0].status")).isEqualTo("BREACHABLE");
            List<Map<String, Object>> open =
                    json.getList("tenants[0].findings.findAll { it.kind == 'PERMITS_FORBIDDEN' }");
            assertThat(open)
                    .anySatisfy(f -> assertThat(f)
                            .containsEntry("direction", "EGRESS")
                            .containsEntry("decidedBy", List.of("matih-data-plane-acme-corp/allow-egress#egress[2]")));
            assertThat(r.asString())
                    .doesNotContain("globex", "initech", "upToDate", "not-acme-corp")
                    .contains("(another tenant)");
        }
    }

    @Test
    void aTenantAskingForAnotherTenantGetsTheAnswerForAnUnknownOne() {
        String acme = Tokens.tenant("acme-corp");
        // Given / When
        Response other = isolation(acme, "globex");
        Response unknown = isolation(acme, "hooli");
        // Then
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.asString()).isEqualTo(unknown.asString());
        assertThat(other.jsonPath().getList("tenants")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"UPPER", "../etc", "a b", "\u0000", "x-"})
    void aBadTenantIsABadRequestNamingIt(String value) {
        for (String token : new String[] {Tokens.admin(), Tokens.tenant("acme-corp")}) {
            // Given / When
            Response r = isolation(token, value);
            // Then
            assertThat(r.statusCode()).as(value).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("parameter")).isEqualTo("tenant");
            assertThat(r.asString()).doesNotContain("Exception").hasSizeLessThan(1024);
        }
    }

    @Test
    void aTooLongTenantIsABadRequestNamingIt() {
        // Given / When
        Response r = isolation(Tokens.tenant("acme-corp"), "a".repeat(1_000));
        // Then
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("parameter")).isEqualTo("tenant");
    }

    @Test
    void theAuditIsComputedOncePerTopologySnapshot() {
        // Given / When two requests on the same snapshot
        String first = isolation(Tokens.admin(), null).jsonPath().getString("generatedAt");
        String second = isolation(Tokens.admin(), "acme-corp").jsonPath().getString("generatedAt");
        // Then
        assertThat(second).isEqualTo(first);
    }

    @Test
    void withoutATokenTheAnswerIsUnauthorized() {
        assertThat(given().get("/api/v1/isolation").statusCode()).isEqualTo(401);
    }
}
