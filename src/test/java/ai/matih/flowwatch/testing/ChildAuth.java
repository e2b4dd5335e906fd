package ai.matih.flowwatch.testing;

import java.nio.file.Path;
import java.util.List;

/**
 * Authentication for a packaged flowwatch started as a child process by a test or benchmark (no Quarkus test
 * profile there): the JVM flags that make it trust the test-only key pair, and an admin bearer token signed with it.
 */
public final class ChildAuth {

    private static final Path PUBLIC_KEY = Path.of("src/test/resources/security/test-public-key.pem");

    private ChildAuth() {}

    /** {@code -D} flags for the child JVM: verify tokens with the test public key, issuer and audience. */
    public static List<String> jvmArgs() {
        return List.of(
                "-Dmp.jwt.verify.publickey.location=" + PUBLIC_KEY.toAbsolutePath(),
                "-Dmp.jwt.verify.issuer=" + Tokens.ISSUER,
                "-Dmp.jwt.verify.audiences=" + Tokens.AUDIENCE);
    }

    /** The value of an {@code Authorization} header for an admin. */
    public static String adminHeader() {
        if (System.getProperty("smallrye.jwt.sign.key.location") == null) {
            System.setProperty("smallrye.jwt.sign.key.location", "security/test-private-key.pem");
        }
        return "Bearer " + Tokens.admin();
    }
}
