package ai.matih.flowwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.testing.ChildAuth;
import ai.matih.flowwatch.testing.Loopback;
import ai.matih.flowwatch.testing.TlsKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged service, pointed at a TLS-only Kafka listener with a truststore that does not trust the broker,
 * refuses to start and says why (issue 7: "fails to start, with a clear message, when the truststore is wrong").
 */
class KafkaTlsStartupIT {

    @Test
    void thePackagedServiceRefusesToStartWithAWrongTruststore() throws Exception {
        // Given
        Path jar = Path.of(System.getProperty("flowwatch.app.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar)
                .as("the packaged application (built by the package phase)")
                .isRegularFile();
        Path log = Files.createDirectories(Path.of("target", "faults")).resolve("wrong-truststore.log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dkafka.bootstrap.servers=" + TlsKafkaBroker.bootstrapServers(),
                "-Dkafka.security.protocol=SSL",
                "-Dkafka.ssl.truststore.location=" + TlsKafkaBroker.wrongTruststore(),
                "-Dkafka.ssl.truststore.password=" + TlsKafkaBroker.PASSWORD,
                "-Dkafka.ssl.truststore.type=PKCS12",
                "-Dflowwatch.topology.path=classpath:demo/topology.yaml",
                "-Dflowwatch.demo.enabled=false",
                "-Dquarkus.http.port=" + Loopback.freePort(),
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.port=" + Loopback.freePort(),
                "-Dquarkus.management.host=127.0.0.1"));
        cmd.addAll(ChildAuth.jvmArgs());
        cmd.addAll(List.of("-jar", jar.toString()));
        // When
        Process process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean exited = process.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        // Then
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(exited)
                .as("the service should stop by itself; output:%n%s", output)
                .isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(output)
                .contains("cannot reach Kafka at " + TlsKafkaBroker.bootstrapServers())
                .contains("TLS handshake failed");
    }
}
