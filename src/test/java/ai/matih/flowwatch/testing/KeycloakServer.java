package ai.matih.flowwatch.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The real Keycloak server, from its Quarkus distribution, as a child process on free loopback ports: {@code kc.sh
 * start-dev --import-realm} with the realm docker-compose.yml imports ({@code deploy/keycloak/flowwatch-realm.json})
 * and an in-memory database, so every start begins from that file. Its output goes to {@code target/keycloak.log}.
 *
 * <p>Where it comes from: system property {@value #HOME} (the build sets it to the distribution it unpacked, by
 * default {@code ~/.cache/flowwatch/keycloak-<version>}), and the JDK that runs it (Keycloak 26 needs Java 21 or
 * later): system property {@value #JAVA_HOME}, else environment variable {@code KEYCLOAK_JAVA_HOME}, else
 * {@value #DEFAULT_JAVA_HOME}. A missing one fails the start with a message saying what to set.
 *
 * <p>{@link #close()} stops the server (SIGTERM, then SIGKILL after 20 s); a JVM shutdown hook does the same if the
 * test JVM ends before.
 */
public final class KeycloakServer implements AutoCloseable {

    /** The system property naming the unpacked distribution. */
    public static final String HOME = "flowwatch.keycloak.home";
    /** The system property naming the JDK that runs Keycloak. */
    public static final String JAVA_HOME = "flowwatch.keycloak.java-home";

    static final String DEFAULT_JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64";
    /** The realm docker-compose.yml imports. */
    public static final Path REALM_FILE = Path.of("deploy/keycloak/flowwatch-realm.json");

    public static final String REALM = "flowwatch";
    /** The client that hands out tokens for flowwatch (public, password grant). */
    public static final String CLIENT = "flowwatch";

    private static final Duration STARTED = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Thread hook;
    private final int port;
    private final Path log;

    private KeycloakServer(Process process, Thread hook, int port, Path log) {
        this.process = process;
        this.hook = hook;
        this.port = port;
        this.log = log;
    }

    /** Starts Keycloak with the repository's realm and returns once the realm's discovery document answers. */
    public static KeycloakServer start() throws IOException {
        Path home = distribution();
        Path java = javaHome();
        if (!Files.isRegularFile(REALM_FILE)) {
            throw new IllegalStateException(REALM_FILE.toAbsolutePath() + " is missing");
        }
        Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
        try (var old = Files.list(imports)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        Files.copy(REALM_FILE, imports.resolve(REALM_FILE.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        int port = Loopback.freePort();
        List<String> cmd = new ArrayList<>(List.of(
                home.resolve("bin").resolve("kc.sh").toString(),
                "start-dev",
                "--import-realm",
                "--db=dev-mem",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--http-management-port=" + Loopback.freePort(),
                "--hostname=http://127.0.0.1:" + port));
        Path log = Path.of("target", "keycloak.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", java.toString());
        env.put("PATH", java.resolve("bin") + File.pathSeparator + env.getOrDefault("PATH", ""));
        Process process = builder.start();
        Thread hook = new Thread(() -> stop(process), "keycloak-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        KeycloakServer server = new KeycloakServer(process, hook, port, log);
        try {
            await().atMost(STARTED)
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("Keycloak exited (log " + log + ")", () -> !process.isAlive())
                    .until(() -> Loopback.status(server.realmUrl() + "/.well-known/openid-configuration") == 200);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            server.close();
            throw new IllegalStateException("Keycloak did not start (log " + log + "): " + e.getMessage(), e);
        }
        return server;
    }

    /** The realm's URL: the issuer of its tokens. */
    public String realmUrl() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    /** The realm's signing keys (JWKS). */
    public String jwksUrl() {
        return realmUrl() + "/protocol/openid-connect/certs";
    }

    /** The log of the server. */
    public Path log() {
        return log;
    }

    /**
     * An access token by the password grant, from the {@value #CLIENT} client.
     *
     * @throws IllegalStateException with Keycloak's answer when it refuses
     */
    public String token(String username, String password) throws IOException, InterruptedException {
        String form = Map.of("grant_type", "password", "client_id", CLIENT, "username", username, "password", password)
                .entrySet()
                .stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create(realmUrl() + "/protocol/openid-connect/token"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(
                    "Keycloak refused a token for " + username + ": " + answer.statusCode() + " " + answer.body());
        }
        JsonNode body = JSON.readTree(answer.body());
        return body.path("access_token").asText();
    }

    @Override
    public void close() {
        stop(process);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook stops it
        }
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Path distribution() {
        String home = System.getProperty(HOME);
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("system property " + HOME + " is not set: run the test with ./mvnw verify,"
                    + " which unpacks Keycloak's distribution (org.keycloak:keycloak-quarkus-dist) and sets it");
        }
        Path path = Path.of(home);
        if (!Files.isRegularFile(path.resolve("bin").resolve("kc.sh"))) {
            throw new IllegalStateException(HOME + "=" + home + " holds no Keycloak distribution (bin/kc.sh): run"
                    + " ./mvnw verify, which unpacks org.keycloak:keycloak-quarkus-dist there");
        }
        return path;
    }

    private static Path javaHome() {
        String configured = System.getProperty(JAVA_HOME);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("KEYCLOAK_JAVA_HOME");
        }
        if (configured == null || configured.isBlank()) {
            configured = DEFAULT_JAVA_HOME;
        }
        Path path = Path.of(configured);
        if (!Files.isExecutable(path.resolve("bin").resolve("java"))) {
            throw new IllegalStateException("no JDK at " + path + " to run Keycloak (it needs Java 21 or later): set"
                    + " system property " + JAVA_HOME + " (-Dkeycloak.java.home=... on ./mvnw) or environment"
                    + " variable KEYCLOAK_JAVA_HOME to one");
        }
        return path;
    }
}
