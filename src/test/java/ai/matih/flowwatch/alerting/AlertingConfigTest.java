package ai.matih.flowwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.classify.Severity;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
