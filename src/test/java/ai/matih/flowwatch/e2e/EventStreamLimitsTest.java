package ai.matih.flowwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.api.ApiLimits;
import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Open event streams are bounded per caller: one more is a 429, and a stream's slot comes back on disconnect. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class EventStreamLimitsTest {

    /** Tenants no other test uses, so no other stream shares their counts. */
    static final String TENANT = "stream-probe";

    static final String OTHER = "stream-probe-other";

    @Inject
    ApiLimits limits;

    @TestHTTPResource("/api/v1/violations/stream")
    URL stream;

    private final HttpClient client = HttpClient.newHttpClient();

    HttpResponse<InputStream> open(String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stream.toString()))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token)
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void aCallerBeyondItsOpenStreamsIsToldToRetryAndADisconnectGivesTheSlotBack() throws Exception {
        // Given: a tenant holding as many streams as it may, each with its own token
        int max = limits.config().streams().maxOpenPerCaller();
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            HttpResponse<InputStream> r = open(Tokens.tenant(TENANT));
            assertThat(r.statusCode()).isEqualTo(200);
            open.add(r);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> limits.streams().held("tenant:" + TENANT) == max);
        // When: it opens one more, and another tenant opens one
        HttpResponse<InputStream> refused = open(Tokens.tenant(TENANT));
        HttpResponse<InputStream> other = open(Tokens.tenant(OTHER));
        // Then
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("content-type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
        try (InputStream body = refused.body()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).contains("\"status\":429");
        }
        assertThat(other.statusCode()).isEqualTo(200);
        other.body().close();
        // and once one stream disconnects, its slot is free again
        open.remove(0).body().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> limits.streams().held("tenant:" + TENANT) == max - 1);
        HttpResponse<InputStream> again = open(Tokens.tenant(TENANT));
        assertThat(again.statusCode()).isEqualTo(200);
        again.body().close();
        for (HttpResponse<InputStream> r : open) {
            r.body().close();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> limits.streams().held("tenant:" + TENANT) == 0
                        && limits.streams().held("tenant:" + OTHER) == 0);
    }
}
