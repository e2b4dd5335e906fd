package ai.matih.flowwatch.topology;

import java.util.Map;
import java.util.Objects;

/**
 * A namespace as the tenancy rules see it.
 *
 * @param name   namespace name
 * @param labels namespace labels (includes {@code kubernetes.io/metadata.name})
 * @param role   its role
 * @param tenant the tenant id for tenant namespaces, else null
 * @param known  true when the namespace is in the topology; false when described only from a flow record
 */
public record NamespaceInfo(String name, Map<String, String> labels, Role role, String tenant, boolean known) {

    public NamespaceInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
