package ai.matih.flowwatch.alerting;

import static ai.matih.flowwatch.alerting.AlertTestSupport.T0;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.alerting.AlertTestSupport.MutableClock;
import ai.matih.flowwatch.api.TenantAlertRedaction;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.ViolationType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertSenderTest {

    private static final String AM0 = "http://am-0:9093";
    private static final String AM1 = "http://am-1:9093";
    private static final Duration QUIET = Duration.ofMinutes(10);
    private static final Duration RESEND = Duration.ofMinutes(1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock(T0);
    private final RecordingTransport transport = new RecordingTransport();
    private final PendingAlerts pending = new PendingAlerts(100);
    private final AlertMetrics metrics = new AlertMetrics(registry, pending::size);

    private AlertSender sender(int batchSize, int maxAttempts, String... urls) {
        return new AlertSender(
                pending,
                new AlertMapper("http://flowwatch:8080", "runbook.md", new TenantAlertRedaction()),
                transport,
                metrics,
                List.of(urls),
                QUIET,
                RESEND,
                batchSize,
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)),
                maxAttempts);
    }

    /** Raises a violation of one tenant (acme-corp's unexpected egress): one alert. */
    private void raise(String id, long count) {
        pending.offer(
                AlertTestSupport.violation(
                        id,
                        ViolationType.UNEXPECTED_EGRESS,
                        Severity.CRITICAL,
                        "acme-corp",
                        null,
                        AlertTestSupport.endpoint(AlertTestSupport.ACME_NS, "acme-corp"),
                        new EndpointView(null, null, null, "203.0.113.7", null, "external", true, null),
                        "acme-corp → 203.0.113.7:443",
                        count,
                        T0,
                        T0),
                clock.instant());
    }

    /** Raises a breach from acme-corp to globex: one alert for each tenant. */
    private void raiseBreach(String id) {
        pending.offer(AlertTestSupport.breach(id, 1, T0, T0), clock.instant());
    }

    private double sent(String result) {
        return registry.get(AlertMetrics.SENT)
                .tag(AlertMetrics.RESULT, result)
                .counter()
                .count();
    }

    /** Ticks every 100 ms for the given time, recording when each attempt happened. */
    private List<Duration> runFor(AlertSender sender, Duration total) {
        List<Duration> attemptsAt = new ArrayList<>();
        for (long ms = 0; ms <= total.toMillis(); ms += 100) {
            int before = transport.attempts.size();
            sender.tick(clock.instant());
            if (transport.attempts.size() > before) {
                attemptsAt.add(Duration.between(T0, clock.instant()));
            }
            clock.advance(Duration.ofMillis(100));
        }
        return attemptsAt;
    }

    @Test
    void shouldBatchTheDueAlerts() {
        // Given
        AlertSender sender = sender(2, 5, AM0);
        for (int i = 0; i < 5; i++) {
            raise("v-" + i, 1);
        }

        // When
        sender.tick(clock.instant());

        // Then
        assertThat(transport.posts).extracting(p -> p.alerts().size()).containsExactly(2, 2, 1);
        assertThat(sent("sent")).isEqualTo(5);
    }

    @Test
    void shouldBatchTheAlertsOfEachTenantOfAViolationTogether() {
        // Given: three breaches of two tenants each, four alerts to a request
        AlertSender sender = sender(4, 5, AM0);
        for (int i = 0; i < 3; i++) {
            raiseBreach("v-" + i);
        }

        // When
        sender.tick(clock.instant());

        // Then
        assertThat(transport.posts).extracting(p -> p.alerts().size()).containsExactly(4, 2);
        assertThat(transport.alertsTo(AM0))
                .extracting(a -> a.labels().get("tenant") + "/" + a.labels().get("side"))
                .containsExactly(
                        "acme-corp/source",
                        "globex/destination",
                        "acme-corp/source",
                        "globex/destination",
                        "acme-corp/source",
                        "globex/destination");
        assertThat(sent("sent")).isEqualTo(6);
    }

    @Test
    void shouldCountEachAlertOfAViolationGivenUp() {
        // Given
        AlertSender sender = sender(100, 5, AM0);
        transport.refusing.add(AM0);
        raiseBreach("v-1");

        // When
        runFor(sender, Duration.ofSeconds(1));

        // Then
        assertThat(sent("failed")).isEqualTo(2);
    }

    @Test
    void shouldSendUnchangedAlertsAgainOnlyAfterTheResendInterval() {
        // Given
        AlertSender sender = sender(100, 5, AM0);
        raise("v-1", 1);
        sender.tick(clock.instant());

        // When
        clock.advance(RESEND.minusSeconds(1));
        sender.tick(clock.instant());
        int beforeResend = transport.posts.size();
        clock.advance(Duration.ofSeconds(1));
        sender.tick(clock.instant());

        // Then
        assertThat(beforeResend).isEqualTo(1);
        assertThat(transport.posts).hasSize(2);
        assertThat(transport.posts.get(1).alerts().get(0))
                .isEqualTo(transport.posts.get(0).alerts().get(0));
    }

    @Test
    void shouldSendAChangeAtTheNextTick() {
        // Given
        AlertSender sender = sender(100, 5, AM0);
        raise("v-1", 1);
        sender.tick(clock.instant());

        // When
        clock.advance(Duration.ofSeconds(1));
        raise("v-1", 2);
        sender.tick(clock.instant());

        // Then
        assertThat(transport.alertsTo(AM0))
                .hasSize(2)
                .extracting(Alert::labels)
                .containsOnly(transport.alertsTo(AM0).get(0).labels());
    }

    @Test
    void shouldResolveOnceAfterTheQuietPeriodAndForget() {
        // Given
        AlertSender sender = sender(100, 5, AM0);
        raise("v-1", 1);
        sender.tick(clock.instant());
        transport.clear();

        // When
        clock.advance(QUIET);
        sender.tick(clock.instant());
        clock.advance(RESEND);
        sender.tick(clock.instant());

        // Then
        assertThat(transport.alertsTo(AM0))
                .singleElement()
                .satisfies(a -> assertThat(a.endsAt()).isEqualTo(T0.plus(QUIET)));
        assertThat(pending.size()).isZero();
    }

    @Test
    void shouldRetryAGivenUpActiveAlertAtTheNextResend() {
        // Given
        AlertSender sender = sender(100, 2, AM0);
        transport.down.add(AM0);
        raise("v-1", 1);
        runFor(sender, Duration.ofSeconds(1));
        transport.down.clear();

        // When
        clock.advance(RESEND);
        sender.tick(clock.instant());

        // Then
        assertThat(sent("failed")).isEqualTo(1);
        assertThat(transport.alertsTo(AM0)).hasSize(1);
    }

    @Test
    void shouldBackOffExponentiallyThenGiveUpAndCountFailed() {
        // Given
        AlertSender sender = sender(100, 5, AM0);
        transport.down.add(AM0);
        raise("v-1", 1);
        raise("v-2", 1);

        // When
        List<Duration> attempts = runFor(sender, Duration.ofSeconds(20));

        // Then: 0, +0.5s, +1s, +2s, +4s, then give up until the next resend
        assertThat(attempts)
                .containsExactly(
                        Duration.ZERO,
                        Duration.ofMillis(500),
                        Duration.ofMillis(1500),
                        Duration.ofMillis(3500),
                        Duration.ofMillis(7500));
        assertThat(sent("failed")).isEqualTo(2);
        assertThat(sent("sent")).isZero();
    }

    @Test
    void shouldGiveUpAtOnceOnARequestTheAlertmanagerRefuses() {
        // Given
        AlertSender sender = sender(100, 5, AM0);
        transport.refusing.add(AM0);
        raise("v-1", 1);

        // When
        List<Duration> attempts = runFor(sender, Duration.ofSeconds(10));

        // Then
        assertThat(attempts).containsExactly(Duration.ZERO);
        assertThat(sent("failed")).isEqualTo(1);
    }

    @Test
    void shouldDeliverWhenTheAlertmanagerComesBack() {
        // Given
        AlertSender sender = sender(100, 5, AM0);
        transport.down.add(AM0);
        raise("v-1", 1);
        runFor(sender, Duration.ofSeconds(2));

        // When
        transport.down.clear();
        runFor(sender, Duration.ofSeconds(3));

        // Then
        assertThat(transport.alertsTo(AM0)).hasSize(1);
        assertThat(sent("sent")).isEqualTo(1);
        assertThat(sent("failed")).isZero();
    }

    @Test
    void shouldSendToEveryMemberOfAnHaPairIndependently() {
        // Given
        AlertSender sender = sender(100, 5, AM0, AM1);
        transport.down.add(AM1);
        raise("v-1", 1);

        // When
        runFor(sender, Duration.ofSeconds(2));
        raise("v-1", 2);
        runFor(sender, Duration.ofSeconds(1));

        // Then: AM0 got both versions promptly although AM1 was failing
        assertThat(transport.alertsTo(AM0)).hasSize(2);
        assertThat(transport.alertsTo(AM1)).isEmpty();
        assertThat(sent("sent")).isEqualTo(2);
    }

    @Test
    void shouldForgetAResolvedAlertOnceEveryAlertmanagerHasItOrWasGivenUp() {
        // Given
        AlertSender sender = sender(100, 1, AM0, AM1);
        raise("v-1", 1);
        sender.tick(clock.instant());
        transport.down.add(AM1);

        // When
        clock.advance(QUIET);
        sender.tick(clock.instant());

        // Then: with one attempt, AM1's resolve is given up at once, so the alert is forgotten
        assertThat(sent("failed")).isEqualTo(1);
        assertThat(pending.size()).isZero();
    }

    @Test
    void shouldKeepAResolvedAlertWhileRetryingAndDropItOnceDelivered() {
        // Given
        AlertSender sender = sender(100, 5, AM0, AM1);
        raise("v-1", 1);
        sender.tick(clock.instant());
        transport.down.add(AM1);
        clock.advance(QUIET);
        sender.tick(clock.instant());
        int heldWhileAm1Down = pending.size();

        // When
        transport.down.clear();
        clock.advance(Duration.ofSeconds(1));
        sender.tick(clock.instant());

        // Then
        assertThat(heldWhileAm1Down).isEqualTo(1);
        assertThat(pending.size()).isZero();
        Instant endsAt = T0.plus(QUIET);
        assertThat(transport.alertsTo(AM1))
                .last()
                .satisfies(a -> assertThat(a.endsAt()).isEqualTo(endsAt));
    }

    @Test
    void shouldNotForgetAnAlertThatChangedMeanwhile() {
        // Given
        AlertSender sender = sender(100, 5, AM0);
        raise("v-1", 1);
        sender.tick(clock.instant());
        clock.advance(QUIET);

        // When: the resolve is racing with a new report
        var snapshot = pending.get("v-1");
        raise("v-1", 2);
        boolean forgotten = pending.forget("v-1", snapshot.version());

        // Then
        assertThat(forgotten).isFalse();
        assertThat(pending.get("v-1").violation().count()).isEqualTo(2);
    }
}
