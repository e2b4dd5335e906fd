package ai.matih.flowwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertmanagerClientTest {

    @TempDir
    Path dir;

    @Test
    void shouldAppendTheApiPath() {
        assertThat(AlertmanagerClient.alertsUri("http://am:9093/")).hasToString("http://am:9093/api/v2/alerts");
        assertThat(AlertmanagerClient.alertsUri("https://am.example.com/prefix"))
                .hasToString("https://am.example.com/prefix/api/v2/alerts");
    }

    @Test
    void shouldRejectUrlsThatCannotWork() {
        assertThatThrownBy(() -> AlertmanagerClient.checkUrl("am:9093"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("am:9093");
        assertThatThrownBy(() -> AlertmanagerClient.checkUrl("http://bad host:9093"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad URL");
    }

    @Test
    void shouldSendNoAuthorizationByDefault() {
        // Given
        AlertingConfig config = AlertTestSupport.config(Map.of());

        // When
        String header = AlertmanagerClient.authorization(config).get();

        // Then
        assertThat(header).isNull();
    }

    @Test
    void shouldSendBasicAuthorization() {
        // Given
        AlertingConfig config = AlertTestSupport.config(Map.of(
                "flowwatch.alertmanager.basic.username", "flowwatch",
                "flowwatch.alertmanager.basic.password", "s3cret"));

        // When
        String header = AlertmanagerClient.authorization(config).get();

        // Then
        assertThat(header)
                .isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString("flowwatch:s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldReadTheTokenFileOnEveryRequest() throws Exception {
        // Given
        Path token = dir.resolve("token");
        Files.writeString(token, "first\n");
        AlertingConfig config =
                AlertTestSupport.config(Map.of("flowwatch.alertmanager.bearer-token-file", token.toString()));
        var authorization = AlertmanagerClient.authorization(config);
        String before = authorization.get();

        // When
        Files.writeString(token, "rotated\n");

        // Then
        assertThat(before).isEqualTo("Bearer first");
        assertThat(authorization.get()).isEqualTo("Bearer rotated");
    }

    @Test
    void shouldRefuseTwoKindsOfAuthorization() {
        // Given
        AlertingConfig config = AlertTestSupport.config(Map.of(
                "flowwatch.alertmanager.basic.username", "flowwatch",
                "flowwatch.alertmanager.bearer-token", "t"));

        // Then
        assertThatThrownBy(() -> AlertmanagerClient.authorization(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only one of");
    }

    @Test
    void shouldRefuseACaFileWithoutCertificates() throws Exception {
        // Given
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, "");
        AlertingConfig config = AlertTestSupport.config(Map.of("flowwatch.alertmanager.tls.ca-file", ca.toString()));

        // Then
        assertThatThrownBy(() -> AlertmanagerClient.sslContext(config.tls()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ca-file");
    }
}
