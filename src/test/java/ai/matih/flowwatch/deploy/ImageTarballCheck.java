package ai.matih.flowwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.ChildAuth;
import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Loopback;
import ai.matih.flowwatch.testing.Tokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * flowwatch's container image as {@code ./mvnw -Pimage} builds it ({@code target/flowwatch-image.tar}, an OCI image
 * layout with a docker {@code manifest.json}): its references, its configuration (entrypoint, non-root user, exposed
 * ports, OCI labels), its blobs against their digests; then its layers unpacked into a directory and, as root, the
 * JVM and flowwatch itself started from it in a chroot (as the image's user, with the image's environment, against the
 * test Kafka broker) until {@code /q/health/ready} answers UP.
 *
 * <p>Not a surefire test: the image profile's failsafe runs it ({@code ./mvnw -Pimage verify}). Starting from the
 * image needs root (chroot, and a private /proc through unshare); {@code -Dflowwatch.image.run=false} turns that part
 * off where the build does not run as root.
 */
class ImageTarballCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TARBALL =
            Path.of(System.getProperty("flowwatch.image.tar", "target/flowwatch-image.tar"));
    private static final String NAME = System.getProperty("flowwatch.image.name", "ghcr.io/matih-ai/flowwatch");
    private static final String VERSION = System.getProperty("flowwatch.image.version", "");
    private static final String BASE = System.getProperty("flowwatch.image.base", "scratch");
    private static final String RUN_PROPERTY = "flowwatch.image.run";
    private static final Path LOG = Path.of("target", "image-check", "flowwatch.log");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path work;

    private static Path layout;
    private static JsonNode manifest;
    private static JsonNode config;
    private static Path rootfs;
    private static Process flowwatch;

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(TARBALL)
                .as("the image tarball: build it with ./mvnw -Pimage -DskipTests package")
                .isRegularFile();
        layout = Files.createDirectories(work.resolve("layout"));
        run(List.of("tar", "-xf", TARBALL.toAbsolutePath().toString(), "-C", layout.toString()));
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        manifest = JSON.readTree(
                blob(index.path("manifests").get(0).path("digest").asText()).toFile());
        config = JSON.readTree(
                blob(manifest.path("config").path("digest").asText()).toFile());
        rootfs = Files.createDirectories(work.resolve("rootfs"));
        for (JsonNode layer : manifest.path("layers")) {
            run(List.of(
                    "tar",
                    "--warning=no-unknown-keyword",
                    "-xpzf",
                    blob(layer.path("digest").asText()).toString(),
                    "-C",
                    rootfs.toString()));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (flowwatch != null) {
            // The JVM is the first process of its PID namespace: killing it ends the namespace. (unshare's
            // --kill-child does not reach it: chroot --userspec changes the user, which clears that signal.)
            flowwatch.descendants().forEach(ProcessHandle::destroyForcibly);
            flowwatch.destroyForcibly();
            flowwatch.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void tarballNamesTheImageByItsVersionAndLatest() throws IOException {
        // Given
        List<String> references = List.of(NAME + ":" + VERSION, NAME + ":latest");
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode docker = JSON.readTree(layout.resolve("manifest.json").toFile());

        // Then: OCI tools read index.json, docker load reads manifest.json; both name one manifest by both tags
        assertThat(VERSION).isNotBlank();
        assertThat(texts(index.path("manifests"), "annotations", "org.opencontainers.image.ref.name"))
                .containsExactlyElementsOf(references);
        assertThat(texts(index.path("manifests"), "digest")).containsOnly(text(index, "manifests", "0", "digest"));
        assertThat(docker).hasSize(1);
        assertThat(texts(docker.get(0).path("RepoTags"))).containsExactlyElementsOf(references);
        assertThat(docker.get(0).path("Config").asText())
                .isEqualTo("blobs/sha256/"
                        + manifest.path("config").path("digest").asText().substring(7));
        assertThat(texts(docker.get(0).path("Layers")))
                .containsExactlyElementsOf(texts(manifest.path("layers"), "digest").stream()
                        .map(d -> "blobs/sha256/" + d.substring(7))
                        .toList());
    }

    @Test
    void everyBlobIsWhatItsDigestNames() throws Exception {
        // Given
        List<JsonNode> blobs = new ArrayList<>();
        blobs.add(manifest.path("config"));
        manifest.path("layers").forEach(blobs::add);

        // Then
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(texts(manifest.path("layers"), "mediaType"))
                .containsOnly("application/vnd.oci.image.layer.v1.tar+gzip");
        for (JsonNode descriptor : blobs) {
            Path blob = blob(descriptor.path("digest").asText());
            assertThat(Files.size(blob))
                    .as(blob.toString())
                    .isEqualTo(descriptor.path("size").asLong());
            assertThat("sha256:" + sha256(blob))
                    .isEqualTo(descriptor.path("digest").asText());
        }
        assertThat(config.path("rootfs").path("diff_ids")).hasSameSizeAs(manifest.path("layers"));
        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("architecture").asText()).isEqualTo("amd64");
    }

    @Test
    void configRunsTheFastJarAsANonRootUser() {
        // Given
        JsonNode container = config.path("config");

        // Then
        assertThat(texts(container.path("Entrypoint"))).containsExactly("java", "-jar", "/deployments/quarkus-run.jar");
        assertThat(container.path("Cmd").isMissingNode()
                        || container.path("Cmd").isNull())
                .as("no Cmd: arguments given to the container reach flowwatch")
                .isTrue();
        assertThat(container.path("WorkingDir").asText()).isEqualTo("/deployments");
        String user = container.path("User").asText();
        assertThat(user).matches("\\d+:\\d+");
        assertThat(Integer.parseInt(user.split(":")[0])).as("uid").isPositive();
        assertThat(Integer.parseInt(user.split(":")[1])).as("gid").isPositive();
        assertThat(env()).containsKeys("PATH", "JDK_JAVA_OPTIONS");
    }

    @Test
    void configExposesTheApiAndManagementPortsAndCarriesOciLabels() {
        // Given
        JsonNode container = config.path("config");

        // Then
        assertThat(fieldNames(container.path("ExposedPorts"))).containsExactlyInAnyOrder("8080/tcp", "9000/tcp");
        assertThat(container
                        .path("Labels")
                        .path("org.opencontainers.image.title")
                        .asText())
                .isEqualTo("flowwatch");
        assertThat(container
                        .path("Labels")
                        .path("org.opencontainers.image.version")
                        .asText())
                .isEqualTo(VERSION);
        assertThat(container
                        .path("Labels")
                        .path("org.opencontainers.image.source")
                        .asText())
                .isEqualTo("https://github.com/matih-ai/flowwatch");
    }

    @Test
    void layersHoldTheApplicationTheJreAndTheUserItRunsAs() throws IOException {
        // Then: the fast-jar, and nothing of Jib's own classpath layout
        assertThat(rootfs.resolve("deployments/quarkus-run.jar")).isRegularFile();
        assertThat(rootfs.resolve("deployments/lib/main")).isDirectory();
        assertThat(rootfs.resolve("deployments/quarkus/quarkus-application.dat"))
                .isRegularFile();
        assertThat(rootfs.resolve("app")).doesNotExist();
        // the java of the entrypoint, found on the image's PATH
        Path java = javaOnPath();
        assertThat(Files.isExecutable(java)).as(java.toString()).isTrue();
        if ("scratch".equals(BASE)) {
            assertThat(rootfs.relativize(java)).hasToString("opt/java/bin/java");
            String uid = config.path("config").path("User").asText().split(":")[0];
            assertThat(Files.readAllLines(rootfs.resolve("etc/passwd")))
                    .anyMatch(line -> line.split(":")[2].equals(uid));
            assertThat(Files.getPosixFilePermissions(rootfs.resolve("tmp")))
                    .contains(PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
            assertThat(rootfs.resolve("lib64/ld-linux-x86-64.so.2")).isRegularFile();
        }
    }

    @Test
    @DisabledIfSystemProperty(named = RUN_PROPERTY, matches = "false")
    void javaRunsFromTheImage() throws Exception {
        // Given
        requireRoot();

        // When
        String version = run(inImage(List.of(rootfs.relativize(javaOnPath()).toString(), "-version")));

        // Then
        assertThat(version).contains("version \"17.");
    }

    @Test
    @DisabledIfSystemProperty(named = RUN_PROPERTY, matches = "false")
    void flowwatchStartsFromTheImageAndAnswersItsProbes() throws Exception {
        // Given
        requireRoot();
        int api = Loopback.freePort();
        int management = Loopback.freePort();
        Path etc = Files.createDirectories(rootfs.resolve("etc/flowwatch"));
        Files.copy(Path.of("src/test/resources/security/test-public-key.pem"), etc.resolve("jwt.pem"));
        Map<String, String> settings = new LinkedHashMap<>(env());
        settings.put("JDK_JAVA_OPTIONS", settings.get("JDK_JAVA_OPTIONS") + " -Xmx512m");
        settings.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.bootstrapServers());
        settings.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        settings.put("QUARKUS_HTTP_PORT", Integer.toString(api));
        settings.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        settings.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        settings.put("FLOWWATCH_TOPOLOGY_PATH", "classpath:demo/topology.yaml");
        settings.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "/etc/flowwatch/jwt.pem");
        settings.put("MP_JWT_VERIFY_ISSUER", Tokens.ISSUER);
        settings.put("MP_JWT_VERIFY_AUDIENCES", Tokens.AUDIENCE);

        // When: the entrypoint, as the image's user, with the image's environment and these settings
        Files.createDirectories(LOG.getParent());
        ProcessBuilder builder = new ProcessBuilder(
                        inImage(texts(config.path("config").path("Entrypoint"))))
                .redirectErrorStream(true)
                .redirectOutput(LOG.toFile());
        builder.environment().clear();
        builder.environment().putAll(settings);
        flowwatch = builder.start();

        // Then
        try {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("flowwatch exited (log " + LOG + ")", () -> !flowwatch.isAlive())
                    .until(() -> status(management, "/q/health/ready", null) == 200);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + tail(LOG), e);
        }
        assertThat(status(management, "/q/health/started", null)).isEqualTo(200);
        assertThat(status(management, "/q/health/live", null)).isEqualTo(200);
        assertThat(status(api, "/api/v1/violations?limit=1", null)).isEqualTo(401);
        assertThat(status(api, "/api/v1/violations?limit=1", ChildAuth.adminHeader()))
                .isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void requireRoot() throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid != 0) {
            fail("starting from the image needs root (chroot and a private /proc), and this build runs as uid " + uid
                    + ": run it as root, or turn that part off with -D" + RUN_PROPERTY + "=false");
        }
    }

    /**
     * The command that runs {@code command} in the unpacked image: a mount and PID namespace of its own with /proc
     * mounted (the JVM finds its libraries through /proc/self/exe), then chroot as the image's user.
     */
    private static List<String> inImage(List<String> command) throws IOException {
        Files.createDirectories(rootfs.resolve("proc"));
        List<String> cmd = new ArrayList<>(List.of(
                tool("unshare"),
                "--mount",
                "--pid",
                "--kill-child",
                "--mount-proc=" + rootfs.resolve("proc"),
                tool("chroot"),
                "--userspec=" + config.path("config").path("User").asText(),
                rootfs.toString()));
        cmd.addAll(command);
        return cmd;
    }

    private static String tool(String name) {
        return Stream.of("/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/")
                .map(dir -> dir + name)
                .filter(path -> Files.isExecutable(Path.of(path)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " not found (Debian package util-linux, coreutils)"));
    }

    private static Path javaOnPath() {
        String path = env().get("PATH");
        Optional<Path> java = Stream.of(path.split(":"))
                .map(dir -> rootfs.resolve(dir.substring(1)).resolve("java"))
                .filter(Files::isRegularFile)
                .findFirst();
        assertThat(java).as("java on the image's PATH " + path).isPresent();
        return java.get();
    }

    private static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : texts(config.path("config").path("Env"))) {
            int eq = entry.indexOf('=');
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }

    private static Path blob(String digest) {
        assertThat(digest).startsWith("sha256:");
        return layout.resolve("blobs/sha256/" + digest.substring(7));
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES))
                .as(String.join(" ", command))
                .isTrue();
        assertThat(process.exitValue())
                .as(String.join(" ", command) + "\n" + output)
                .isZero();
        return output;
    }

    private static int status(int port, String path, String authorization) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static String text(JsonNode node, String... path) {
        JsonNode at = node;
        for (String step : path) {
            at = step.chars().allMatch(Character::isDigit) ? at.path(Integer.parseInt(step)) : at.path(step);
        }
        return at.asText();
    }

    private static List<String> texts(JsonNode array, String... path) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(node -> text(node, path))
                .toList();
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
