package ai.matih.flowwatch.api;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.json.JsonString;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates and scopes every request to {@code /api/v1/**} before its resource runs: no token → 401, a token
 * that is invalid, expired, of another issuer or audience → 401, a valid token with neither the admin group nor a
 * tenant claim → 403; otherwise the {@link Caller} is put on the request for the resources to scope their answers.
 * Errors are {@code application/problem+json}.
 *
 * <p>Authentication is lazy ({@code quarkus.http.auth.proactive=false}) so that this filter, not Quarkus's default
 * challenge, answers bad tokens, with a problem body.
 */
public class ApiAuthenticationFilter {

    private static final Logger LOGGER = Logger.getLogger(ApiAuthenticationFilter.class);
    private static final Pattern TENANT = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final String API = "/api/";

    private final SecurityConfig config;
    private final CurrentIdentityAssociation identities;

    public ApiAuthenticationFilter(SecurityConfig config, CurrentIdentityAssociation identities) {
        this.config = config;
        this.identities = identities;
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(UriInfo uri, RoutingContext request) {
        if (!uri.getPath().startsWith(API)) {
            return Uni.createFrom().nullItem();
        }
        if (!config.enabled()) {
            // dev mode only: SecurityStartup refuses to start otherwise
            request.put(Caller.KEY, Caller.admin("anonymous"));
            return Uni.createFrom().nullItem();
        }
        return identities
                .getDeferredIdentity()
                .map(identity -> decide(identity, request))
                .onFailure()
                .recoverWithItem(e -> {
                    LOGGER.debugf("Bearer token rejected: %s", e.toString());
                    return unauthorized(
                            "invalid_token", "the bearer token is invalid, expired, or not issued for " + "flowwatch");
                });
    }

    private Response decide(SecurityIdentity identity, RoutingContext request) {
        if (identity == null || identity.isAnonymous()) {
            return unauthorized(null, "a bearer token is required (Authorization: Bearer <JWT>)");
        }
        String subject = identity.getPrincipal().getName();
        if (identity.hasRole(config.adminRole())) {
            request.put(Caller.KEY, Caller.admin(subject));
            return null;
        }
        String tenant = identity.getPrincipal() instanceof JsonWebToken jwt ? claim(jwt, config.tenantClaim()) : null;
        if (tenant == null) {
            return forbidden("the token carries neither the group '" + config.adminRole() + "' nor the claim '"
                    + config.tenantClaim() + "'");
        }
        if (!TENANT.matcher(tenant).matches()) {
            return forbidden("the token's claim '" + config.tenantClaim() + "' is not a tenant id");
        }
        request.put(Caller.KEY, Caller.tenant(subject, tenant));
        return null;
    }

    private static String claim(JsonWebToken jwt, String name) {
        Object value = jwt.getClaim(name);
        if (value instanceof JsonString s) {
            return s.getString();
        }
        return value instanceof String s && !s.isEmpty() ? s : null;
    }

    private static Response unauthorized(String error, String detail) {
        String challenge =
                error == null ? "Bearer realm=\"flowwatch\"" : "Bearer realm=\"flowwatch\", error=\"" + error + "\"";
        return Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", "Unauthorized", 401, detail, null))
                .build();
    }

    private static Response forbidden(String detail) {
        return Response.status(403)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", "Forbidden", 403, detail, null))
                .build();
    }
}
