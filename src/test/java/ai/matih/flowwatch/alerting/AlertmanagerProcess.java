package ai.matih.flowwatch.alerting;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A real Alertmanager (the Debian {@code prometheus-alertmanager} binary) on loopback, clustering off, with a
 * temporary storage path. The binary is {@value #DEFAULT_BINARY} unless {@code -Dalertmanager.binary=} or
 * {@code ALERTMANAGER_BINARY} says otherwise; when it is missing the test fails, telling how to install it.
 */
final class AlertmanagerProcess implements AutoCloseable {

    static final String DEFAULT_BINARY = "/usr/bin/prometheus-alertmanager";
    private static final String CONFIG = """
            route:
              receiver: blackhole
              group_by: ['alertname', 'tenant']
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: blackhole
            """;

    /** User and password Alertmanager asks for when secured. */
    static final String USER = "flowwatch";

    static final String PASSWORD = "flowwatch-e2e";
    /** bcrypt (cost 4) of {@link #PASSWORD}, as Alertmanager's web config wants it. */
    private static final String PASSWORD_BCRYPT = "$2b$04$LdjSSgbcokUvqJZGgJzcNev7JL.Ge/FVBPsMAl1V2QJS/AhgMn4/u";

    private final Path binary;
    private final Path dir;
    private final int port;
    private final boolean secured;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private Process process;

    private AlertmanagerProcess(Path binary, Path dir, int port, boolean secured) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.secured = secured;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (secured) {
            builder.sslContext(AlertmanagerClient.sslContext(
                    AlertTestSupport.config(Map.of("flowwatch.alertmanager.tls.insecure-skip-verify", "true"))
                            .tls()));
        }
        this.http = builder.build();
    }

    /** The Alertmanager binary; fails the test with installation instructions when there is none. */
    static Path binary() {
        String configured = System.getProperty("alertmanager.binary", System.getenv("ALERTMANAGER_BINARY"));
        Path path = Path.of(configured == null || configured.isBlank() ? DEFAULT_BINARY : configured);
        if (!Files.isExecutable(path)) {
            fail("The Alertmanager end-to-end test needs the real Alertmanager binary at " + path + ", which is "
                    + "missing. Install it with: apt-get update && apt-get install -y prometheus-alertmanager "
                    + "(and stop the system service it starts), or point -Dalertmanager.binary=/path/to/alertmanager "
                    + "at an Alertmanager binary.");
        }
        return path;
    }

    /** Starts an Alertmanager on a free loopback port and waits until it is ready. */
    static AlertmanagerProcess start(Path dir) throws IOException {
        return start(dir, false);
    }

    /**
     * Starts an Alertmanager that serves HTTPS with a fresh self-signed certificate for 127.0.0.1 (its PEM is
     * {@link #certificate()}) and wants basic authentication as {@link #USER}.
     */
    static AlertmanagerProcess startSecured(Path dir) throws IOException {
        return start(dir, true);
    }

    private static AlertmanagerProcess start(Path dir, boolean secured) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        AlertmanagerProcess am = new AlertmanagerProcess(binary(), dir, port, secured);
        Files.writeString(dir.resolve("alertmanager.yml"), CONFIG);
        if (secured) {
            SelfSigned.write(dir, dir.resolve("cert.pem"), dir.resolve("key.pem"));
            Files.writeString(dir.resolve("web.yml"), """
                    tls_server_config:
                      cert_file: %s
                      key_file: %s
                    basic_auth_users:
                      %s: '%s'
                    """.formatted(
                            dir.resolve("cert.pem"), dir.resolve("key.pem"), USER, PASSWORD_BCRYPT));
        }
        am.restart();
        return am;
    }

    /** The PEM certificate of a secured Alertmanager. */
    Path certificate() {
        return dir.resolve("cert.pem");
    }

    /** (Re)starts the process on the same port and storage, and waits until it answers {@code /-/ready}. */
    void restart() throws IOException {
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=",
                "--log.level=warn"));
        if (secured) {
            command.add("--web.config.file=" + dir.resolve("web.yml"));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("alertmanager.log").toFile()))
                .start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("Alertmanager exited", () -> !process.isAlive())
                    .until(this::ready);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            fail("Alertmanager not ready on port " + port + ": " + e.getMessage() + ": " + log());
        }
    }

    /** Stops the process and waits for it to be gone. */
    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    String url() {
        return (secured ? "https" : "http") + "://127.0.0.1:" + port;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5));
        if (secured) {
            builder.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return builder;
    }

    /** The alerts Alertmanager shows ({@code GET /api/v2/alerts}); {@code query} like {@code active=true}. */
    List<JsonNode> alerts(String query) {
        HttpRequest request = request("/api/v2/alerts" + (query.isEmpty() ? "" : "?" + query))
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "GET /api/v2/alerts: HTTP " + response.statusCode() + " " + response.body());
            }
            List<JsonNode> alerts = new ArrayList<>();
            json.readTree(response.body()).forEach(alerts::add);
            return alerts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The alerts whose {@code violation_id} label is {@code id}. */
    List<JsonNode> alertsOf(String id, String query) {
        return alerts(query).stream()
                .filter(a -> id.equals(a.path("labels").path("violation_id").asText()))
                .toList();
    }

    private boolean ready() {
        try {
            HttpRequest request = request("/-/ready").GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("alertmanager.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
