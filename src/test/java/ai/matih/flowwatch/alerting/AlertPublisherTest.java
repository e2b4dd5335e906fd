package ai.matih.flowwatch.alerting;

import static ai.matih.flowwatch.alerting.AlertTestSupport.ACME_NS;
import static ai.matih.flowwatch.alerting.AlertTestSupport.GLOBEX_NS;
import static ai.matih.flowwatch.alerting.AlertTestSupport.T0;
import static ai.matih.flowwatch.alerting.AlertTestSupport.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.alerting.AlertTestSupport.MutableClock;
import ai.matih.flowwatch.api.TenantAlertRedaction;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AlertPublisherTest {

    private static final String AM = "http://am:9093";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock(T0);
    private final RecordingTransport transport = new RecordingTransport();

    private AlertPublisher publisher(String... properties) {
        Map<String, String> map = new HashMap<>(Map.of("flowwatch.alertmanager.urls", AM));
        for (int i = 0; i < properties.length; i += 2) {
            map.put(properties[i], properties[i + 1]);
        }
        return new AlertPublisher(AlertTestSupport.config(map), registry, new TenantAlertRedaction(), clock, transport);
    }

    private static Violation of(ViolationType type, Severity severity) {
        return AlertTestSupport.violation(
                "v-" + type,
                type,
                severity,
                "acme-corp",
                "globex",
                endpoint(ACME_NS, "acme-corp"),
                endpoint(GLOBEX_NS, "globex"),
                "reason",
                1,
                T0,
                T0);
    }

    private double sent(String result) {
        return registry.get(AlertMetrics.SENT)
                .tag(AlertMetrics.RESULT, result)
                .counter()
                .count();
    }

    static Stream<Arguments> shouldAlertOnlyAtOrAboveMinSeverity() {
        return Stream.of(
                Arguments.of("warning", Severity.CRITICAL, true),
                Arguments.of("warning", Severity.WARNING, true),
                Arguments.of("warning", Severity.INFO, false),
                Arguments.of("critical", Severity.CRITICAL, true),
                Arguments.of("critical", Severity.WARNING, false),
                Arguments.of("info", Severity.INFO, true));
    }

    @ParameterizedTest
    @MethodSource
    void shouldAlertOnlyAtOrAboveMinSeverity(String minSeverity, Severity severity, boolean alerts) {
        // Given
        AlertPublisher publisher = publisher("flowwatch.alertmanager.min-severity", minSeverity);

        // When
        publisher.changed(of(ViolationType.ISOLATION_BREACH, severity), true);

        // Then
        assertThat(publisher.pending().size()).isEqualTo(alerts ? 1 : 0);
    }

    @Test
    void shouldNeverAlertOnBlockedAttemptsByDefault() {
        // Given
        AlertPublisher publisher = publisher();

        // When
        publisher.changed(of(ViolationType.BLOCKED_ATTEMPT, Severity.INFO), true);
        publisher.changed(of(ViolationType.UNCLASSIFIED, Severity.INFO), true);
        publisher.changed(of(ViolationType.UNEXPECTED_DENY, Severity.WARNING), true);

        // Then
        assertThat(publisher.pending().ids()).containsExactly("v-UNEXPECTED_DENY");
    }

    @Test
    void shouldHoldNothingWhenAlertingIsOff() {
        // Given
        AlertPublisher publisher = new AlertPublisher(
                AlertTestSupport.config(Map.of()), registry, new TenantAlertRedaction(), clock, transport);

        // When
        publisher.changed(of(ViolationType.ISOLATION_BREACH, Severity.CRITICAL), true);
        publisher.start();
        publisher.close();

        // Then
        assertThat(publisher.pending().size()).isZero();
        assertThat(publisher.sender()).isNull();
        assertThat(sent("sent") + sent("failed") + sent("dropped")).isZero();
    }

    @Test
    void shouldKeepOnePendingAlertForAThousandChanges() {
        // Given
        AlertPublisher publisher = publisher();

        // When
        for (int i = 1; i <= 1000; i++) {
            publisher.changed(AlertTestSupport.breach("v-1", i, T0, T0.plusMillis(i)), i == 1);
        }
        publisher.sender().tick(clock.instant());

        // Then
        assertThat(publisher.pending().size()).isEqualTo(1);
        assertThat(publisher.pending().get("v-1").version()).isEqualTo(1000);
        assertThat(transport.alertsTo(AM))
                .hasSize(2)
                .allSatisfy(a -> assertThat(a.annotations().get("description")).contains("1000 connection attempts"));
        assertThat(sent("sent")).isEqualTo(2);
    }

    @Test
    void shouldSetEndsAtToLastActivityPlusTheQuietPeriod() {
        // Given
        AlertPublisher publisher = publisher("flowwatch.alertmanager.quiet-period", "10m");
        publisher.changed(AlertTestSupport.breach("v-1", 1, T0.minusSeconds(30), T0.minusSeconds(20)), true);
        clock.advance(Duration.ofMinutes(2));
        publisher.changed(AlertTestSupport.breach("v-1", 2, T0.minusSeconds(30), T0.plusSeconds(100)), false);

        // When
        publisher.sender().tick(clock.instant());

        // Then: received at T0+2m, later than its lastSeen, so it ends 10 minutes after that
        assertThat(transport.alertsTo(AM)).hasSize(2).allSatisfy(a -> {
            assertThat(a.startsAt()).isEqualTo(T0.minusSeconds(30));
            assertThat(a.endsAt()).isEqualTo(T0.plus(Duration.ofMinutes(12)));
        });
    }

    @Test
    void shouldTakeAFutureLastSeenAsTheLastActivity() {
        // Given: the flow's clock is ahead of ours
        AlertPublisher publisher = publisher("flowwatch.alertmanager.quiet-period", "10m");
        publisher.changed(AlertTestSupport.breach("v-1", 1, T0, T0.plusSeconds(60)), true);

        // When
        publisher.sender().tick(clock.instant());

        // Then
        assertThat(transport.alertsTo(AM))
                .hasSize(2)
                .allSatisfy(a -> assertThat(a.endsAt()).isEqualTo(T0.plusSeconds(660)));
    }

    @Test
    void shouldCountOverflowAsDroppedAndStillUpdateHeldAlerts() {
        // Given
        AlertPublisher publisher = publisher("flowwatch.alertmanager.queue-capacity", "3");

        // When
        for (int i = 0; i < 5; i++) {
            publisher.changed(AlertTestSupport.breach("v-" + i, 1, T0, T0), true);
        }
        publisher.changed(AlertTestSupport.breach("v-0", 2, T0, T0), false);

        // Then
        assertThat(publisher.pending().ids()).containsExactlyInAnyOrder("v-0", "v-1", "v-2");
        assertThat(publisher.pending().get("v-0").violation().count()).isEqualTo(2);
        assertThat(sent("dropped")).as("two alerts of each of two violations").isEqualTo(4);
        assertThat(publisher.pending().dropped()).isEqualTo(2);
    }

    @Test
    void shouldRegisterEveryResultAtZeroAndTheActiveGauge() {
        // Given
        AlertPublisher publisher = publisher();

        // When
        publisher.changed(of(ViolationType.ISOLATION_BREACH, Severity.CRITICAL), true);

        // Then
        assertThat(sent("sent")).isZero();
        assertThat(sent("failed")).isZero();
        assertThat(sent("dropped")).isZero();
        assertThat(registry.get(AlertMetrics.ACTIVE).gauge().value()).isEqualTo(1.0);
    }
}
