package ai.matih.flowwatch.alerting;

import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationTenant;
import ai.matih.flowwatch.violation.ViolationType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a violation into its Alertmanager alerts: one for each tenant it involves ({@link ViolationTenant}), labelled
 * with that tenant and its {@code side}, so a per-tenant route reaches the tenant that was hit as well as the one the
 * traffic came from. Each tenant's alert shows the violation as that tenant may see it in the REST API
 * ({@link AlertRedaction}): the other tenant's namespace, workloads and policies are left out. A violation that
 * involves no tenant gives one alert without {@code tenant} and {@code side}. The labels depend only on what
 * identifies the violation and the tenant, so every update of one violation is the same alerts to Alertmanager (same
 * fingerprints): never a duplicate. A violation of a named cluster ({@code flowwatch.cluster.name}) carries the
 * label {@code cluster}.
 */
final class AlertMapper {

    static final String ALERTNAME = "alertname";
    static final String SEVERITY = "severity";
    static final String TYPE = "type";
    static final String TENANT = "tenant";
    static final String SIDE = "side";
    static final String SOURCE_NAMESPACE = "source_namespace";
    static final String DESTINATION_NAMESPACE = "destination_namespace";
    static final String VIOLATION_ID = "violation_id";
    static final String CLUSTER = "cluster";
    static final String SUMMARY = "summary";
    static final String DESCRIPTION = "description";
    static final String RUNBOOK_URL = "runbook_url";

    /** Prefix of every alert name. */
    static final String ALERT_PREFIX = "Flowwatch";

    private final String violationsBase;
    private final String runbookUrl;
    private final AlertRedaction redaction;

    /**
     * @param externalUrl flowwatch's externally reachable base URL
     * @param runbookUrl  the runbook, absolute or relative to {@code externalUrl}
     * @param redaction   what a tenant may see of a violation
     */
    AlertMapper(String externalUrl, String runbookUrl, AlertRedaction redaction) {
        this.redaction = redaction;
        String base = stripTrailingSlash(externalUrl.trim());
        this.violationsBase = base + "/api/v1/violations/";
        String runbook = runbookUrl.trim();
        this.runbookUrl = runbook.contains("://") ? runbook : base + "/" + stripLeadingSlash(runbook);
    }

    /** The alerts of a violation, to end at {@code endsAt}: its tenant's first, then its peer tenant's. */
    List<Alert> toAlerts(Violation violation, Instant endsAt) {
        List<ViolationTenant> tenants = ViolationTenant.of(violation);
        List<Alert> alerts = new ArrayList<>(tenants.size());
        for (ViolationTenant tenant : tenants) {
            alerts.add(toAlert(violation, tenant, endsAt));
        }
        return alerts;
    }

    /** How many alerts {@link #toAlerts} makes of this violation. */
    static int alertCount(Violation violation) {
        return ViolationTenant.peer(violation) == null ? 1 : 2;
    }

    /** The alert of a violation for one tenant it involves, to end at {@code endsAt}. */
    Alert toAlert(Violation stored, ViolationTenant recipient, Instant endsAt) {
        Violation violation = recipient.tenant() == null ? stored : redaction.view(recipient.tenant(), stored);
        String name = alertName(violation.type());
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(SUMMARY, summary(violation.type()));
        annotations.put(DESCRIPTION, description(violation));
        annotations.put(RUNBOOK_URL, runbookUrl + "#alert-name-" + name.toLowerCase(Locale.ROOT));
        Instant startsAt = violation.firstSeen() != null ? violation.firstSeen() : violation.lastSeen();
        if (startsAt != null && !startsAt.isBefore(endsAt)) {
            startsAt = endsAt.minusSeconds(1);
        }
        return new Alert(labels(violation, recipient), annotations, startsAt, endsAt, generatorUrl(violation.id()));
    }

