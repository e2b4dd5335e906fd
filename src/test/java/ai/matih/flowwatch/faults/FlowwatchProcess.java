package ai.matih.flowwatch.faults;

import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.ChildAuth;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The packaged flowwatch ({@code target/quarkus-app/quarkus-run.jar}, system property {@code flowwatch.app.jar}) as a
 * child process on free ports (the API's and the management port of {@code /q/*}), against a given broker; its output
 * goes to {@code target/faults/<name>-<n>.log}. {@link #start()} returns once both ports answer HTTP;
 * {@link #awaitReady()} waits for readiness. Paths under {@code /q/} go to the management port.
 */
final class FlowwatchProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A cheap API request: any HTTP status says the API port is up. */
    private static final String API_PROBE = "/api/v1/violations?limit=1";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** How long a start may take, to its ports and to readiness (a busy machine included). */
    private static final Duration STARTED = Duration.ofMinutes(2);
    /** Paths served on the management port. */
    private static final String MANAGEMENT = "/q/";

    private final String name;
    private final List<String> properties = new ArrayList<>();
    private final int port;
    private final int managementPort;
    private static final Map<String, AtomicInteger> STARTS = new ConcurrentHashMap<>();
    private Process process;

    FlowwatchProcess(String name, String bootstrap, Map<String, String> settings) {
        this.name = name;
        this.port = freePort();
        this.managementPort = freePort();
        Map<String, String> all = new TreeMap<>(settings);
        all.put("kafka.bootstrap.servers", bootstrap);
        all.put("quarkus.http.port", Integer.toString(port));
        all.put("quarkus.management.port", Integer.toString(managementPort));
        all.put("flowwatch.topology.path", "classpath:demo/topology.yaml");
        all.put("flowwatch.demo.enabled", "false");
        all.put("quarkus.log.category.\"org.apache.kafka\".level", "WARN");
        all.forEach((k, v) -> properties.add("-D" + k + "=" + v));
        properties.addAll(ChildAuth.jvmArgs());
    }

    private Path log;

    /** How many lines of this process's output contain {@code text}. */
    long logLines(String text) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text)).count();
        }
    }

    /** The last {@code lines} lines of this process's output, for a failure message. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    FlowwatchProcess start() throws IOException {
        Path jar = Path.of(System.getProperty("flowwatch.app.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw verify (the package phase builds it)");
        }
        log = Path.of(
                "target",
                "faults",
                name + "-"
                        + STARTS.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet()
                        + ".log");
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(properties);
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            awaitHttp("both ports answering", () -> status(API_PROBE) > 0 && status("/q/health/live") > 0);
        } catch (IllegalStateException e) {
            process.destroyForcibly(); // the caller never gets it to close
            throw e;
        }
        return this;
    }

    /** Waits until readiness is UP (Kafka channels, topology and violation store all ready). */
    FlowwatchProcess awaitReady() {
        awaitHttp("readiness UP", () -> status("/q/health/ready") == 200);
        return this;
    }

    private void awaitHttp(String what, Callable<Boolean> condition) {
        try {
            await().atMost(STARTED)
                    .pollInterval(Duration.ofMillis(200))
                    .failFast(name + " exited", () -> !process.isAlive())
                    .until(condition);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new IllegalStateException(name + " not " + what + " (log " + log + "): " + e.getMessage(), e);
        }
    }

    /** SIGKILL: no shutdown hook, no commit, no flush. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The operating system's id of the child process. */
    long pid() {
        return process.pid();
    }

    /** The address of a path on the API port. */
    URI api(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    String name() {
        return name;
    }

    /** HTTP status of a GET, or -1 when nothing answers. */
    int status(String path) {
        try {
            return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** The sum of a Prometheus counter over all its series. */
    double metric(String metric) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : get("/q/metrics").split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Every violation: id → {count, observations}. */
    Map<String, List<Long>> violations() throws IOException, InterruptedException {
        Map<String, List<Long>> out = new TreeMap<>();
        String cursor = null;
        do {
            String path = "/api/v1/violations?limit=1000"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = JSON.readTree(get(path));
            for (JsonNode v : page.get("items")) {
                out.put(
                        v.get("id").asText(),
                        List.of(v.get("count").asLong(), v.get("observations").asLong()));
            }
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return out;
    }

    private HttpRequest request(String path) {
        int target = path.startsWith(MANAGEMENT) ? managementPort : port;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target + path))
                .timeout(Duration.ofSeconds(10))
                .GET();
        if (path.startsWith("/api/")) {
            b.header("Authorization", ChildAuth.adminHeader());
        }
        return b.build();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
