package ai.matih.flowwatch.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.junit.jupiter.api.Test;

/** The API may be open in dev mode only. */
class SecurityStartupTest {

    private static final SecurityConfig OPEN = new SecurityConfig() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public String tenantClaim() {
            return "tenant";
        }

        @Override
        public String adminRole() {
            return "flowwatch-admin";
        }
    };

    @Test
    void refusesToStartWithAnOpenApiOutsideDevMode() {
        assertThatThrownBy(() -> SecurityStartup.check(OPEN, LaunchMode.NORMAL, null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("flowwatch.security.enabled=false is allowed in dev mode only");
        assertThatThrownBy(() -> SecurityStartup.check(OPEN, LaunchMode.TEST, null))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void startsOpenInDevModeWithAWarning() {
        assertThatCode(() -> SecurityStartup.check(OPEN, LaunchMode.DEVELOPMENT, null)).doesNotThrowAnyException();
    }
}
