package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.policy.PolicyDecision;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.Cause;
import ai.matih.flowwatch.violation.Draft;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Hashing;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Turns a flagged or unclassified flow into a {@link Draft} with a stable id. Pure and thread-safe. */
public final class ViolationFactory {

    private final long windowSeconds;
    private final long reportIntervalSeconds;
    private final String tenantLabel;

    public ViolationFactory(Duration window, Duration reportInterval, String tenantLabel) {
        this.windowSeconds = Math.max(1, window.toSeconds());
        this.reportIntervalSeconds = Math.max(1, reportInterval.toSeconds());
        this.tenantLabel = tenantLabel;
    }

    /** The draft of a flagged flow. */
    public Draft flagged(Flow flow, Outcome.Flagged f) {
        PolicyDecision policy = f.policy();
        return draft(
                flow,
                f.type(),
                f.severity(),
                f.category(),
                f.source(),
                f.destination(),
                f.intent().intent().name(),
                policy.verdict().name(),
                f.cause(),
                f.reason(),
                policy.decidedBy(),
                policy.reason());
    }

    /** The draft of a flow flowwatch could not judge. */
    public Draft unclassified(Flow flow, Outcome.Unclassified u) {
        return draft(
                flow,
                ViolationType.UNCLASSIFIED,
                Severity.INFO,
                null,
                u.source(),
                u.destination(),
                null,
                null,
                null,
                u.reason(),
                List.of(),
                null);
    }

    private Draft draft(
            Flow flow,
            ViolationType type,
            Severity severity,
            Category category,
            Party src,
            Party dst,
            String intent,
            String policy,
            Cause cause,
            String reason,
            List<String> decidedBy,
            String policyReason) {
        EndpointView source = view(flow.source(), src);
        EndpointView destination = view(flow.destination(), dst);
        String protocol = flow.protocol().name();
        Integer port = flow.port() >= 0 ? flow.port() : null;
        long windowStart = Math.floorDiv(flow.time().getEpochSecond(), windowSeconds) * windowSeconds;
        String id = Hashing.id(
                type.name(),
                source.namespace(),
                keyOf(source),
                destination.namespace(),
                keyOf(destination),
                String.valueOf(port),
                protocol,
                Long.toString(windowStart));
        String tenant =
                source.tenant() != null && "tenant".equals(source.role()) ? source.tenant() : destination.tenant();
        if (tenant == null) {
            tenant = source.tenant();
        }
        String peer = tenant == null ? null : tenant.equals(source.tenant()) ? destination.tenant() : source.tenant();
        if (peer != null && peer.equals(tenant)) {
            peer = null;
        }
        Violation.Evidence evidence = new Violation.Evidence(
                verdictDetail(flow),
                flow.policies(),
                flow.reporter() == null ? List.of() : List.of(flow.reporter()),
                policyReason,
                null);
        Violation template = Violation.builder()
                .id(id)
                .type(type)
                .severity(severity)
                .category(category)
                .tenant(tenant)
                .peerTenant(peer)
                .source(source)
                .destination(destination)
                .protocol(protocol)
                .port(port)
                .observed(flow.observed().name())
                .policy(policy)
                .intent(intent)
                .cause(cause)
                .reason(reason)
                .decidedBy(decidedBy)
                .sourceFormat(flow.format().tag())
                .node(flow.node())
                .seen(flow.time())
                .evidence(evidence)
                .build();
        return new Draft(
                template, flow.time(), attemptKey(flow), flow.connections(), fingerprint(flow), flow.reporter());
    }

    /**
     * What the CNI said of its verdict. A connection that passed under a verdict that does not enforce (Cilium's
     * policy-audit mode, a Calico staged policy) names that verdict and that it would be blocked once enforced.
     */
    static String verdictDetail(Flow flow) {
        String detail = flow.verdictDetail();
        if (flow.observed() != Observed.AUDIT) {
            return detail;
        }
        String verdict;
        if (flow.format() == SourceFormat.HUBBLE || detail == null || detail.isBlank()) {
            verdict = "audit-mode verdict AUDIT";
        } else {
            verdict = detail;
        }
        return verdict + ": passed, would be blocked once enforced";
    }

    /**
     * Reports of one connection attempt share this key: the 5-tuple when the record has a source port; else
     * (aggregated logs) the endpoints, port and protocol within a report interval.
     */
    private long attemptKey(Flow flow) {
        Endpoint s = flow.source();
        Endpoint d = flow.destination();
        if (flow.sourcePort() >= 0 && s.ip() != null && d.ip() != null) {
            return Hashing.fnv(s.ip(), flow.sourcePort(), d.ip(), flow.port(), flow.protocol());
        }
        long slice = Math.floorDiv(flow.time().getEpochSecond(), reportIntervalSeconds);
        return Hashing.fnv(
                s.namespace(),
                s.identity(),
                flow.sourcePort(),
                d.namespace(),
                d.identity(),
                flow.port(),
                flow.protocol(),
                slice);
    }

    /** Identifies the raw record: its own id when it has one, else its content. */
    private static long fingerprint(Flow flow) {
        if (flow.recordId() != null) {
            return Hashing.fnv(flow.format(), flow.recordId());
        }
        Endpoint s = flow.source();
        Endpoint d = flow.destination();
        return Hashing.fnv(
                flow.format(),
                flow.reporter(),
                flow.node(),
                flow.time().getEpochSecond(),
                flow.time().getNano(),
                flow.intervalEnd().getEpochSecond(),
                s.namespace(),
                s.identity(),
                s.ip(),
                flow.sourcePort(),
                d.namespace(),
                d.identity(),
                d.ip(),
                flow.port(),
                flow.protocol(),
                flow.observed(),
                flow.connections(),
                flow.verdictDetail());
    }

    private EndpointView view(Endpoint e, Party p) {
        String role;
        String tenant = null;
        boolean external = false;
        Party.Kind kind = p == null ? Party.Kind.UNKNOWN : p.kind();
        switch (kind) {
            case TENANT -> {
                role = "tenant";
                tenant = p.tenant();
            }
            case INGRESS -> {
                role = "ingress";
                tenant = p.labels().get(tenantLabel);
            }
            case EXTERNAL -> {
                role = "external";
                external = true;
            }
            case CLUSTER -> role = "cluster";
            case UNKNOWN -> role = "unknown";
            default -> role = p.namespace().role().tag();
        }
        String namespace = p != null && p.namespaceName() != null ? p.namespaceName() : e.namespace();
        String name = e.name() == null && p != null ? p.placedAs() : e.name();
        if (name == null && (e.kind() == EndpointKind.HOST || e.kind() == EndpointKind.WORLD)) {
            name = e.kind().name().toLowerCase(Locale.ROOT);
        }
        return new EndpointView(namespace, e.workload(), e.pod(), e.ip(), tenant, role, external, name);
    }

    private static String keyOf(EndpointView v) {
        if (v.workload() != null) {
            return v.workload();
        }
        if (v.pod() != null) {
            return v.pod();
        }
        if (v.ip() != null) {
            return v.ip();
        }
        return v.name();
    }
}
