package ai.matih.flowwatch.e2e;

import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.Loopback;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The monitoring half of the full stack, as real processes on loopback: Alertmanager (Debian
 * {@code prometheus-alertmanager}) with {@code alerts/alertmanager/alertmanager.example.yml}, and Prometheus (Debian
 * {@code prometheus}) scraping the test application's {@code /q/metrics} (on a free management port of its own) every
 * second
 * with the rules of {@code alerts/flowwatch-alerts.yaml} (expressions unchanged, {@code for} shortened) and
 * alerting to that Alertmanager. flowwatch is pointed at the Alertmanager with a short quiet period.
 *
 * <p>Binaries: {@value #PROMETHEUS} and {@value #ALERTMANAGER}, or {@code -Dprometheus.binary=} /
 * {@code -Dalertmanager.binary=}; when one is missing the test fails, saying how to install it.
 */
public final class FullStack implements QuarkusTestResourceLifecycleManager {

    static final String PROMETHEUS = "/usr/bin/prometheus";
    static final String ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
    /** Config keys through which the test learns where the processes listen. */
    static final String PROMETHEUS_URL = "fullstack.prometheus.url";

    static final String ALERTMANAGER_URL = "fullstack.alertmanager.url";
    /** The quiet period after which flowwatch resolves an alert, short for the test. */
    static final Duration QUIET_PERIOD = Duration.ofSeconds(6);
    /** {@code for} of every rule in the test's copy of the rules. */
    static final String RULE_FOR = "1s";

    private static final Pattern FOR_LINE = Pattern.compile("(?m)^(\\s+)for: *\\S+ *$");

    /** Restarts Quarkus with {@link FullStack} as its test resource (only for the full-stack test). */
    public static final class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FullStack.class));
        }
    }

    private final List<Process> processes = new ArrayList<>();
    private Path dir;

    @Override
    public Map<String, String> start() {
        Path prometheus = binary("prometheus.binary", PROMETHEUS, "prometheus");
        Path alertmanager = binary("alertmanager.binary", ALERTMANAGER, "prometheus-alertmanager");
        Path alerts = alertsDirectory();
        try {
            dir = Files.createTempDirectory("flowwatch-fullstack");
            int amPort = Loopback.freePort();
            String amUrl = "http://127.0.0.1:" + amPort;
            start(
                    "alertmanager",
                    List.of(
                            alertmanager.toString(),
                            "--config.file=" + alerts.resolve("alertmanager/alertmanager.example.yml"),
                            "--storage.path=" + dir.resolve("alertmanager-data"),
                            "--web.listen-address=127.0.0.1:" + amPort,
                            "--cluster.listen-address=",
                            "--log.level=warn"),
                    amUrl);

            Path rules = dir.resolve("flowwatch-alerts.yaml");
            Files.writeString(rules, shortenFor(Files.readString(alerts.resolve("flowwatch-alerts.yaml"))));
            // Ports of their own rather than fixed ones: Prometheus must know the management port (where /q/metrics
            // is served) before Quarkus starts, and other builds on the machine may hold the defaults while this
            // test restarts the application.
            int appPort = Loopback.freePort();
            int managementPort = Loopback.freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - %s
                    alerting:
                      alertmanagers:
                        - static_configs:
                            - targets: ['127.0.0.1:%d']
                    scrape_configs:
                      - job_name: flowwatch
                        metrics_path: /q/metrics
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(rules, amPort, managementPort));
            int promPort = Loopback.freePort();
            String promUrl = "http://127.0.0.1:" + promPort;
            start(
                    "prometheus",
                    List.of(
                            prometheus.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                            "--web.listen-address=127.0.0.1:" + promPort,
                            "--web.external-url=" + promUrl,
                            "--log.level=warn"),
                    promUrl);

            return Map.of(
                    "quarkus.http.test-port",
                    Integer.toString(appPort),
                    "quarkus.management.test-port",
                    Integer.toString(managementPort),
                    "flowwatch.alertmanager.urls",
                    amUrl,
                    "flowwatch.alertmanager.quiet-period",
                    QUIET_PERIOD.toSeconds() + "s",
                    "flowwatch.alertmanager.resend-interval",
                    "1s",
                    "flowwatch.alertmanager.timeout",
                    "2s",
                    "flowwatch.alertmanager.external-url",
                    "http://127.0.0.1:" + appPort,
                    PROMETHEUS_URL,
                    promUrl,
                    ALERTMANAGER_URL,
                    amUrl);
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @Override
    public void stop() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
            dir = null;
        }
    }

    /** The rules with every {@code for:} set to {@link #RULE_FOR}; everything else, expressions included, unchanged. */
    static String shortenFor(String rules) {
        return FOR_LINE.matcher(rules).replaceAll("$1for: " + RULE_FOR);
    }

    /** The repository's {@code alerts/} directory (tests run from the module directory). */
    static Path alertsDirectory() {
        Path alerts = Path.of(System.getProperty("user.dir")).resolve("alerts");
        if (!Files.isRegularFile(alerts.resolve("flowwatch-alerts.yaml"))) {
            throw new IllegalStateException("alerts/flowwatch-alerts.yaml not found under " + alerts.toAbsolutePath()
                    + ": run the tests from the repository root");
        }
        return alerts;
    }

    private static Path binary(String property, String defaultPath, String debianPackage) {
        String configured = System.getProperty(property);
        Path path = Path.of(configured == null || configured.isBlank() ? defaultPath : configured);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("The full-stack end-to-end test needs the real " + debianPackage
                    + " binary at " + path
                    + ", which is missing. Install it with: apt-get update && apt-get install -y "
                    + "prometheus prometheus-alertmanager (then stop the system services they start), or point -D"
                    + property + "=/path/to/binary at one.");
        }
        return path;
    }

    private void start(String name, List<String> command, String url) throws IOException {
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        processes.add(process);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url + "/-/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast(name + " exited", () -> !process.isAlive())
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new IllegalStateException(
                    name + " not ready at " + url + ": " + e.getMessage() + ": " + read(log), e);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** A small client of the Prometheus and Alertmanager HTTP APIs, on the JDK's HttpClient. */
    static final class Api {

        private static final ObjectMapper JSON = new ObjectMapper();
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        JsonNode get(String url) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                JsonNode body = JSON.readTree(response.body());
                if (response.statusCode() != 200) {
                    throw new AssertionError("GET " + url + ": HTTP " + response.statusCode() + " " + response.body());
                }
                return body;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** {@code GET /api/v1/query}: the whole answer ({@code status}, {@code data.result}). */
        JsonNode query(String prometheus, String promql) {
            return get(prometheus + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        }

        /** The alerts Alertmanager holds ({@code GET /api/v2/alerts}), active ones only when asked. */
        List<JsonNode> alerts(String alertmanager, boolean activeOnly) {
            List<JsonNode> alerts = new ArrayList<>();
            get(alertmanager + "/api/v2/alerts" + (activeOnly ? "?active=true&silenced=false&inhibited=true" : ""))
                    .forEach(alerts::add);
            return alerts;
        }
    }
}
