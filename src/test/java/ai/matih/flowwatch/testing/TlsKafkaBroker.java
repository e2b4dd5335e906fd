package ai.matih.flowwatch.testing;

import ai.matih.flowwatch.demo.DemoTopics;
import ai.matih.flowwatch.demo.EmbeddedKafkaBroker;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An embedded Kafka broker with a TLS-only client listener, its certificate made in the test with the JDK's keytool
 * (self-signed for 127.0.0.1, valid two days), and two truststores: one trusting it, one trusting an unrelated
 * certificate. Started once per JVM (shared across Quarkus class loaders through system properties) and closed at
 * exit.
 */
public final class TlsKafkaBroker {

    public static final String PASSWORD = "changeit";
    private static final String BOOTSTRAP = "flowwatch.test.kafka-tls.bootstrap-servers";
    private static final String DIR = "flowwatch.test.kafka-tls.dir";

    private TlsKafkaBroker() {}

    /** {@code bootstrap.servers} of the TLS-only listener, starting the broker on first use. */
    public static String bootstrapServers() {
        synchronized (System.class) {
            if (System.getProperty(BOOTSTRAP) == null) {
                start();
            }
            return System.getProperty(BOOTSTRAP);
        }
    }

    /** The truststore (PKCS12, password {@value #PASSWORD}) that trusts the broker's certificate. */
    public static Path truststore() {
        bootstrapServers();
        return Path.of(System.getProperty(DIR), "truststore.p12");
    }

    /** A truststore (PKCS12, password {@value #PASSWORD}) that trusts only an unrelated certificate. */
    public static Path wrongTruststore() {
        bootstrapServers();
        return Path.of(System.getProperty(DIR), "wrong-truststore.p12");
    }

    /** Kafka client settings ({@code kafka.*} keys without the prefix) for TLS with this truststore. */
    public static Map<String, Object> clientConfig(Path truststore) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers());
        config.put("security.protocol", "SSL");
        config.put("ssl.truststore.location", truststore.toString());
        config.put("ssl.truststore.password", PASSWORD);
        config.put("ssl.truststore.type", "PKCS12");
        return config;
    }

    private static void start() {
        try {
            Path dir = Files.createTempDirectory("flowwatch-kafka-tls-");
            Path keystore = dir.resolve("broker.p12");
            keytool(dir, "broker", keystore);
            truststore(keystore, "broker", dir.resolve("truststore.p12"));
            Path other = dir.resolve("other.p12");
            keytool(dir, "other", other);
            truststore(other, "other", dir.resolve("wrong-truststore.p12"));
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startWithTls(
                    3,
                    Map.of(
                            "ssl.keystore.location",
                            keystore.toString(),
                            "ssl.keystore.password",
                            PASSWORD,
                            "ssl.key.password",
                            PASSWORD,
                            "ssl.keystore.type",
                            "PKCS12"));
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-tls-stop"));
            EmbeddedKafkaBroker.createTopics(broker.bootstrapServers(), DemoTopics.ALL.toArray(String[]::new));
            System.setProperty(DIR, dir.toString());
            System.setProperty(BOOTSTRAP, broker.tlsBootstrapServers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(Path dir, String alias, Path keystore) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(
                        keytool.toString(),
                        "-genkeypair",
                        "-alias",
                        alias,
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-dname",
                        "CN=localhost",
                        "-validity",
                        "2",
                        "-ext",
                        "san=ip:127.0.0.1,dns:localhost",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        PASSWORD,
                        "-keypass",
                        PASSWORD))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void truststore(Path keystore, String alias, Path truststore) throws IOException {
        try (InputStream in = Files.newInputStream(keystore);
                OutputStream out = Files.newOutputStream(truststore)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD.toCharArray());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(alias, keys.getCertificate(alias));
            trust.store(out, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** A test profile: flowwatch reads Kafka over the TLS-only listener only, through the documented keys. */
    public static final class Profile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "kafka.bootstrap.servers",
                    bootstrapServers(),
                    "kafka.security.protocol",
                    "SSL",
                    "kafka.ssl.truststore.location",
                    truststore().toString(),
                    "kafka.ssl.truststore.password",
                    PASSWORD,
                    "kafka.ssl.truststore.type",
                    "PKCS12");
        }
    }
}
