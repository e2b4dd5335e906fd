package ai.matih.flowwatch.audit;

import ai.matih.flowwatch.violation.ViolationType;

/**
 * What processing one audit event did, for the caller to count (docs/metrics.md: {@code flowwatch_audit_events_total},
 * {@code flowwatch_topology_changes_total}).
 *
 * @param topologyChange the kind of topology change it applied ({@code NamespaceLabels}, ...), {@code stale} when it
 *                       changed a tracked object without carrying its body, or null when it changed none
 * @param detection      the detection it raised, or null
 */
public record AuditOutcome(String topologyChange, ViolationType detection) {

    /** The tag of the detection: its type, or {@code none}. */
    public String detectionTag() {
        return detection == null ? "none" : detection.name();
    }
}
