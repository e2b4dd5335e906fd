package ai.matih.flowwatch.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Posts alerts to Alertmanager's API v2 with the JDK's {@link HttpClient}: no extra dependency, blocking calls that
 * suit the one sender thread (never an event loop), per-request timeouts, and TLS from a plain {@link SSLContext}.
 */
final class AlertmanagerClient implements AlertTransport {

    static final String API_PATH = "/api/v2/alerts";
    private static final int MAX_ERROR_TEXT = 200;

    private final HttpClient http;
    private final Duration timeout;
    private final Supplier<String> authorization;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    AlertmanagerClient(AlertingConfig config) {
        config.targets().forEach(AlertmanagerClient::checkUrl);
        checkSafe(config);
        this.timeout = config.timeout();
        this.authorization = authorization(config);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(sslContext(config.tls()))
                .build();
    }

    @Override
    public void post(String baseUrl, List<Alert> alerts) throws DeliveryException {
        byte[] body;
        try {
            body = json.writeValueAsBytes(alerts);
        } catch (JsonProcessingException e) {
            throw new DeliveryException("cannot write alerts as JSON: " + e.getOriginalMessage(), e);
        }
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(alertsUri(baseUrl))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        } catch (IllegalArgumentException e) {
            throw new DeliveryException("bad Alertmanager URL: " + e.getMessage(), e);
        }
        try {
            String auth = authorization.get();
            if (auth != null) {
                request.header("Authorization", auth);
            }
        } catch (IllegalStateException e) {
            throw new DeliveryException(e.getMessage(), e);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DeliveryException(
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted", e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String text = response.body() == null ? "" : response.body().strip();
            if (text.length() > MAX_ERROR_TEXT) {
                text = text.substring(0, MAX_ERROR_TEXT) + "…";
            }
            // A 4xx other than 408 and 429 says the request itself is wrong (bad alerts, credentials): no retry.
            boolean retryable = status / 100 != 4 || status == 408 || status == 429;
            throw new DeliveryException("HTTP " + status + (text.isEmpty() ? "" : ": " + text), retryable);
        }
    }

    /** {@code <base>/api/v2/alerts}. */
    static URI alertsUri(String baseUrl) {
        String base = baseUrl.trim();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + API_PATH);
    }

    /** Fails at start on a URL that could never work, rather than on every delivery. */
    static void checkUrl(String baseUrl) {
        URI uri;
        try {
            uri = alertsUri(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "flowwatch.alertmanager.urls: bad URL " + baseUrl + ": " + e.getMessage(), e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "flowwatch.alertmanager.urls: " + baseUrl + " is not an http:// or https:// URL with a host");
        }
    }

    /**
     * Fails at start on settings that would give credentials or alerts away: credentials (basic, bearer token or
     * token file) towards a plain {@code http://} URL, where anyone on the path reads them, and
     * {@code tls.insecure-skip-verify} without its confirming second switch.
     */
    static void checkSafe(AlertingConfig config) {
        String credential = AlertingConfig.isSet(config.basic().username())
                ? "basic.username"
                : AlertingConfig.isSet(config.bearerToken())
                        ? "bearer-token"
                        : AlertingConfig.isSet(config.bearerTokenFile()) ? "bearer-token-file" : null;
        if (credential != null) {
            for (String url : config.targets()) {
                URI uri = alertsUri(url);
                if ("http".equalsIgnoreCase(uri.getScheme())) {
                    throw new IllegalArgumentException("flowwatch.alertmanager." + credential + " is set but the "
                            + "Alertmanager URL for host " + uri.getHost() + " is plain http://: the credentials "
                            + "would cross the network in clear text. Use an https:// URL.");
                }
            }
        }
        if (config.tls().insecureSkipVerify() && !config.tls().insecureSkipVerifyConfirmed()) {
            throw new IllegalArgumentException("flowwatch.alertmanager.tls.insecure-skip-verify=true accepts any "
                    + "server certificate, so anyone on the path can read the alerts (and credentials). Trust the "
                    + "server's CA with flowwatch.alertmanager.tls.ca-file instead; for a test set-up, confirm with "
                    + "flowwatch.alertmanager.tls.insecure-skip-verify-confirmed=true.");
        }
    }

    /** The Authorization header value (re-reading a token file on each call), or a supplier of null for none. */
    static Supplier<String> authorization(AlertingConfig config) {
        boolean basic = AlertingConfig.isSet(config.basic().username());
        boolean token = AlertingConfig.isSet(config.bearerToken());
        boolean tokenFile = AlertingConfig.isSet(config.bearerTokenFile());
        if ((basic ? 1 : 0) + (token ? 1 : 0) + (tokenFile ? 1 : 0) > 1) {
            throw new IllegalArgumentException(
                    "flowwatch.alertmanager: set only one of basic.username, bearer-token " + "and bearer-token-file");
        }
        if (basic) {
            String password = AlertingConfig.isSet(config.basic().password())
                    ? config.basic().password()
                    : "";
            String value = "Basic "
                    + Base64.getEncoder()
                            .encodeToString(
                                    (config.basic().username() + ":" + password).getBytes(StandardCharsets.UTF_8));
            return () -> value;
        }
        if (token) {
            String value = "Bearer " + config.bearerToken().trim();
            return () -> value;
        }
        if (tokenFile) {
            Path file = Path.of(config.bearerTokenFile().trim());
            return () -> {
                try {
                    return "Bearer "
                            + Files.readString(file, StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read the bearer token file " + file + ": " + e, e);
                }
            };
        }
        return () -> null;
    }

    /** The TLS context: the JVM's trust, a PEM CA file, or (for tests) trust in anything. */
    static SSLContext sslContext(AlertingConfig.Tls tls) {
        try {
            if (tls.insecureSkipVerify()) {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustAll()}, null);
                return context;
            }
            if (!AlertingConfig.isSet(tls.caFile())) {
                return SSLContext.getDefault();
            }
            Path file = Path.of(tls.caFile().trim());
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(file)) {
                int i = 0;
                for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, cert);
                }
                if (i == 0) {
                    throw new IllegalArgumentException(
                            "flowwatch.alertmanager.tls.ca-file " + file + " holds no certificate");
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("flowwatch.alertmanager.tls: cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Accepts every certificate. Being an {@link X509ExtendedTrustManager}, it also takes over the host name check,
     * which it skips.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
