package ai.matih.flowwatch.api;

import java.util.List;

/**
 * Body of {@code POST /api/v1/policy/impact}: a candidate change to the cluster as it is now.
 *
 * @param manifests NetworkPolicy documents to add or replace and Namespace documents with their labels after the
 *                  change, as multi-document YAML (JSON is YAML too); may be absent when only deleting
 * @param deleted   NetworkPolicies to delete
 */
public record ImpactRequest(String manifests, List<PolicyRef> deleted) {

    /**
     * A NetworkPolicy by its namespace and name.
     *
     * @param namespace its namespace
     * @param name      its name
     */
    public record PolicyRef(String namespace, String name) {}
}
