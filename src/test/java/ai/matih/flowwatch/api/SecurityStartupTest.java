package ai.matih.flowwatch.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The API may be open in dev mode only, and tokens must be pinned to an issuer and an audience outside dev mode. */
class SecurityStartupTest {

    private static final SecurityConfig OPEN = config(false);
    private static final SecurityConfig SECURED = config(true);
    private static final String KEY = "mp.jwt.verify.publickey.location";
    private static final String ISSUER = "mp.jwt.verify.issuer";
    private static final String AUDIENCES = "mp.jwt.verify.audiences";

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
        assertThatCode(() -> SecurityStartup.check(OPEN, LaunchMode.DEVELOPMENT, null))
                .doesNotThrowAnyException();
    }

    static Stream<Arguments> tokenPinning() {
        String key = "security/test-public-key.pem";
        String issuer = "https://issuer.example";
        return Stream.of(
                arguments(
                        "key, issuer and audience",
                        LaunchMode.NORMAL,
                        Map.of(KEY, key, ISSUER, issuer, AUDIENCES, "flowwatch"),
                        null),
                arguments(
                        "a key without issuer and audience",
                        LaunchMode.NORMAL,
                        Map.of(KEY, key),
                        "does not pin mp.jwt.verify.issuer and mp.jwt.verify.audiences"),
                arguments(
                        "a key without audience",
                        LaunchMode.NORMAL,
                        Map.of(KEY, key, ISSUER, issuer),
                        "does not pin mp.jwt.verify.audiences:"),
                arguments(
                        "a key without issuer",
                        LaunchMode.NORMAL,
                        Map.of(KEY, key, AUDIENCES, "flowwatch"),
                        "does not pin mp.jwt.verify.issuer:"),
                arguments(
                        "a blank issuer",
                        LaunchMode.NORMAL,
                        Map.of(KEY, key, ISSUER, " ", AUDIENCES, "flowwatch"),
                        "does not pin mp.jwt.verify.issuer:"),
                arguments(
                        "no key, no issuer, no audience",
                        LaunchMode.NORMAL,
                        Map.of(),
                        "does not pin mp.jwt.verify.issuer and mp.jwt.verify.audiences"),
                arguments(
                        "a test run without audience",
                        LaunchMode.TEST,
                        Map.of(KEY, key, ISSUER, issuer),
                        "does not pin mp.jwt.verify.audiences"),
                arguments(
                        "dev mode without issuer and audience (a warning)",
                        LaunchMode.DEVELOPMENT,
                        Map.of(KEY, key),
                        null),
                arguments(
                        "issuer and audience without a key (every request refused)",
                        LaunchMode.NORMAL,
                        Map.of(ISSUER, issuer, AUDIENCES, "flowwatch"),
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenPinning")
    void refusesTokensOfAnyIssuerOrAudienceOutsideDevMode(
            String scenario, LaunchMode mode, Map<String, String> settings, String refusal) {
        // Given
        Config all = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(settings, "test", 100))
                .build();
        // When / Then
        if (refusal == null) {
            assertThatCode(() -> SecurityStartup.check(SECURED, mode, all)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> SecurityStartup.check(SECURED, mode, all))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(refusal);
        }
    }

    private static SecurityConfig config(boolean enabled) {
        return new SecurityConfig() {
            @Override
            public boolean enabled() {
                return enabled;
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
    }
}
