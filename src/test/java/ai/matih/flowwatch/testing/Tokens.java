package ai.matih.flowwatch.testing;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Set;

/**
 * Bearer tokens for the tests, signed with the test-only key pair of {@code src/test/resources/security/} (the
 * {@code %test} profile verifies them: issuer {@value #ISSUER}, audience {@value #AUDIENCE}). The keys protect
 * nothing; never configure them elsewhere.
 */
public final class Tokens {

    public static final String ISSUER = "https://issuer.flowwatch.test";
    public static final String AUDIENCE = "flowwatch";
    public static final String ADMIN_GROUP = "flowwatch-admin";

    private Tokens() {}

    /** An admin: group {@value #ADMIN_GROUP}. */
    public static String admin() {
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("admin@flowwatch.test")
                .groups(Set.of(ADMIN_GROUP))
                .expiresIn(3600)
                .sign();
    }

    /** A caller scoped to one tenant (claim {@code tenant}). */
    public static String tenant(String tenant) {
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("ci@" + tenant)
                .claim("tenant", tenant)
                .groups(Set.of("developers"))
                .expiresIn(3600)
                .sign();
    }

    /** A valid token with neither the admin group nor a tenant claim. */
    public static String unscoped() {
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("nobody")
                .groups(Set.of("developers"))
                .expiresIn(3600)
                .sign();
    }

    /** An admin token that expired an hour ago. */
    public static String expired() {
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("admin@flowwatch.test")
                .groups(Set.of(ADMIN_GROUP))
                .issuedAt(now.minusSeconds(7200))
                .expiresAt(now.minusSeconds(3600))
                .sign();
    }

    /** An admin token from another issuer, signed with the right key. */
    public static String wrongIssuer() {
        return Jwt.issuer("https://evil.example")
                .audience(AUDIENCE)
                .subject("admin@flowwatch.test")
                .groups(Set.of(ADMIN_GROUP))
                .expiresIn(3600)
                .sign();
    }

    /** An admin token for another audience. */
    public static String wrongAudience() {
        return Jwt.issuer(ISSUER)
                .audience("someone-else")
                .subject("admin@flowwatch.test")
                .groups(Set.of(ADMIN_GROUP))
                .expiresIn(3600)
                .sign();
    }

    /** An admin token signed with a key flowwatch does not trust. */
    public static String wrongKey() {
        try {
            return Jwt.issuer(ISSUER)
                    .audience(AUDIENCE)
                    .subject("admin@flowwatch.test")
                    .groups(Set.of(ADMIN_GROUP))
                    .expiresIn(3600)
                    .sign(KeyUtils.readPrivateKey("security/other-private-key.pem"));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RestAssured's {@code given()} with an admin token: what the tests that are not about access use. */
    public static RequestSpecification asAdmin() {
        return given().auth().oauth2(admin());
    }
}
