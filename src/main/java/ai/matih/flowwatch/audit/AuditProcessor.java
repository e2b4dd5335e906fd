package ai.matih.flowwatch.audit;

import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.violation.AuditEvidence;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationRecorder;
import ai.matih.flowwatch.violation.Violations;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Turns audit events into topology changes (remembered as recent changes that may explain a new violation) and
 * detections (a violation each, recorded by {@link ViolationRecorder}); says what it did, for the caller to count.
 */
@ApplicationScoped
public class AuditProcessor {

    private static final String STALE = "stale";

    private final TopologyHolder topology;
    private final ViolationRecorder recorder;
    private final RecentChanges recent;

    public AuditProcessor(TopologyHolder topology, ViolationRecorder recorder, RecentChanges recent) {
        this.topology = topology;
        this.recorder = recorder;
        this.recent = recent;
    }

    private static String changedNamespace(AuditEvent e) {
        return "namespaces".equals(e.resource()) && e.name() != null ? e.name() : e.namespace();
    }

    private static AuditEvidence evidence(AuditEvent e) {
        String object = e.resource()
                + (e.subresource() != null ? "/" + e.subresource() : "")
                + (e.namespace() != null ? " " + e.namespace() : "")
                + (e.name() != null ? "/" + e.name() : "");
        return new AuditEvidence(
                e.auditId(), e.username(), e.verb(), object, e.responseCode(), e.sourceIp(), e.stageTimestamp());
    }

    public AuditOutcome process(AuditEvent event) {
        var snapshot = topology.current();
        AuditDetector.Detection d = AuditDetector.detect(event, snapshot);
        AuditTopologyChanges.Result change = AuditTopologyChanges.from(event, snapshot);
        String topologyChange = null;
        if (change.change() != null) {
            if (topology.apply(change.change())) {
                topologyChange = change.change().getClass().getSimpleName();
                recent.record(changedNamespace(event), evidence(event));
            }
        } else if (change.stale()) {
            topologyChange = STALE;
        }
        if (d.type() == null) {
            return new AuditOutcome(topologyChange, null);
        }
        Severity severity = d.critical() ? Severity.CRITICAL : d.type().severity();
        String actorNs = AuditDetector.serviceAccountNamespace(event.username());
        EndpointView actor = new EndpointView(
                actorNs,
                null,
                null,
                event.sourceIp(),
                d.actorTenant(),
                actorNs == null
                        ? "user"
                        : snapshot.describe(actorNs, Map.of()).role().tag(),
                false,
                event.username());
        AuditEvidence evidence = evidence(event);
        var targetNs = event.namespace() != null ? snapshot.describe(event.namespace(), Map.of()) : null;
        EndpointView target = new EndpointView(
                event.namespace() != null
                        ? event.namespace()
                        : "namespaces".equals(event.resource()) ? event.name() : null,
                null,
                null,
                null,
                d.tenant(),
                targetNs == null ? null : targetNs.role().tag(),
                false,
                evidence.object());
        String peer = d.actorTenant() != null && !d.actorTenant().equals(d.tenant()) ? d.actorTenant() : null;
        recorder.detected(Violation.builder()
                .id(Violations.auditId(d.type(), event.auditId()))
                .type(d.type())
                .severity(severity)
                .tenant(d.tenant())
                .peerTenant(peer)
                .source(actor)
                .destination(target)
                .reason(d.reason())
                .sourceFormat("audit")
                .seen(event.stageTimestamp())
                .count(1)
                .observations(1)
                .evidence(Violation.Evidence.ofAudit(evidence))
                .build());
        return new AuditOutcome(topologyChange, d.type());
    }
}
