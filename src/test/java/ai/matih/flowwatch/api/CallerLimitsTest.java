package ai.matih.flowwatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallerLimitsTest {

    @Test
    void aCallerAtItsLimitIsRefusedWithRetryAfterWhileOthersAreServed() {
        // Given
        CallerLimits limits = new CallerLimits("streams open", 3, 2, 7);
        limits.acquire("tenant:a");
        limits.acquire("tenant:a");
        // When / Then
        assertThatThrownBy(() -> limits.acquire("tenant:a")).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.toProblem().status()).isEqualTo(429);
            assertThat(e.retryAfterSeconds()).isEqualTo(7);
        });
        assertThat(limits.acquire("tenant:b")).isNotNull();
        assertThat(limits.held()).isEqualTo(3);
    }

    @Test
    void beyondTheGlobalLimitEveryCallerIsRefusedAndNothingLeaks() {
        // Given
        CallerLimits limits = new CallerLimits("evaluations running", 2, 2, 1);
        CallerLimits.Permit a = limits.acquire("tenant:a");
        limits.acquire("tenant:b");
        // When / Then
        assertThatThrownBy(() -> limits.acquire("tenant:c")).isInstanceOf(ProblemException.class);
        assertThat(limits.held()).isEqualTo(2);
        assertThat(limits.held("tenant:c")).isZero();
    }

    @Test
    void aPermitReleasedTwiceCountsOnce() {
        // Given
        CallerLimits limits = new CallerLimits("streams open", 5, 5, 1);
        CallerLimits.Permit p = limits.acquire("tenant:a");
        limits.acquire("tenant:a");
        // When
        p.release();
        p.release();
        // Then
        assertThat(limits.held()).isEqualTo(1);
        assertThat(limits.held("tenant:a")).isEqualTo(1);
    }
}
