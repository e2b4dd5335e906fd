package ai.matih.flowwatch.api;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Says at start how the API is protected, and refuses to start outside dev mode with the API open, or with token
 * verification that does not pin the issuer and the audience (any token signed with the key, for any service, would
 * then pass).
 */
@ApplicationScoped
public class SecurityStartup {

    private static final Logger LOGGER = Logger.getLogger(SecurityStartup.class);
    private static final List<String> KEY_SOURCES =
            List.of("mp.jwt.verify.publickey", "mp.jwt.verify.publickey.location", "smallrye.jwt.verify.key.location");
    /** What a verified token must name: without them, a token issued for any other service passes. */
    private static final List<String> REQUIRED_CLAIMS = List.of("mp.jwt.verify.issuer", "mp.jwt.verify.audiences");

    private final SecurityConfig config;

    public SecurityStartup(SecurityConfig config) {
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        check(config, LaunchMode.current(), ConfigProvider.getConfig());
    }

    static void check(SecurityConfig config, LaunchMode mode, Config all) {
        if (!config.enabled()) {
            if (mode != LaunchMode.DEVELOPMENT) {
                throw new ConfigurationException("flowwatch.security.enabled=false is allowed in dev mode only: "
                        + "the API would be open to anyone who reaches it. Configure token verification "
                        + "(mp.jwt.verify.publickey.location, mp.jwt.verify.issuer, mp.jwt.verify.audiences) instead.");
            }
            LOGGER.warn("flowwatch.security.enabled=false: the REST API (/api/v1) is OPEN, anyone who reaches this "
                    + "port reads every tenant's violations and topology. Dev mode only.");
            return;
        }
        List<String> missing = REQUIRED_CLAIMS.stream()
                .filter(k -> all.getOptionalValue(k, String.class)
                        .filter(v -> !v.isBlank())
                        .isEmpty())
                .toList();
        if (!missing.isEmpty()) {
            String message = "Token verification does not pin " + String.join(" and ", missing)
                    + ": tokens of any issuer or audience signed with the key would pass. Set them for your token "
                    + "issuer (environment: MP_JWT_VERIFY_ISSUER, MP_JWT_VERIFY_AUDIENCES).";
            if (mode != LaunchMode.DEVELOPMENT) {
                throw new ConfigurationException(message);
            }
            LOGGER.warn(message + " Dev mode only.");
        }
        boolean keyConfigured = KEY_SOURCES.stream()
                .anyMatch(k -> all.getOptionalValue(k, String.class).isPresent());
        if (!keyConfigured) {
            LOGGER.warn("No token verification key configured (mp.jwt.verify.publickey.location): every request to "
                    + "/api/v1 will be refused with 401.");
        }
        LOGGER.infof(
                "REST API: bearer JWTs required; admin group '%s', tenant claim '%s'",
                config.adminRole(), config.tenantClaim());
    }
}
