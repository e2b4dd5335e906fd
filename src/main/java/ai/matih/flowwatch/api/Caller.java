package ai.matih.flowwatch.api;

import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * Who is calling the API, as {@link ApiAuthenticationFilter} established it: an admin, who sees everything, or a
 * caller scoped to one tenant.
 *
 * @param subject the token's subject (for logs), or {@code anonymous} when authentication is off (dev only)
 * @param admin   true for admins
 * @param tenant  the tenant of a tenant-scoped caller, null for admins
 */
public record Caller(String subject, boolean admin, String tenant) {

    /** Key of the caller in the Vert.x routing context of a request. */
    static final String KEY = "flowwatch.caller";

    public Caller {
        Objects.requireNonNull(subject, "subject");
        if (admin == (tenant != null)) {
            throw new IllegalArgumentException("a caller is either an admin or scoped to one tenant");
        }
    }

    /** An admin. */
    public static Caller admin(String subject) {
        return new Caller(subject, true, null);
    }

    /** A caller scoped to one tenant. */
    public static Caller tenant(String subject, String tenant) {
        return new Caller(subject, false, Objects.requireNonNull(tenant, "tenant"));
    }

    /**
     * The caller of this request. Fails closed: a request that did not pass the authentication filter (which
     * cannot happen for {@code /api/v1/**}) is refused.
     */
    public static Caller of(RoutingContext request) {
        Caller caller = request == null ? null : request.get(KEY);
        if (caller == null) {
            throw new ProblemException(401, "Unauthorized", "a bearer token is required", null);
        }
        return caller;
    }

    /** True when this caller sees everything of this tenant (an admin, or the tenant itself). */
    public boolean sees(String tenantId) {
        return admin || tenant.equals(tenantId);
    }

    /**
     * Whose share of a limit this caller uses: its tenant's (every token of one tenant shares it), or, for an admin,
     * its subject's.
     */
    public String limitKey() {
        return admin ? "admin:" + subject : "tenant:" + tenant;
    }

    /** The 403 a tenant-scoped caller gets for asking outside its tenant. */
    public ProblemException outsideScope(String parameter, String detail) {
        return new ProblemException(
                403, "Forbidden", detail + " (the token is scoped to tenant '" + tenant + "')", parameter);
    }
}
