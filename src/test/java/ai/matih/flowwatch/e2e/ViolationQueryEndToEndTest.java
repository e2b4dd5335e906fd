package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.Cause;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationStore;
import ai.matih.flowwatch.violation.ViolationStream;
import ai.matih.flowwatch.violation.ViolationType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The filters, the CSV export and the summary of {@code GET /api/v1/violations} over HTTP, as an admin and as two
 * tenants. The violations seeded here lie in a day of 2019 no other test touches ({@link #WINDOW}), and only their
 * ids are compared, so the other tests' violations in the shared store cannot disturb these.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class ViolationQueryEndToEndTest {

    static final String A = "acme-corp";
    static final String B = "globex";
    static final String ACME = "matih-data-plane-acme-corp";
    static final String GLOBEX = "matih-data-plane-globex";
    static final Instant DAY = Instant.parse("2019-06-01T00:00:00Z");
    static final String WINDOW = "since=2019-06-01T00:00:00Z&until=2019-06-02T00:00:00Z";
    static final String CROSS = "5e1f00000000000000c1";
    static final String CONTROL = "5e1f00000000000000c2";
    static final String EGRESS = "5e1f00000000000000c3";
    static final String RECENT = "5e1f00000000000000c4";
    static final String EARLIER = "5e1f00000000000000c5";
    static final Set<String> SEEDED = Set.of(CROSS, CONTROL, EGRESS, RECENT, EARLIER);

    static final EndpointView ACME_API = new EndpointView(
            ACME, "=cmd|' /C calc'!A0", "api-7d9f8c6b5-x1a2b", "10.244.1.10", A, "tenant", false, null);
    static final EndpointView GLOBEX_DB =
            new EndpointView(GLOBEX, "payments-db", "db-0", "10.244.2.12", B, "tenant", false, null);
    static final EndpointView CONTROL_PLANE = new EndpointView(
            "matih-control-plane",
            "tenant-manager",
            "tenant-manager-6d5f7c8b9d-k2x4p",
            "10.244.0.10",
            null,
            "control-plane",
            false,
            null);
    static final EndpointView INTERNET =
            new EndpointView(null, null, null, "203.0.113.9", null, "external", true, null);

    @Inject
    ViolationStore store;

    @Inject
    ViolationStream stream;

    @TestHTTPResource("/api/v1/violations/stream")
    URL streamUrl;

    @BeforeEach
    void seed() {
        store.put(violation(CROSS, ViolationType.ISOLATION_BREACH, Category.CROSS_TENANT, Cause.NOT_ENFORCED)
                .tenant(A)
                .peerTenant(B)
                .source(ACME_API)
                .destination(GLOBEX_DB)
                .protocol("TCP")
                .port(5432)
                .observed("ALLOWED")
                .decidedBy(List.of(GLOBEX + "/default-deny-all", ACME + "/allow-egress#egress[0]"))
                .seen(DAY.plusSeconds(3600))
                .build());
        store.put(
                violation(CONTROL, ViolationType.BLOCKED_ATTEMPT, Category.TENANT_TO_CONTROL_PLANE, Cause.POLICY_DENIES)
                        .tenant(A)
                        .source(ACME_API)
                        .destination(CONTROL_PLANE)
                        .protocol("TCP")
                        .port(8080)
                        .observed("DENIED")
                        .decidedBy(List.of(ACME + "/default-deny-all"))
                        .seen(DAY.plusSeconds(7200))
                        .build());
        store.put(violation(EGRESS, ViolationType.UNEXPECTED_EGRESS, Category.EXTERNAL_EGRESS, Cause.POLICY_PERMITS)
                .tenant(B)
                .source(GLOBEX_DB)
                .destination(INTERNET)
                .protocol("UDP")
                .port(53)
                .observed("ALLOWED")
                .decidedBy(List.of(GLOBEX + "/allow-egress#egress[0]"))
                .seen(DAY.plusSeconds(10800))
                .build());
        Instant now = Instant.now();
        store.put(violation(RECENT, ViolationType.UNEXPECTED_DENY, null, Cause.NOT_POLICY)
                .tenant(B)
                .source(GLOBEX_DB)
                .destination(CONTROL_PLANE)
                .protocol("TCP")
                .port(443)
                .observed("DENIED")
                .seen(now.minus(Duration.ofMinutes(5)))
                .build());
        store.put(violation(EARLIER, ViolationType.UNEXPECTED_DENY, null, Cause.NOT_POLICY)
                .tenant(B)
                .source(GLOBEX_DB)
                .destination(CONTROL_PLANE)
                .protocol("TCP")
                .port(444)
                .observed("DENIED")
                .seen(now.minus(Duration.ofHours(2)))
                .build());
    }

    static Violation.Builder violation(String id, ViolationType type, Category category, Cause cause) {
        return Violation.builder()
                .id(id)
                .type(type)
                .severity(type.severity())
                .category(category)
                .cause(cause)
                .policy("DENY")
                .intent("FORBIDDEN")
                .reason("seeded")
                .sourceFormat("hubble")
                .count(2)
                .observations(2);
    }

    /** The seeded violations among the answer to a query, as the token's caller. */
    static Set<String> ids(String token, String query) {
        List<String> all = given().auth()
                .oauth2(token)
                .urlEncodingEnabled(false)
                .get("/api/v1/violations?limit=1000&" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.id");
        return all.stream().filter(SEEDED::contains).collect(Collectors.toSet());
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of("tenant=globex", Set.of(CROSS, EGRESS)),
                Arguments.of("tenant=!globex", Set.of(CONTROL)),
                Arguments.of("type=ISOLATION_BREACH&type=UNEXPECTED_EGRESS", Set.of(CROSS, EGRESS)),
                Arguments.of("severity=!critical", Set.of(CONTROL)),
                Arguments.of("category=tenant-to-control-plane", Set.of(CONTROL)),
                Arguments.of("cause=!not-enforced", Set.of(CONTROL, EGRESS)),
                Arguments.of("observed=DENIED", Set.of(CONTROL)),
                Arguments.of("namespace=" + GLOBEX, Set.of(CROSS, EGRESS)),
                Arguments.of("source.namespace=" + ACME, Set.of(CROSS, CONTROL)),
                Arguments.of("destination.namespace=matih-control-plane", Set.of(CONTROL)),
                Arguments.of("source.pod=api-*", Set.of(CROSS, CONTROL)),
                Arguments.of("destination.pod=db-0&destination.pod=tenant-manager-*", Set.of(CROSS, CONTROL)),
                Arguments.of("workload=payments-db", Set.of(CROSS, EGRESS)),
                Arguments.of("ip=203.0.113.0/24", Set.of(EGRESS)),
                Arguments.of("ip=!10.244.1.10", Set.of(EGRESS)),
                Arguments.of("port=5000-9000", Set.of(CROSS, CONTROL)),
                Arguments.of("protocol=udp", Set.of(EGRESS)),
                Arguments.of("policy=default-deny-all", Set.of(CROSS, CONTROL)),
                Arguments.of("policy=" + ACME + "/allow-egress", Set.of(CROSS)),
                Arguments.of("label=app=db", Set.of(CROSS, EGRESS)),
                Arguments.of("label=app=api&label=!app=db", Set.of(CONTROL)),
                Arguments.of("since=!2019-06-01T01:30:00Z", Set.of(CROSS)));
    }

    @ParameterizedTest(name = "admin: {0}")
    @MethodSource("filters")
    void eachFilterNarrowsTheListForAnAdmin(String filter, Set<String> expected) {
        // Given the seeded violations, When an admin filters, Then exactly these are listed
        assertThat(ids(Tokens.admin(), WINDOW + "&" + filter)).isEqualTo(expected);
    }

    @Test
    void aDurationCountsBackFromNow() {
        // Given one violation five minutes ago and one two hours ago
        // When / Then
        assertThat(ids(Tokens.admin(), "since=1h&tenant=globex"))
                .contains(RECENT)
                .doesNotContain(EARLIER);
        assertThat(ids(Tokens.admin(), "since=3h&until=1h&tenant=globex"))
                .contains(EARLIER)
                .doesNotContain(RECENT);
        assertThat(ids(Tokens.tenant(B), "since=15m")).contains(RECENT).doesNotContain(EARLIER);
    }

    static Stream<Arguments> tenantFilters() {
        return Stream.of(
                Arguments.of(A, "", Set.of(CROSS, CONTROL)),
                Arguments.of(A, "tenant=globex", Set.of()),
                Arguments.of(A, "namespace=" + GLOBEX, Set.of()),
                Arguments.of(A, "ip=10.244.2.0/24", Set.of()),
                Arguments.of(A, "label=app=db", Set.of()),
                Arguments.of(A, "workload=payments-db", Set.of()),
                Arguments.of(A, "policy=" + GLOBEX + "/default-deny-all", Set.of()),
                Arguments.of(A, "label=app=api", Set.of(CROSS, CONTROL)),
                Arguments.of(A, "destination.pod=tenant-manager-*", Set.of(CONTROL)),
                Arguments.of(B, "", Set.of(CROSS, EGRESS)),
                Arguments.of(B, "tenant=acme-corp", Set.of()),
                Arguments.of(B, "source.pod=api-*", Set.of()),
                Arguments.of(B, "label=app=db", Set.of(CROSS, EGRESS)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("tenantFilters")
    void aTenantsFiltersMatchOnlyWhatItIsShown(String tenant, String filter, Set<String> expected) {
        // Given a tenant's token, When it filters, Then nothing of the other tenant can match, not even by a 403
        assertThat(ids(Tokens.tenant(tenant), WINDOW + "&" + filter)).isEqualTo(expected);
    }

    static Stream<Arguments> refused() {
        String many = "port=1&".repeat(33);
        String manyInAll = Stream.of("port", "tenant", "type", "severity", "namespace")
                .map(p -> (p + "=" + ("port".equals(p) ? "1" : "x") + "&").repeat(26))
                .collect(Collectors.joining());
        return Stream.of(
                Arguments.of("/api/v1/violations?colour=blue", "colour"),
                Arguments.of("/api/v1/violations?limit=5&limit=6", "limit"),
                Arguments.of("/api/v1/violations?lastEventId=3", "lastEventId"),
                Arguments.of("/api/v1/violations/summary?limit=5", "limit"),
                Arguments.of("/api/v1/violations/summary?cursor=abc", "cursor"),
                Arguments.of("/api/v1/violations/summary?ip=10.0.0.0/33", "ip"),
                Arguments.of("/api/v1/violations/stream?colour=blue", "colour"),
                Arguments.of("/api/v1/violations/stream?label=app", "label"),
                Arguments.of("/api/v1/violations?" + many, "port"),
                Arguments.of("/api/v1/violations?" + manyInAll, "namespace"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void anUnknownParameterOrOneBeyondTheBoundsIsABadRequestNamingIt(String path, String parameter) {
        for (String token : List.of(Tokens.admin(), Tokens.tenant(A))) {
            // When
            Response r = given().auth()
                    .oauth2(token)
                    .urlEncodingEnabled(false)
                    .header("Accept", "application/json, text/event-stream")
                    .get(path);
            // Then
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("parameter")).isEqualTo(parameter);
        }
    }

    @Test
    void theStreamAcceptsItsResumePosition() {
        // lastEventId is the stream's own parameter: not refused there (the list refuses it, above)
        assertThat(given().auth()
                        .oauth2(Tokens.admin())
                        .urlEncodingEnabled(false)
                        .header("Accept", "application/json, text/event-stream")
                        .get("/api/v1/violations/stream?lastEventId=x&colour=blue")
                        .jsonPath()
                        .getString("parameter"))
                .isEqualTo("colour");
    }

    @Test
    void theCsvIsTheSamePageWithTheNextCursorInALinkHeader() {
        // Given
        String query = WINDOW + "&tenant=acme-corp&limit=1";
        // When
        Response first = given().auth()
                .oauth2(Tokens.admin())
                .urlEncodingEnabled(false)
                .header("Accept", "text/csv")
                .get("/api/v1/violations?" + query);
        // Then: a header row and the newest violation, flattened
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.contentType()).startsWith("text/csv");
        String[] lines = first.asString().split("\r\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0])
                .startsWith("id,type,severity,category,cause,tenant,peerTenant,source.namespace,")
                .contains("destination.ip", "decidedBy", "firstSeen", "lastSeen", "count");
        assertThat(lines[1])
                .startsWith(CONTROL + ",BLOCKED_ATTEMPT,info,tenant-to-control-plane,policy-denies,acme-corp,,")
                .contains(",'=cmd|' /C calc'!A0,")
                .contains("," + ACME + "/default-deny-all,");
        String link = first.header("Link");
        assertThat(link).startsWith("</api/v1/violations?").endsWith(">; rel=\"next\"");
        assertThat(link).contains("cursor=" + first.header("Flowwatch-Next-Cursor"));
        // When the link is followed
        String next = link.substring(1, link.indexOf('>'));
        Response second = given().auth()
                .oauth2(Tokens.admin())
                .urlEncodingEnabled(false)
                .header("Accept", "text/csv")
                .get(next);
        // Then the next page has the cross-tenant breach, its deciding policies joined by ';'
        String[] more = second.asString().split("\r\n");
        assertThat(more).hasSize(2);
        assertThat(more[1])
                .startsWith(CROSS + ",ISOLATION_BREACH,critical,cross-tenant,not-enforced,acme-corp,globex,")
                .contains(GLOBEX + "/default-deny-all;" + ACME + "/allow-egress#egress[0]");
        assertThat(second.header("Link")).isNull();
    }

    @Test
    void withoutAskingForCsvTheListIsJson() {
        for (String accept : List.of("*/*", "application/json", "application/json, text/csv;q=0.5")) {
            Response r = given().auth()
                    .oauth2(Tokens.admin())
                    .header("Accept", accept)
                    .get("/api/v1/violations?limit=1");
            assertThat(r.statusCode()).as(accept).isEqualTo(200);
            assertThat(r.contentType()).as(accept).startsWith("application/json");
        }
    }

    @Test
    void aTenantsCsvShowsTheOtherEndWithheld() {
        // When
        String csv = given().auth()
                .oauth2(Tokens.tenant(A))
                .urlEncodingEnabled(false)
                .header("Accept", "text/csv")
                .get("/api/v1/violations?" + WINDOW)
                .asString();
        // Then
        assertThat(csv).contains(CROSS).doesNotContain("globex", "db-0", "10.244.2.12", "payments-db");
    }

    @Test
    void theSummaryCountsWhatTheListShowsForEachCaller() {
        // When
        Map<String, Object> all = summary(Tokens.admin(), WINDOW);
        Map<String, Object> acme = summary(Tokens.tenant(A), WINDOW);
        Map<String, Object> globex = summary(Tokens.tenant(B), WINDOW);
        Map<String, Object> acmeAsksForGlobex = summary(Tokens.tenant(A), WINDOW + "&tenant=globex");
        Map<String, Object> critical = summary(Tokens.admin(), WINDOW + "&severity=critical");
        // Then
        assertThat(all).containsEntry("total", 3);
        assertThat((Map<String, Object>) all.get("byTenant"))
                .containsEntry(A, 2)
                .containsEntry(B, 1);
        assertThat((Map<String, Object>) all.get("byType"))
                .containsEntry("ISOLATION_BREACH", 1)
                .containsEntry("BLOCKED_ATTEMPT", 1)
                .containsEntry("UNEXPECTED_EGRESS", 1);
        assertThat((Map<String, Object>) all.get("bySeverity"))
                .containsEntry("critical", 2)
                .containsEntry("info", 1);
        assertThat((Map<String, Object>) all.get("byCategory")).containsEntry("cross-tenant", 1);
        assertThat((Map<String, Object>) all.get("byCause")).containsEntry("not-enforced", 1);
        assertThat(acme).containsEntry("total", 2);
        assertThat((Map<String, Object>) acme.get("byTenant")).containsOnlyKeys(A);
        assertThat(globex).containsEntry("total", 2);
        assertThat((Map<String, Object>) globex.get("byTenant")).containsOnlyKeys(B);
        assertThat(acmeAsksForGlobex).containsEntry("total", 0);
        assertThat((Map<String, Object>) acmeAsksForGlobex.get("byTenant")).isEmpty();
        assertThat(critical).containsEntry("total", 2);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(String token, String query) {
        return given().auth()
                .oauth2(token)
                .urlEncodingEnabled(false)
                .get("/api/v1/violations/summary?" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
    }

    @Test
    void theStreamSendsOnlyWhatItsFiltersAsk() throws Exception {
        // Given an admin following acme-corp's denied attempts, and acme-corp following anything of globex
        List<String> admin = follow(Tokens.admin(), "tenant=acme-corp&observed=DENIED&port=!5432&source.pod=api-*");
        List<String> acmeAsksForGlobex = follow(Tokens.tenant(A), "tenant=globex");
        List<String> acme = follow(Tokens.tenant(A), "label=app=api");
        // When three changes are announced
        Violation cross = store.get(CROSS);
        Violation control = store.get(CONTROL);
        Violation egress = store.get(EGRESS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            stream.changed(egress, false);
            stream.changed(cross, false);
            stream.changed(control, false);
            assertThat(admin).isNotEmpty();
            assertThat(acme).hasSizeGreaterThanOrEqualTo(2);
        });
        // Then
        assertThat(admin).allSatisfy(e -> assertThat(e).contains(CONTROL));
        assertThat(acme).allSatisfy(e -> assertThat(e).doesNotContain(EGRESS));
        assertThat(acmeAsksForGlobex).isEmpty();
    }

    /** The data lines of a stream, as they arrive, once the stream is open. */
    private List<String> follow(String token, String query) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(streamUrl + "?" + query))
                                .header("Accept", "text/event-stream")
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        events.add(line.substring(5));
                    }
                }
            } catch (IOException e) {
                // the stream closes when the test ends
            }
        });
        reader.setDaemon(true);
        reader.start();
        return events;
    }
}
