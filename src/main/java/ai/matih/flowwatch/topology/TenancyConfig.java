package ai.matih.flowwatch.topology;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Tenancy rules (docs/topology.md): how namespaces map to roles and tenants. Defaults follow the seed's
 * NetworkPolicies ({@code matih.ai/role}, {@code matih.ai/tenant}, {@code matih-data-plane-<tenant>}).
 */
@ConfigMapping(prefix = "flowwatch.tenancy")
public interface TenancyConfig {

    /** Namespace label whose value is the namespace's role (see {@link #roles()}). */
    @WithDefault("matih.ai/role")
    String roleLabel();

    /** Namespace label (and ingress-pod label) whose value is the tenant id. */
    @WithDefault("matih.ai/tenant")
    String tenantLabel();

    /**
     * Regular expression matched against whole namespace names: a match makes the namespace a tenant namespace,
     * and its named group {@code tenant} is the tenant id. Must contain {@code (?<tenant>...)}.
     */
    @WithDefault("matih-data-plane-(?<tenant>[a-z0-9-]+)")
    String namespacePattern();

    /** Values of the role label. */
    Roles roles();

    /** Values of {@link #roleLabel()} that name the non-tenant roles. */
    interface Roles {

        /** Role value of the platform control plane namespace(s). */
        @WithDefault("control-plane")
        String controlPlane();

        /** Role value of the ingress controller namespace(s). */
        @WithDefault("ingress")
        String ingress();

        /** Role value of shared infrastructure namespace(s) (databases, caches, brokers). */
        @WithDefault("shared-infra")
        String sharedInfra();
    }

    /**
     * The validated tenancy rules.
     *
     * @throws ConfigurationException naming the key and the value when the pattern is not a valid regular
     *                                expression or has no {@code tenant} group
     */
    default TenancyRules rules() {
        String key = "flowwatch.tenancy.namespace-pattern";
        Pattern pattern;
        try {
            pattern = Pattern.compile(namespacePattern());
        } catch (PatternSyntaxException e) {
            throw new ConfigurationException(
                    key + "='" + namespacePattern() + "' is not a valid regular expression: " + e.getDescription());
        }
        if (!pattern.pattern().contains("(?<tenant>")) {
            throw new ConfigurationException(
                    key + "='" + namespacePattern() + "' has no named group 'tenant', write it as (?<tenant>...)");
        }
        requireNonBlank("flowwatch.tenancy.role-label", roleLabel());
        requireNonBlank("flowwatch.tenancy.tenant-label", tenantLabel());
        return new TenancyRules(
                roleLabel(), tenantLabel(), pattern, roles().controlPlane(), roles().ingress(), roles().sharedInfra());
    }

    private static void requireNonBlank(String key, String value) {
        if (value.isBlank()) {
            throw new ConfigurationException(key + "='" + value + "' must not be blank");
        }
    }
}
