package ai.matih.flowwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void shouldDoubleUpToTheMaximum() {
        // Given
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

        // When
        var delays = IntStream.rangeClosed(1, 9)
                .mapToObj(backoff::delay)
                .map(Duration::toMillis)
                .toList();

        // Then
        assertThat(delays).containsExactly(500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
    }

    @Test
    void shouldNotOverflowAfterManyFailures() {
        // Given
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

        // When
        Duration delay = backoff.delay(Integer.MAX_VALUE);

        // Then
        assertThat(delay).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldRejectAMaximumBelowTheInitialDelay() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max backoff PT1S");
    }
}
