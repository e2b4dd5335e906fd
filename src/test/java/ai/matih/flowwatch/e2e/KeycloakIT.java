package ai.matih.flowwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.demo.EmbeddedKafkaBroker;
import ai.matih.flowwatch.testing.KeycloakServer;
import ai.matih.flowwatch.testing.Loopback;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packaged flowwatch verifying tokens of a real Keycloak through its JWKS, as docker-compose.yml runs them: Keycloak
 * from its server distribution with the realm of {@code deploy/keycloak/flowwatch-realm.json}, flowwatch configured
 * with the realm's certificates URL, issuer and the audience {@code flowwatch}. Tokens come from the password grant
 * of the realm's users (admin, one per demo tenant); two isolation breaches are produced, one by globex and one by
 * initech, both towards acme-corp's database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String HUBBLE = "hubble-flows";
    private static final String ACME = "matih-data-plane-acme-corp";
    private static final String GLOBEX = "matih-data-plane-globex";
    private static final String INITECH = "matih-data-plane-initech";

    private EmbeddedKafkaBroker broker;
    private KeycloakServer keycloak;
    private Process app;
    private Path appLog;
    private int apiPort;
    private final Map<String, String> tokens = new HashMap<>();
    /** Violation id by tenant, as the admin sees them. */
    private final Map<String, String> idByTenant = new TreeMap<>();

    @BeforeAll
    void start() throws Exception {
        keycloak = KeycloakServer.start();
        broker = EmbeddedKafkaBroker.start(0, 1);
        broker.createTopics(
                new String[] {HUBBLE, "calico-flows", "k8s-audit", "flowwatch-dlq", "flowwatch-violations"});
        app = startFlowwatch();
        for (String user : List.of("admin", "acme-corp", "globex", "initech")) {
            tokens.put(user, keycloak.token(user, user));
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all"))) {
            producer.send(new ProducerRecord<>(HUBBLE, hubble(GLOBEX, "api-7d9f8c6b5-x2a2b", "10.244.2.10")))
                    .get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(HUBBLE, hubble(INITECH, "api-7d9f8c6b5-x3a2b", "10.244.3.10")))
                    .get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    idByTenant.clear();
                    for (JsonNode v : items(get("/api/v1/violations?limit=100", tokens.get("admin")))) {
                        idByTenant.put(v.path("tenant").asText(), v.path("id").asText());
                    }
                    assertThat(idByTenant).containsOnlyKeys("globex", "initech");
                });
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (app != null) {
                app.destroy();
                if (!app.waitFor(30, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
            }
        } finally {
            try {
                if (broker != null) {
                    broker.close();
                }
            } finally {
                if (keycloak != null) {
                    keycloak.close();
                }
            }
        }
    }

    @Test
    void keycloakIssuesTokensForFlowwatchWithTheGroupsAndTenantClaimsItReads() throws Exception {
        // Given: the tokens of the password grant
        // When
        JsonNode admin = payload(tokens.get("admin"));
        JsonNode globex = payload(tokens.get("globex"));
        // Then
        assertThat(admin.path("iss").asText()).isEqualTo(keycloak.realmUrl());
        assertThat(admin.path("aud").toString()).contains("\"flowwatch\"");
        assertThat(admin.path("groups").toString()).contains("\"flowwatch-admin\"");
        assertThat(admin.has("tenant")).isFalse();
        assertThat(globex.path("tenant").asText()).isEqualTo("globex");
        assertThat(globex.has("groups") && globex.path("groups").toString().contains("flowwatch-admin"))
                .isFalse();
    }

    @Test
    void theAdminSeesEveryTenantsViolations() throws Exception {
        // Given: the two breaches
        // When
        HttpResponse<String> answer = get("/api/v1/violations?limit=100", tokens.get("admin"));
        // Then
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(tenantsOf(items(answer))).containsExactly("globex", "initech");
        assertThat(answer.body()).contains(ACME);
    }

    @ParameterizedTest(name = "{0} sees only its own violation")
    @CsvSource({"globex, initech", "initech, globex"})
    void eachTenantSeesOnlyItsOwnViolations(String tenant, String other) throws Exception {
        // Given
        String token = tokens.get(tenant);
        // When
        HttpResponse<String> answer = get("/api/v1/violations?limit=100", token);
        // Then
        assertThat(answer.statusCode()).isEqualTo(200);
        List<JsonNode> items = items(answer);
        assertThat(items).extracting(v -> v.path("id").asText()).containsExactly(idByTenant.get(tenant));
        assertThat(answer.body()).doesNotContain(other).doesNotContain(ACME).doesNotContain("acme-corp");
    }

    @ParameterizedTest(name = "{0} asking for {1}''s data gets nothing of it")
    @CsvSource({"globex, initech", "initech, globex"})
    void aTenantAskingForAnotherTenantsDataGetsNothing(String tenant, String other) throws Exception {
        // Given
        String token = tokens.get(tenant);
        // When
        HttpResponse<String> filtered = get("/api/v1/violations?tenant=" + other, token);
        HttpResponse<String> byId =
                get("/api/v1/violations/" + URLEncoder.encode(idByTenant.get(other), StandardCharsets.UTF_8), token);
        // Then
        assertThat(filtered.statusCode()).isEqualTo(200);
        assertThat(items(filtered)).isEmpty();
        assertThat(byId.statusCode()).isEqualTo(404);
    }

    @Test
    void acmeCorpSeesTheBreachesTowardsItWithoutTheOtherTenants() throws Exception {
        // Given: both breaches target acme-corp's database
        // When
        HttpResponse<String> answer = get("/api/v1/violations?limit=100", tokens.get("acme-corp"));
        // Then
        assertThat(answer.statusCode()).isEqualTo(200);
        List<JsonNode> items = items(answer);
        assertThat(items)
                .extracting(v -> v.path("id").asText())
                .containsExactlyInAnyOrderElementsOf(idByTenant.values());
        assertThat(answer.body()).doesNotContain(GLOBEX).doesNotContain(INITECH);
        assertThat(items)
                .allSatisfy(
                        v -> assertThat(v.has("tenant")).as("the other tenant").isFalse());
    }

    @Test
    void withoutATokenOrWithAForgedOneTheApiAnswers401() throws Exception {
        // Given
        String admin = tokens.get("admin");
        String forged = admin.substring(0, admin.lastIndexOf('.') + 1) + "AAAA";
        // When
        HttpResponse<String> none = get("/api/v1/violations", null);
        HttpResponse<String> bad = get("/api/v1/violations", forged);
        // Then
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(bad.statusCode()).isEqualTo(401);
    }

    private Process startFlowwatch() throws IOException {
        Path jar = Path.of(System.getProperty("flowwatch.app.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw verify (the package phase builds it)");
        }
        apiPort = Loopback.freePort();
        int managementPort = Loopback.freePort();
        Map<String, String> settings = new TreeMap<>();
        settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
        settings.put("quarkus.http.port", Integer.toString(apiPort));
        settings.put("quarkus.management.port", Integer.toString(managementPort));
        settings.put("flowwatch.topology.path", "classpath:demo/topology.yaml");
        settings.put("flowwatch.demo.enabled", "false");
        settings.put("quarkus.log.category.\"org.apache.kafka\".level", "WARN");
        settings.put("mp.jwt.verify.publickey.location", keycloak.jwksUrl());
        settings.put("mp.jwt.verify.issuer", keycloak.realmUrl());
        settings.put("mp.jwt.verify.audiences", "flowwatch");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        appLog = Path.of("target", "keycloak-it-flowwatch.log").toAbsolutePath();
        Process process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(appLog.toFile())
                .start();
        try {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .failFast("flowwatch exited (log " + appLog + ")", () -> !process.isAlive())
                    .until(() -> Loopback.status("http://127.0.0.1:" + managementPort + "/q/health/ready") == 200);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        return process;
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> items(HttpResponse<String> answer) throws IOException {
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("answered " + answer.statusCode() + ": " + answer.body());
        }
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(answer.body()).path("items").forEach(out::add);
        return out;
    }

    private static Set<String> tenantsOf(List<JsonNode> items) {
        Set<String> tenants = new TreeSet<>();
        items.forEach(v -> tenants.add(v.path("tenant").asText()));
        return tenants;
    }

    private static JsonNode payload(String token) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    /** A forwarded TCP connection from a tenant's api pod to acme-corp's database: an isolation breach. */
    private static byte[] hubble(String sourceNamespace, String sourcePod, String sourceIp) throws IOException {
        String now = Instant.now().toString();
        Map<String, Object> flow = new HashMap<>();
        flow.put("time", now);
        flow.put("verdict", "FORWARDED");
        flow.put("IP", Map.of("source", sourceIp, "destination", "10.244.1.12", "ipVersion", "IPv4"));
        flow.put(
                "l4",
                Map.of("TCP", Map.of("source_port", 40000, "destination_port", 5432, "flags", Map.of("SYN", true))));
        flow.put(
                "source",
                Map.of(
                        "namespace",
                        sourceNamespace,
                        "pod_name",
                        sourcePod,
                        "labels",
                        List.of("k8s:app=api"),
                        "workloads",
                        List.of(Map.of("name", "api", "kind", "Deployment"))));
        flow.put(
                "destination",
                Map.of(
                        "namespace",
                        ACME,
                        "pod_name",
                        "db-0",
                        "labels",
                        List.of("k8s:app=db"),
                        "workloads",
                        List.of(Map.of("name", "db", "kind", "StatefulSet"))));
        flow.put("Type", "L3_L4");
        flow.put("node_name", "worker-1");
        flow.put("traffic_direction", "INGRESS");
        flow.put("is_reply", false);
        return JSON.writeValueAsBytes(Map.of("flow", flow, "node_name", "worker-1", "time", now));
    }
}