    /**
     * The labels of a violation's alert for one tenant, from the violation as that tenant sees it; empty values are
     * left out, as Alertmanager rejects them.
     */
    static Map<String, String> labels(Violation violation, ViolationTenant recipient) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ALERTNAME, alertName(violation.type()));
        put(
                labels,
                SEVERITY,
                violation.severity() == null ? null : violation.severity().tag());
        put(labels, TYPE, violation.type().name());
        if (recipient.tenant() != null) {
            put(labels, TENANT, recipient.tenant());
            put(labels, SIDE, recipient.side().tag());
        }
        put(labels, SOURCE_NAMESPACE, namespace(violation.source()));
        put(labels, DESTINATION_NAMESPACE, namespace(violation.destination()));
        put(labels, VIOLATION_ID, violation.id());
        put(labels, CLUSTER, violation.cluster());
        return labels;
    }

    /** {@code Flowwatch} and the type in CamelCase: {@code ISOLATION_BREACH} is {@code FlowwatchIsolationBreach}. */
    static String alertName(ViolationType type) {
        StringBuilder sb = new StringBuilder(ALERT_PREFIX);
        for (String word : type.name().split("_")) {
            if (!word.isEmpty()) {
                sb.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return sb.toString();
    }

    /** A short sentence without labels, as the monitoring mixins write them. */
    static String summary(ViolationType type) {
        return switch (type) {
            case ISOLATION_BREACH -> "Traffic forbidden by tenant isolation was allowed.";
            case UNEXPECTED_EGRESS -> "A tenant reached outside the cluster without an egress exception.";
            case ENFORCEMENT_GAP -> "The CNI allowed traffic that the network policies deny.";
            case BLOCKED_ATTEMPT -> "Traffic forbidden by tenant isolation was attempted and blocked.";
            case UNEXPECTED_DENY -> "Traffic permitted by tenant isolation was blocked.";
            case UNCLASSIFIED -> "Traffic could not be judged against tenant isolation.";
            case POLICY_TAMPERING -> "A tenant's network policy was changed or removed.";
            case TOPOLOGY_DRIFT -> "A namespace's role or tenant label changed.";
            case FORBIDDEN_API_ACCESS -> "A tenant's service account was refused access to another tenant.";
            case CROSS_TENANT_EXEC -> "A tenant's service account opened a session in another tenant's pod.";
            case POLICY_GAP -> "A topology change made the network policies allow what tenant isolation forbids.";
        };
    }

    /** The violation's reason with its count and, when known, the cause to fix. */
    static String description(Violation violation) {
        StringBuilder sb =
                new StringBuilder(violation.reason() == null ? summary(violation.type()) : violation.reason());
        if (sb.length() > 0 && ".!?".indexOf(sb.charAt(sb.length() - 1)) < 0) {
            sb.append('.');
        }
        long count = violation.count();
        sb.append(' ')
                .append(count)
                .append(' ')
                .append(isAudit(violation.type()) ? "event" : "connection attempt")
                .append(count == 1 ? "" : "s");
        if (violation.firstSeen() != null && violation.lastSeen() != null) {
            sb.append(" between ").append(violation.firstSeen()).append(" and ").append(violation.lastSeen());
        }
        sb.append('.');
        if (violation.cause() != null) {
            sb.append(" Cause: ").append(violation.cause().tag());
            if (!violation.decidedBy().isEmpty()) {
                sb.append(" (").append(String.join(", ", violation.decidedBy())).append(')');
            }
            sb.append('.');
        }
        return sb.toString();
    }

    /** The violation in flowwatch's REST API. */
    String generatorUrl(String id) {
        return violationsBase + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static boolean isAudit(ViolationType type) {
        return switch (type) {
            case POLICY_TAMPERING, TOPOLOGY_DRIFT, FORBIDDEN_API_ACCESS, CROSS_TENANT_EXEC, POLICY_GAP -> true;
            default -> false;
        };
    }

    private static String namespace(EndpointView endpoint) {
        return endpoint == null ? null : endpoint.namespace();
    }

    private static void put(Map<String, String> labels, String name, String value) {
        if (value != null && !value.isBlank()) {
            labels.put(name, value);
        }
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? stripTrailingSlash(s.substring(0, s.length() - 1)) : s;
    }

    private static String stripLeadingSlash(String s) {
        return s.startsWith("/") ? stripLeadingSlash(s.substring(1)) : s;
    }
}
