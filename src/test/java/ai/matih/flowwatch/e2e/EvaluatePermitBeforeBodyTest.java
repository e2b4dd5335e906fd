package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.api.ApiLimits;
import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/**
 * An evaluation's permit is taken as soon as the request's headers are in, before its body is read: while one
 * tenant's uploads are still arriving, its next request (or anyone's, once every permit is held) is answered 429 at
 * once, without waiting for those bodies; and a permit comes back however its request ends, answered or abandoned
 * half-way by its client.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class EvaluatePermitBeforeBodyTest {

    /** Whitespace before the JSON object: the part of each upload sent first, the rest held back. */
    static final int SENT_FIRST = 256 * 1024;
    /** The whole body: the whitespace, then a small valid request, padded to 4 MB. */
    static final int BODY_BYTES = 4 * 1024 * 1024;

    @TestHTTPResource("/api/v1/policy/evaluate")
    URL url;

    @Inject
    ApiLimits limits;

    @Inject
    ObjectMapper mapper;

    static String json(String tenant) {
        String ns = "matih-data-plane-" + tenant;
        String manifests = "apiVersion: v1\\nkind: Namespace\\nmetadata: {name: " + ns + "}\\n---\\n"
                + "apiVersion: v1\\nkind: Pod\\nmetadata: {name: a, namespace: " + ns + "}\\n"
                + "spec: {containers: [{name: c, image: i}]}\\nstatus: {podIP: 10.0.1.1}\\n";
        return "{\"manifests\":\"" + manifests + "\",\"connections\":[{\"source\":{\"ip\":\"10.9.9.9\"},"
                + "\"destination\":{\"namespace\":\"" + ns + "\",\"pod\":\"a\"},\"port\":8080}]}";
    }

    static Response evaluate(String tenant) {
        return given().auth()
                .oauth2(Tokens.tenant(tenant))
                .contentType("application/json")
                .body(json(tenant))
                .post("/api/v1/policy/evaluate");
    }

    /** An evaluation whose headers and first {@value #SENT_FIRST} bytes are sent; the rest waits for {@link #finish}. */
    final class Upload implements AutoCloseable {

        final Socket socket;
        final byte[] body;

        Upload(String tenant) throws IOException {
            byte[] tail = json(tenant).getBytes(StandardCharsets.UTF_8);
            body = new byte[BODY_BYTES];
            Arrays.fill(body, (byte) ' ');
            System.arraycopy(tail, 0, body, SENT_FIRST, tail.length);
            socket = new Socket(url.getHost(), url.getPort());
            socket.setSoTimeout(60_000);
            String head = "POST " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nAuthorization: Bearer " + Tokens.tenant(tenant) + "\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + BODY_BYTES + "\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, SENT_FIRST);
            out.flush();
        }

        /** Sends the rest of the body and reads the answer's status. */
        int finish() throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(body, SENT_FIRST, body.length - SENT_FIRST);
            out.flush();
            return status(socket.getInputStream());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The status line and headers of the HTTP/1.1 answer on this stream, lower-cased. */
    static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        return head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    }

    /** The status of the HTTP/1.1 answer on this stream. */
    static int status(InputStream in) throws IOException {
        String text = head(in);
        assertThat(text).startsWith("http/1.1 ");
        return Integer.parseInt(text.substring(9, 12));
    }

    @Test
    void aTenantsNextRequestIsRefusedWhileItsFirstBodyIsStillArriving() throws Exception {
        // Given: a tenant's upload whose headers and first 256 KB of 4 MB are in
        try (Upload upload = new Upload("uploader")) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> limits.evaluations().held("tenant:uploader") == 1);
            // When: the same tenant asks again, with another body of which only the first 256 KB are sent
            String refused;
            try (Upload second = new Upload("uploader")) {
                refused = head(second.socket.getInputStream());
            }
            // Then: 429 problem+json with Retry-After, neither body complete
            assertThat(refused)
                    .startsWith("http/1.1 429 ")
                    .contains("content-type: application/problem+json")
                    .contains("retry-after: 1\r\n");
            assertThat(limits.evaluations().held("tenant:uploader")).isEqualTo(1);
            // and the tenant's other requests are not gated
            assertThat(given().auth()
                            .oauth2(Tokens.tenant("uploader"))
                            .get("/api/v1/topology")
                            .statusCode())
                    .isEqualTo(200);
            // and once the first body is complete, it is answered and its permit comes back
            assertThat(upload.finish()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> limits.evaluations().held("tenant:uploader") == 0);
        assertThat(evaluate("uploader").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyAbandonedHalfWayGivesItsPermitBack() throws Exception {
        // Given: a tenant's upload stopped after 256 KB
        Upload upload = new Upload("quitter");
        await().atMost(Duration.ofSeconds(20)).until(() -> limits.evaluations().held("tenant:quitter") == 1);
        // When: its client goes away
        upload.close();
        // Then: the permit is released and the tenant is answered again
        await().atMost(Duration.ofSeconds(20)).until(() -> limits.evaluations().held("tenant:quitter") == 0);
        assertThat(evaluate("quitter").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> limits.evaluations().held() == 0);
    }

    @Test
    void whenEveryPermitIsHeldByIncompleteUploadsTheNextCallerIsRefused() throws Exception {
        // Given: as many uploads in progress as the service evaluates at once, each of another tenant
        int max = limits.config().evaluate().maxConcurrent();
        List<Upload> uploads = new ArrayList<>();
        try {
            for (int i = 0; i < max; i++) {
                uploads.add(new Upload("partial-" + i));
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> limits.evaluations().held() == max);
            // When: one more tenant asks
            Response r = evaluate("latecomer");
            // Then: refused without waiting for any of those bodies
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.header("Retry-After")).isNotNull();
            assertThat(r.jsonPath().getString("detail")).contains("retry");
            // and once they are complete, they are answered and every permit is back
            for (Upload u : uploads) {
                assertThat(u.finish()).isEqualTo(200);
            }
        } finally {
            for (Upload u : uploads) {
                u.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> limits.evaluations().held() == 0);
        assertThat(evaluate("latecomer").statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatGoesAwayDuringItsEvaluationHoldsItsPermitUntilTheEvaluationEnds() throws Exception {
        // Given: a tenant's slow evaluation (~4 MB of manifests, as many connections as the work bound allows),
        // sent whole, running on the evaluation pool
        String tenant = "dropper";
        int connections = (int) (limits.config().evaluate().maxWork() / EvaluateBoundsTest.POLICIES);
        byte[] body = slowBody("matih-data-plane-" + tenant, connections);
        ThreadPoolExecutor pool = (ThreadPoolExecutor) limits.evaluationPool();
        Socket socket = new Socket(url.getHost(), url.getPort());
        String head = "POST " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nAuthorization: Bearer " + Tokens.tenant(tenant) + "\r\nContent-Type: application/json"
                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.getActiveCount() == 1);
        // When: its client goes away while it runs
        socket.close();
        // Then: the permit stays the evaluation's, and the tenant's next evaluation is refused
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> limits.evaluations().held("tenant:" + tenant) == 1);
        Response next = evaluate(tenant);
        assertThat(pool.getActiveCount())
                .as("the abandoned evaluation is still running")
                .isEqualTo(1);
        assertThat(next.statusCode()).isEqualTo(429);
        assertThat(next.header("Retry-After")).isNotNull();
        // and once the evaluation is done, its permit is back
        await().atMost(Duration.ofSeconds(120)).until(() -> limits.evaluations().held("tenant:" + tenant) == 0);
        assertThat(evaluate(tenant).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.getActiveCount() == 0);
    }

    /** ~4 MB of manifests (12,000 NetworkPolicies) and this many connections from outside to a pod of {@code ns}. */
    byte[] slowBody(String ns, int connections) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            list.add(Map.of(
                    "source",
                    Map.of("ip", "10.9.9.9"),
                    "destination",
                    Map.of("namespace", ns, "pod", "a"),
                    "port",
                    1 + i));
        }
        String manifests = EvaluateBoundsTest.MANIFESTS.replace(EvaluateBoundsTest.NS, ns);
        return mapper.writeValueAsBytes(Map.of("manifests", manifests, "connections", list));
    }
}
