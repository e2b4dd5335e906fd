package ai.matih.flowwatch.audit;

import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.metrics.FlowMetrics;
import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.violation.AuditEvidence;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationListeners;
import ai.matih.flowwatch.violation.ViolationStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/** Turns audit events into detections: a violation per detection, and a count per event. */
@ApplicationScoped
public class AuditProcessor {

    private final TopologyHolder topology;
    private final ViolationStore store;
    private final FlowMetrics metrics;
    private final ViolationListeners listeners;
    private final RecentChanges recent;

    public AuditProcessor(TopologyHolder topology, ViolationStore store, FlowMetrics metrics,
                          ViolationListeners listeners, RecentChanges recent) {
        this.topology = topology;
        this.store = store;
        this.metrics = metrics;
        this.listeners = listeners;
        this.recent = recent;
    }

    private static String changedNamespace(AuditEvent e) {
        return "namespaces".equals(e.resource()) && e.name() != null ? e.name() : e.namespace();
    }

    private static AuditEvidence evidence(AuditEvent e) {
        String object = e.resource() + (e.subresource() != null ? "/" + e.subresource() : "")
                + (e.namespace() != null ? " " + e.namespace() : "") + (e.name() != null ? "/" + e.name() : "");
        return new AuditEvidence(e.auditId(), e.username(), e.verb(), object, e.responseCode(), e.sourceIp(),
                e.stageTimestamp());
    }

    public void process(AuditEvent event) {
        var snapshot = topology.current();
        AuditDetector.Detection d = AuditDetector.detect(event, snapshot);
        metrics.seen("audit");
        AuditTopologyChanges.Result change = AuditTopologyChanges.from(event, snapshot);
        if (change.change() != null) {
            if (topology.apply(change.change())) {
                metrics.topologyChange(change.change().getClass().getSimpleName());
                recent.record(changedNamespace(event), evidence(event));
            }
        } else if (change.stale()) {
            metrics.topologyChange("stale");
        }
        if (d.type() == null) {
            metrics.auditEvent("none");
            return;
        }
        metrics.auditEvent(d.type().name());
        String id = ai.matih.flowwatch.violation.Violations.auditId(d.type(), event.auditId());
        boolean replay = store.get(id) != null;
        Severity severity = d.critical() ? Severity.CRITICAL : d.type().severity();
        String actorNs = AuditDetector.serviceAccountNamespace(event.username());
        EndpointView actor = new EndpointView(actorNs, null, null, event.sourceIp(), d.actorTenant(),
                actorNs == null ? "user" : snapshot.describe(actorNs, Map.of()).role().tag(), false, event.username());
        AuditEvidence evidence = evidence(event);
        var targetNs = event.namespace() != null ? snapshot.describe(event.namespace(), Map.of()) : null;
        EndpointView target = new EndpointView(event.namespace() != null ? event.namespace()
                : "namespaces".equals(event.resource()) ? event.name() : null, null, null, null, d.tenant(),
                targetNs == null ? null : targetNs.role().tag(), false, evidence.object());
        String peer = d.actorTenant() != null && !d.actorTenant().equals(d.tenant()) ? d.actorTenant() : null;
        Violation v = new Violation(id, d.type(), severity, null, d.tenant(), peer, actor, target, null, null, null, null,
                null, null, d.reason(), List.of(), "audit", null, event.stageTimestamp(), event.stageTimestamp(), 1, 1,
                new Violation.Evidence(null, List.of(), List.of(), null, evidence));
        if (replay) {
            return;
        }
        store.put(v);
        metrics.violation(d.type().name(), severity.tag(), d.tenant(), 1);
        listeners.changed(v, true);
    }
}
