package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/explain} for a tenant (acme-corp, on the demo topology): whatever stands at an end it may not
 * see (another tenant's pod, another tenant's ingress pod, a pod of a namespace without a platform role) and
 * whatever does not stand there at all (an unused in-cluster address, a pod name no pod has) get byte for byte the
 * same answer, so a sweep learns nothing; what it may see is explained without naming anything of another tenant.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class ExplainScopeTest {

    static final String OWN_POD = "10.244.1.10";
    /** Ends tenant acme-corp may not see, existing or not. */
    static final List<String> HIDDEN = List.of(
            "10.244.2.12", // globex's db pod
            "10.244.7.7", // no pod has it
            "10.244.255.254", // no pod has it
            "10.244.9.2", // globex's ingress-controller pod
            "matih-ingress/ingress-nginx-globex-7f9c6b5d4-abcd2", // the same, by name
            "matih-ingress/ingress-nginx-nobody-0", // no such ingress pod
            "matih-data-plane-globex/db-0", // globex's pod, by name
            "matih-data-plane-globex/no-such-pod", // no such pod of globex
            "matih-data-plane-hooli/db-0", // no such tenant
            "matih-control-plane/no-such-pod", // no such control-plane pod
            "10.244.0.30", // monitoring's Prometheus
            "monitoring/prometheus-0");

    static Response explain(String token, String source, String destination) {
        return given().auth()
                .oauth2(token)
                .queryParam("source", source)
                .queryParam("destination", destination)
                .queryParam("port", "443")
                .get("/api/v1/explain");
    }

    @Test
    void foreignAndUnknownEndsGetTheSameAnswer() {
        String acme = Tokens.tenant("acme-corp");
        for (String role : List.of("destination", "source")) {
            // Given / When
            Map<String, List<String>> answers = HIDDEN.stream().collect(Collectors.groupingBy(hidden -> {
                Response r =
                        role.equals("destination") ? explain(acme, OWN_POD, hidden) : explain(acme, hidden, OWN_POD);
                return r.statusCode() + " " + r.contentType() + " " + r.asString();
            }));
            // Then: one answer for all, a 403 naming the end and nothing of what is there
            assertThat(answers).hasSize(1);
            String answer = answers.keySet().iterator().next();
            assertThat(answer)
                    .startsWith("403 application/problem+json")
                    .contains("\"parameter\":\"" + role + "\"")
                    .doesNotContain("globex", "10.244", "ingress-nginx", "prometheus", "hooli");
        }
    }

    @Test
    void theTenantsOwnIngressPodThePlatformAndTheOutsideAreExplained() {
        String acme = Tokens.tenant("acme-corp");
        for (String visible : List.of(
                "10.244.9.1",
                "10.244.0.10",
                "10.244.0.53",
                "203.0.113.9",
                "matih-data-plane-acme-corp/db-0",
                "matih-data-plane-acme-corp/not-yet-deployed")) {
            // Given / When
            Response r = explain(acme, OWN_POD, visible);
            // Then
            assertThat(r.statusCode()).as(visible).isEqualTo(200);
            assertThat(r.asString()).doesNotContain("globex", "initech");
        }
    }

    @Test
    void anAdminIsShownEveryEnd() {
        for (String hidden : List.of("10.244.2.12", "10.244.9.2", "10.244.0.30")) {
            assertThat(explain(Tokens.admin(), OWN_POD, hidden).statusCode())
                    .as(hidden)
                    .isEqualTo(200);
        }
    }
}
