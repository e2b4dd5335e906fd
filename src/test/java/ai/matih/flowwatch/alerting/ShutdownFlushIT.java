package ai.matih.flowwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.demo.EmbeddedKafkaBroker;
import ai.matih.flowwatch.testing.ChildAuth;
import ai.matih.flowwatch.testing.Loopback;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged flowwatch stopped with SIGTERM, as Kubernetes stops a pod, while an alert is still pending: its
 * Alertmanager was down when the violation came, and the retry is minutes away. At shutdown the alert is delivered
 * (with the cluster's name as label), the last batch's offsets are committed, and the process ends within the shutdown
 * budget ({@code quarkus.shutdown.timeout}). Needs {@code prometheus-alertmanager} installed.
 */
class ShutdownFlushIT {

    private static final Logger LOGGER = Logger.getLogger(ShutdownFlushIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** What Kubernetes should give the pod to stop (terminationGracePeriodSeconds, docs/operations.md). */
    private static final Duration GRACE = Duration.ofSeconds(70);

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker broker;
    private AlertmanagerProcess alertmanager;
    private Process app;

    @AfterEach
    void stop() throws InterruptedException {
        if (app != null && app.isAlive()) {
            app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (alertmanager != null) {
            alertmanager.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aPendingAlertIsDeliveredAtShutdownWithinTheBudget() throws Exception {
        // Given: flowwatch whose Alertmanager is down when a breach comes, retrying only in ten minutes
        broker = EmbeddedKafkaBroker.start(0, 1);
        broker.createTopics(new String[] {"hubble-flows", "calico-flows", "k8s-audit", "flowwatch-dlq"});
        alertmanager = AlertmanagerProcess.start(dir);
        alertmanager.stop();
        int managementPort = Loopback.freePort();
        Map<String, String> settings = new TreeMap<>();
        settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
        settings.put("quarkus.http.port", Integer.toString(Loopback.freePort()));
        settings.put("quarkus.management.port", Integer.toString(managementPort));
        settings.put("flowwatch.topology.path", "classpath:demo/topology.yaml");
        settings.put("flowwatch.demo.enabled", "false");
        settings.put("flowwatch.cluster.name", "eu-test-1");
        settings.put("flowwatch.alertmanager.urls", alertmanager.url());
        settings.put("flowwatch.alertmanager.retry.initial-backoff", "10m");
        settings.put("flowwatch.alertmanager.retry.max-backoff", "10m");
        settings.put("flowwatch.alertmanager.timeout", "5s");
        settings.put("quarkus.log.category.\"org.apache.kafka\".level", "WARN");
        String metrics = "http://127.0.0.1:" + managementPort + "/q/metrics";
        app = start(settings, managementPort);
        produce(hubbleBreach());
        // the first delivery failed: the alert is pending, its retry ten minutes away
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> Files.readString(dir.resolve("flowwatch.log")).contains("retrying with backoff"));
        assertThat(metric(metrics, "flowwatch_alerts_active")).isEqualTo(1.0);
        assertThat(metric(metrics, "flowwatch_alerts_sent_total{result=\"sent\"}"))
                .isZero();
        alertmanager.restart();

        // When: SIGTERM
        Instant stopping = Instant.now();
        app.destroy();
        boolean exited = app.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.between(stopping, Instant.now());
        LOGGER.infof("flowwatch stopped in %d ms after SIGTERM", took.toMillis());

        // Then: it ended in time and the breach's alerts (one per tenant it involves) are in Alertmanager, labelled
        // with the cluster
        assertThat(exited).as("exited within %s", GRACE).isTrue();
        List<JsonNode> alerts = alertmanager.alerts("active=true");
        assertThat(alerts)
                .extracting(a -> a.path("labels").path("side").asText())
                .containsExactlyInAnyOrder("source", "destination");
        assertThat(alerts).allSatisfy(a -> {
            assertThat(a.path("labels").path("alertname").asText()).isEqualTo("FlowwatchIsolationBreach");
            assertThat(a.path("labels").path("cluster").asText()).isEqualTo("eu-test-1");
        });
        assertThat(Files.readString(dir.resolve("flowwatch.log"))).contains("stopped in");
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("flowwatch")
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            assertThat(committed.get(new TopicPartition("hubble-flows", 0)))
                    .as("the breach's offset committed")
                    .isNotNull()
                    .extracting(OffsetAndMetadata::offset)
                    .isEqualTo(1L);
        }
    }

    private Process start(Map<String, String> settings, int managementPort) throws IOException {
        Path jar = Path.of(System.getProperty("flowwatch.app.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw verify (the package phase builds it)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(ChildAuth.jvmArgs());
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        Process process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("flowwatch.log").toFile())
                .start();
        try {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .failFast("flowwatch exited", () -> !process.isAlive())
                    .until(() -> Loopback.status("http://127.0.0.1:" + managementPort + "/q/health/ready") == 200);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "flowwatch not ready: " + Files.readString(dir.resolve("flowwatch.log")), e);
        }
        return process;
    }

    private void produce(byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all"))) {
            producer.send(new ProducerRecord<>("hubble-flows", value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** A forwarded connection from globex's api to acme-corp's database: an isolation breach (critical). */
    private static byte[] hubbleBreach() throws IOException {
        String now = Instant.now().toString();
        Map<String, Object> flow = new HashMap<>();
        flow.put("time", now);
        flow.put("verdict", "FORWARDED");
        flow.put("IP", Map.of("source", "10.244.2.10", "destination", "10.244.1.12", "ipVersion", "IPv4"));
        flow.put(
                "l4",
                Map.of("TCP", Map.of("source_port", 40000, "destination_port", 5432, "flags", Map.of("SYN", true))));
        flow.put(
                "source",
                Map.of(
                        "namespace",
                        "matih-data-plane-globex",
                        "pod_name",
                        "api-7d9f8c6b5-x2a2b",
                        "labels",
                        List.of("k8s:app=api"),
                        "workloads",
                        List.of(Map.of("name", "api", "kind", "Deployment"))));
        flow.put(
                "destination",
                Map.of(
                        "namespace",
                        "matih-data-plane-acme-corp",
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

    private static double metric(String url, String series) throws IOException, InterruptedException {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        double sum = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
