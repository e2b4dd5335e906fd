package ai.matih.flowwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ai.matih.flowwatch.api.TenantAlertRedaction;
import ai.matih.flowwatch.violation.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AlertingConfigTest {

    @Test
    void shouldDefaultToAlertingOff() {
        // Given
        AlertingConfig config = AlertTestSupport.config(Map.of());

        // When
        boolean active = config.active();

        // Then
        assertThat(active).isFalse();
        assertThat(config.targets()).isEmpty();
        assertThat(config.enabled()).isTrue();
        assertThat(config.minSeverity()).isEqualTo(Severity.WARNING);
        assertThat(config.quietPeriod()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.resendInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.batchSize()).isEqualTo(100);
        assertThat(config.queueCapacity()).isEqualTo(10_000);
        assertThat(config.retry().initialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.retry().maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.retry().maxAttempts()).isEqualTo(5);
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.externalUrl()).isEqualTo("http://localhost:8080");
        assertThat(config.runbookUrl()).isEqualTo("https://github.com/matih-ai/flowwatch/blob/main/alerts/runbook.md");
        assertThat(config.tls().insecureSkipVerify()).isFalse();
        assertThat(config.tls().insecureSkipVerifyConfirmed()).isFalse();
        assertThat(AlertingConfig.isSet(config.tls().caFile())).isFalse();
        assertThat(AlertingConfig.isSet(config.basic().username())).isFalse();
        assertThat(AlertingConfig.isSet(config.bearerToken())).isFalse();
        assertThat(AlertingConfig.isSet(config.bearerTokenFile())).isFalse();
    }

    @Test
    void shouldReadAnHaPairAndCustomValues() {
        // Given
        AlertingConfig config = AlertTestSupport.config(Map.of(
                "flowwatch.alertmanager.urls", "http://am-0:9093, http://am-1:9093/",
                "flowwatch.alertmanager.min-severity", "critical",
                "flowwatch.alertmanager.quiet-period", "3s",
                "flowwatch.alertmanager.retry.max-attempts", "2"));

        // When
        boolean active = config.active();

        // Then
        assertThat(active).isTrue();
        assertThat(config.targets()).containsExactly("http://am-0:9093", "http://am-1:9093/");
        assertThat(config.minSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(config.quietPeriod()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.retry().maxAttempts()).isEqualTo(2);
    }

    @Test
    void shouldStayOffWhenDisabledEvenWithUrls() {
        // Given
        AlertingConfig config = AlertTestSupport.config(Map.of(
                "flowwatch.alertmanager.urls", "http://am:9093",
                "flowwatch.alertmanager.enabled", "false"));

        // When
        boolean active = config.active();

        // Then
        assertThat(active).isFalse();
    }

    static Stream<Arguments> startupSafety() {
        String user = "flowwatch.alertmanager.basic.username";
        String skip = "flowwatch.alertmanager.tls.insecure-skip-verify";
        String confirmed = "flowwatch.alertmanager.tls.insecure-skip-verify-confirmed";
        return Stream.of(
                arguments("plain http without credentials", Map.of(), "http://am:9093", null),
                arguments("basic credentials over https", Map.of(user, "fw"), "https://am:9093", null),
                arguments(
                        "basic credentials over http",
                        Map.of(user, "fw"),
                        "http://am:9093",
                        "flowwatch.alertmanager.basic.username is set but the Alertmanager URL for host am is plain"),
                arguments(
                        "a bearer token over http",
                        Map.of("flowwatch.alertmanager.bearer-token", "t"),
                        "HTTP://am:9093",
                        "flowwatch.alertmanager.bearer-token is set"),
                arguments(
                        "a token file over http, one of two URLs",
                        Map.of("flowwatch.alertmanager.bearer-token-file", "/var/run/token"),
                        "https://am-0:9093,http://am-1:9093",
                        "flowwatch.alertmanager.bearer-token-file is set"),
                arguments(
                        "insecure-skip-verify alone",
                        Map.of(skip, "true"),
                        "https://am:9093",
                        "insecure-skip-verify-confirmed=true"),
                arguments(
                        "insecure-skip-verify confirmed",
                        Map.of(skip, "true", confirmed, "true"),
                        "https://am:9093",
                        null),
                arguments(
                        "the confirmation alone changes nothing", Map.of(confirmed, "true"), "https://am:9093", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("startupSafety")
    void shouldRefuseAtStartWhatWouldGiveCredentialsOrAlertsAway(
            String scenario, Map<String, String> settings, String urls, String refusal) {
        // Given
        Map<String, String> properties = new HashMap<>(settings);
        properties.put("flowwatch.alertmanager.urls", urls);
        AlertingConfig config = AlertTestSupport.config(properties);

        // When / Then
        if (refusal == null) {
            assertThatCode(() -> new AlertmanagerClient(config)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> new AlertmanagerClient(config))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(refusal);
        }
    }

    @Test
    void shouldRefuseTheAlertingOfTheApplicationWithCredentialsOverPlainHttp() {
        // Given
        AlertingConfig config = AlertTestSupport.config(Map.of(
                "flowwatch.alertmanager.urls", "http://am:9093",
                "flowwatch.alertmanager.basic.username", "fw",
                "flowwatch.alertmanager.basic.password", "s3cret"));

        // When / Then: the publisher (built at start) refuses, and the message never shows the password
        assertThatThrownBy(() -> new AlertPublisher(config, new SimpleMeterRegistry(), new TenantAlertRedaction()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clear text")
                .hasMessageNotContaining("s3cret");
    }
}
