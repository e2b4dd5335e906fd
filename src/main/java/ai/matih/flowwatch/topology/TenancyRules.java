package ai.matih.flowwatch.topology;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How namespaces map to roles and tenants (docs/topology.md): a role label, a tenant label, and a name pattern
 * whose {@code tenant} group names the tenant of a tenant namespace.
 *
 * @param roleLabel          namespace label holding the role
 * @param tenantLabel        namespace (and ingress-pod) label holding the tenant id
 * @param namespacePattern   a namespace whose name matches is that tenant's namespace (group {@code tenant})
 * @param controlPlaneRole   role value of the control plane
 * @param ingressRole        role value of ingress namespaces
 * @param sharedInfraRole    role value of shared infrastructure
 */
public record TenancyRules(
        String roleLabel,
        String tenantLabel,
        Pattern namespacePattern,
        String controlPlaneRole,
        String ingressRole,
        String sharedInfraRole) {

    public TenancyRules {
        Objects.requireNonNull(roleLabel, "roleLabel");
        Objects.requireNonNull(tenantLabel, "tenantLabel");
        Objects.requireNonNull(namespacePattern, "namespacePattern");
        if (!namespacePattern.pattern().contains("(?<tenant>")) {
            throw new IllegalArgumentException("flowwatch.tenancy.namespace-pattern '" + namespacePattern.pattern()
                    + "' has no named group 'tenant'");
        }
    }

    /** The documented defaults (docs/topology.md). */
    public static TenancyRules defaults() {
        return new TenancyRules(
                "matih.ai/role",
                "matih.ai/tenant",
                Pattern.compile("matih-data-plane-(?<tenant>[a-z0-9-]+)"),
                "control-plane",
                "ingress",
                "shared-infra");
    }

    /** Describes a namespace from its name and labels. */
    public NamespaceInfo describe(String name, Map<String, String> labels, boolean known) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        String roleValue = l.get(roleLabel);
        if (roleValue != null) {
            if (roleValue.equals(controlPlaneRole)) {
                return new NamespaceInfo(name, l, Role.CONTROL_PLANE, null, known);
            }
            if (roleValue.equals(ingressRole)) {
                return new NamespaceInfo(name, l, Role.INGRESS, null, known);
            }
            if (roleValue.equals(sharedInfraRole)) {
                return new NamespaceInfo(name, l, Role.SHARED_INFRA, null, known);
            }
        }
        Matcher m = namespacePattern.matcher(name);
        if (m.matches()) {
            return new NamespaceInfo(name, l, Role.TENANT, m.group("tenant"), known);
        }
        String tenant = l.get(tenantLabel);
        if (tenant != null && !tenant.isBlank()) {
            return new NamespaceInfo(name, l, Role.TENANT, tenant, known);
        }
        return new NamespaceInfo(name, l, Role.OTHER, null, known);
    }
}
