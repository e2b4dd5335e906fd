package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A client whose event stream dropped resumes with the id of the last event it got ({@code Last-Event-ID} or
 * {@code lastEventId}): it gets what changed meanwhile, then the live changes, with no gap and no duplicate, scoped to
 * its tenant; a quiet stream sends heartbeats; an id the stream cannot have issued is a 400 naming where it came from.
 * Each test uses ports of its own, so that the violations of other tests do not count.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class ViolationStreamResumeEndToEndTest {

    private static final Pattern PORT = Pattern.compile("\"port\":(\\d+)");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource("/api/v1/violations/stream")
    URL stream;

    /** An initech pod denied on its way to the control plane at this port: a BLOCKED_ATTEMPT of its own. */
    static String initech(int port) {
        return PipelineEndToEndTest.calicoDeny("src", "worker-r")
                .replace("\"dest_port\":8080", "\"dest_port\":" + port);
    }

    /** The same from acme-corp. */
    static String acme(int port) {
        return initech(port).replace("matih-data-plane-initech", "matih-data-plane-acme-corp");
    }

    void produce(String... records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (String r : records) {
                producer.send(new ProducerRecord<>("calico-flows", r.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
    }

    /** Waits until the store holds a violation at each of these ports. */
    static void stored(int... ports) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String page = Tokens.asAdmin()
                    .get("/api/v1/violations?type=BLOCKED_ATTEMPT&limit=1000")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            for (int port : ports) {
                assertThat(page).contains("\"port\":" + port + ",");
            }
        });
    }

    /** The ports of the changes the client got in [from, from + 99], in the order it got them. */
    static List<Integer> ports(SseClient client, int from) {
        return client.changes().stream()
                .map(e -> {
                    Matcher m = PORT.matcher(e.data());
                    return m.find() ? Integer.parseInt(m.group(1)) : -1;
                })
                .filter(p -> p >= from && p < from + 100)
                .toList();
    }

    /** The id of the change at this port. */
    static String idAt(SseClient client, int port) {
        return client.changes().stream()
                .filter(e -> e.data().contains("\"port\":" + port + ","))
                .findFirst()
                .orElseThrow()
                .id();
    }

    @Test
    void aDroppedStreamResumedWithLastEventIdGetsWhatChangedMeanwhileThenLiveWithNoGapAndNoDuplicate()
            throws Exception {
        // Given a client that got one change and then lost its connection, and two changes while it was away
        String url = stream + "?tenant=initech&type=BLOCKED_ATTEMPT";
        SseClient first = SseClient.open(url, Tokens.admin(), null);
        assertThat(first.response.statusCode()).isEqualTo(200);
        produce(initech(9101));
        await().atMost(Duration.ofSeconds(30)).until(() -> ports(first, 9100).contains(9101));
        String last = idAt(first, 9101);
        first.close();
        produce(initech(9102), initech(9103));
        stored(9102, 9103);
        // When it reconnects with the id of the last event it got, and one more change comes at once
        try (SseClient second = SseClient.open(url, Tokens.admin(), last)) {
            produce(initech(9104));
            // Then
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ports(second, 9100).size() >= 3);
            assertThat(ports(second, 9100)).containsExactly(9102, 9103, 9104);
            List<String> ids =
                    second.changes().stream().map(SseClient.Event::id).toList();
            assertThat(ids).doesNotHaveDuplicates().doesNotContain(last).allMatch(id -> id != null && !id.isEmpty());
            assertThat(second.events).noneMatch(e -> "gap".equals(e.name()));
        }
    }

    @Test
    void theLastEventIdParameterResumesLikeTheHeader() throws Exception {
        // Given
        String url = stream + "?tenant=initech&type=BLOCKED_ATTEMPT";
        SseClient first = SseClient.open(url, Tokens.admin(), null);
        produce(initech(9201));
        await().atMost(Duration.ofSeconds(30)).until(() -> ports(first, 9200).contains(9201));
        String last = idAt(first, 9201);
        first.close();
        produce(initech(9202));
        stored(9202);
        // When
        try (SseClient second = SseClient.open(url + "&lastEventId=" + last, Tokens.admin(), null)) {
            // Then
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !ports(second, 9200).isEmpty());
            assertThat(ports(second, 9200)).containsExactly(9202);
        }
    }

    @Test
    void aTenantResumingGetsOnlyItsOwnChanges() throws Exception {
        // Given an id from before, then a change of acme-corp and one of initech
        SseClient admin = SseClient.open(stream.toString(), Tokens.admin(), null);
        produce(initech(9301));
        await().atMost(Duration.ofSeconds(30)).until(() -> ports(admin, 9300).contains(9301));
        String last = idAt(admin, 9301);
        admin.close();
        produce(acme(9302), initech(9303));
        stored(9302, 9303);
        // When initech resumes after that id
        try (SseClient tenant = SseClient.open(stream.toString(), Tokens.tenant("initech"), last)) {
            produce(acme(9304), initech(9305));
            // Then
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ports(tenant, 9300).contains(9305));
            assertThat(ports(tenant, 9300)).containsExactly(9303, 9305);
            assertThat(tenant.changes())
                    .allSatisfy(e -> assertThat(e.data())
                            .contains("\"tenant\":\"initech\"")
                            .doesNotContain("acme"));
        }
    }

    @Test
    void anIdOfAnotherProcessIsAnsweredWithAGapNoticeThenTheKeptChanges() throws Exception {
        // Given a change, and an id as a restarted flowwatch's client would send it
        produce(initech(9401));
        stored(9401);
        String url = stream + "?tenant=initech&type=BLOCKED_ATTEMPT";
        // When
        try (SseClient client = SseClient.open(url, Tokens.tenant("initech"), "zzzz-" + "0".repeat(32))) {
            // Then
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ports(client, 9400).contains(9401));
            SseClient.Event notice = client.events.get(0);
            assertThat(notice.name()).isEqualTo("gap");
            assertThat(notice.id()).isNull();
            assertThat(notice.data()).contains("\"lastEventId\":\"zzzz-").contains("restarted");
        }
    }

    @Test
    void aQuietStreamSendsHeartbeats() throws Exception {
        try (SseClient client = SseClient.open(stream + "?tenant=nobody-at-all", Tokens.admin(), null)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.comments.size() >= 2);
            assertThat(client.comments).allMatch(": keep-alive"::equals);
        }
    }

    @Test
    void anIdTheStreamCannotHaveIssuedIsABadRequestNamingWhereItCame() {
        for (String token : new String[] {Tokens.admin(), Tokens.tenant("initech")}) {
            Response header = given().auth()
                    .oauth2(token)
                    .header("Accept", "text/event-stream")
                    .header("Last-Event-ID", "42")
                    .get("/api/v1/violations/stream");
            assertThat(header.statusCode()).isEqualTo(400);
            assertThat(header.contentType()).startsWith("application/problem+json");
            assertThat(header.jsonPath().getString("parameter")).isEqualTo("Last-Event-ID");
            Response parameter = given().auth()
                    .oauth2(token)
                    .header("Accept", "text/event-stream")
                    .queryParam("lastEventId", "abc-xyz")
                    .get("/api/v1/violations/stream");
            assertThat(parameter.statusCode()).isEqualTo(400);
            assertThat(parameter.jsonPath().getString("parameter")).isEqualTo("lastEventId");
        }
    }
}
