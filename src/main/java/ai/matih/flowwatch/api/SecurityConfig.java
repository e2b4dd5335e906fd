package ai.matih.flowwatch.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may read what of {@code /api/v1/**} (docs/security.md). Tokens are verified by SmallRye JWT through the
 * standard {@code mp.jwt.verify.*} keys; this mapping says how a verified token becomes a {@link Caller}.
 */
@ConfigMapping(prefix = "flowwatch.security")
public interface SecurityConfig {

    /**
     * Require a bearer token on {@code /api/v1/**}. Only the dev profile may turn this off (flowwatch then warns at
     * start that the API is open); in any other launch mode {@code false} stops the start.
     */
    @WithDefault("true")
    boolean enabled();

    /** The token claim holding the caller's tenant id; such a caller sees only its tenant's part. */
    @WithDefault("tenant")
    String tenantClaim();

    /** The group (token claim {@code groups}) whose members see everything. */
    @WithDefault("flowwatch-admin")
    String adminRole();
}
