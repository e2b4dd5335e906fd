package ai.matih.flowwatch.security;

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
 * Says at start how the API is protected, and refuses to start with the API open outside dev mode.
 */
@ApplicationScoped
public class SecurityStartup {

    private static final Logger LOGGER = Logger.getLogger(SecurityStartup.class);
    private static final List<String> KEY_SOURCES = List.of("mp.jwt.verify.publickey",
            "mp.jwt.verify.publickey.location", "smallrye.jwt.verify.key.location");

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
                        + "(mp.jwt.verify.publickey.location, mp.jwt.verify.issuer) instead.");
            }
            LOGGER.warn("flowwatch.security.enabled=false: the REST API (/api/v1) is OPEN, anyone who reaches this "
                    + "port reads every tenant's violations and topology. Dev mode only.");
            return;
        }
        boolean keyConfigured = KEY_SOURCES.stream().anyMatch(k -> all.getOptionalValue(k, String.class).isPresent());
        if (!keyConfigured) {
            LOGGER.warn("No token verification key configured (mp.jwt.verify.publickey.location): every request to "
                    + "/api/v1 will be refused with 401.");
        }
        LOGGER.infof("REST API: bearer JWTs required; admin group '%s', tenant claim '%s'", config.adminRole(),
                config.tenantClaim());
    }
}
