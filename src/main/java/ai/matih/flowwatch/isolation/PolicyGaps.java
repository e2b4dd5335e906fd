package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.policy.Direction;
import ai.matih.flowwatch.violation.AuditEvidence;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.ChangeEvidence;
import ai.matih.flowwatch.violation.Criterion;
import ai.matih.flowwatch.violation.FilterField;
import ai.matih.flowwatch.violation.FilterValue;
import ai.matih.flowwatch.violation.Hashing;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationFilter;
import ai.matih.flowwatch.violation.ViolationRecorder;
import ai.matih.flowwatch.violation.ViolationStore;
import ai.matih.flowwatch.violation.ViolationType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code POLICY_GAP} violations: a {@code PERMITS_FORBIDDEN} finding that appears when the topology changes opens
 * one (with the audit event that made the change, when there is one), recorded by {@link ViolationRecorder}; one open
 * gap per tenant and finding; the finding gone, the gap is resolved (its {@code policy} no longer {@code ALLOW}, its
 * {@code lastSeen} the time it was resolved, its alert resolved); a finding that comes back opens a new gap. The
 * findings of the first audit after start are the baseline (the {@code flowwatch_isolation_findings} gauge and its
 * alert cover them): they open nothing, and the gaps still open in the store (rebuilt from the violations topic) are
 * taken over, or resolved when their finding is gone. Not thread-safe: driven by the audit's one thread.
 */
public final class PolicyGaps {

    /** The policy axis of an open gap. */
    static final String OPEN = "ALLOW";

    static final String ID_PREFIX = "policy-gap-";

    /** Hex digits of a finding's hash in a gap's id. */
    private static final int KEY_LENGTH = 20;

    private final ViolationRecorder recorder;
    private final ViolationStore store;
    private final ChangeEvidence changes;
    /** Open gaps by tenant and finding. */
    private final Map<String, Violation> open = new LinkedHashMap<>();

    private boolean started;

    PolicyGaps(ViolationRecorder recorder, ViolationStore store, ChangeEvidence changes) {
        this.recorder = recorder;
        this.store = store;
        this.changes = changes;
    }

    /** True for a {@code POLICY_GAP} whose finding is still there: its alert stays active until it is resolved. */
    public static boolean isOpen(Violation v) {
        return v.type() == ViolationType.POLICY_GAP && OPEN.equals(v.policy());
    }

    /** True for a {@code POLICY_GAP} that was resolved: its alert ends at its {@code lastSeen}. */
    public static boolean isResolved(Violation v) {
        return v.type() == ViolationType.POLICY_GAP && !OPEN.equals(v.policy());
    }

    /** The open gaps' ids (for tests and diagnostics). */
    Set<String> openIds() {
        Set<String> ids = new HashSet<>();
        open.values().forEach(v -> ids.add(v.id()));
        return ids;
    }

    /**
     * Brings the gaps in line with a new report.
     *
     * @param before the previous report, or null for the first
     * @param after  the new report
     * @param now    when
     */
    void update(IsolationReport before, IsolationReport after, Instant now) {
        Map<String, Opened> current = openDoors(after);
        if (!started) {
            started = true;
            adoptStored();
        }
        Set<String> known = before == null ? Set.of() : openDoors(before).keySet();
        for (Map.Entry<String, Opened> e : current.entrySet()) {
            // new since the previous report, and not open already; the first report is the baseline
            if (before != null && !known.contains(e.getKey()) && !open.containsKey(e.getKey())) {
                Violation gap = gap(e.getKey(), e.getValue(), now);
                if (recorder.detected(gap)) {
                    open.put(e.getKey(), gap);
                }
            }
        }
        List<String> gone = new ArrayList<>();
        for (String key : open.keySet()) {
            if (!current.containsKey(key)) {
                gone.add(key);
            }
        }
        for (String key : gone) {
            Violation v = open.remove(key);
            recorder.updated(v.toBuilder()
                    .policy(null)
                    .lastSeen(now)
                    .reason(v.reason() + " Resolved at " + now + ": the policies in force no longer open it.")
                    .build());
        }
    }

    /** The gaps the store holds open (rebuilt from the violations topic): followed from now on. */
    private void adoptStored() {
        ViolationFilter gaps = ViolationFilter.of(
                Criterion.anyOf(FilterField.TYPE, new FilterValue.Constant(ViolationType.POLICY_GAP)));
        for (Violation v : store.query(gaps, Integer.MAX_VALUE, null).items()) {
            String key = keyOf(v.id());
            if (isOpen(v) && key != null) {
                open.putIfAbsent(key, v);
            }
        }
    }

    /** A finding that opens a door, and its tenant. */
    private record Opened(String tenant, Finding finding) {}

    /** The PERMITS_FORBIDDEN findings of a report, by the hash of tenant and finding key. */
    private static Map<String, Opened> openDoors(IsolationReport report) {
        Map<String, Opened> doors = new HashMap<>();
        for (TenantIsolation t : report.tenants()) {
            for (Finding f : t.findings()) {
                if (f.kind() == FindingKind.PERMITS_FORBIDDEN) {
                    doors.putIfAbsent(hash(t.tenant(), f), new Opened(t.tenant(), f));
                }
            }
        }
        return doors;
    }

    private static String hash(String tenant, Finding f) {
        Peer p = f.peer();
        return Hashing.id(
                tenant,
                f.kind().name(),
                f.direction().name(),
                p.peerClass().tag(),
                p.tenant(),
                p.namespace(),
                String.join(",", f.decidedBy()));
    }

    /** The finding hash of a gap's id, or null when it is not one of ours. */
    static String keyOf(String id) {
        if (id == null || !id.startsWith(ID_PREFIX)) {
            return null;
        }
        String rest = id.substring(ID_PREFIX.length());
        int dash = rest.indexOf('-');
        return dash == KEY_LENGTH ? rest.substring(0, dash) : null;
    }

    private Violation gap(String key, Opened opened, Instant now) {
        Finding f = opened.finding();
        AuditEvidence cause = cause(f, now);
        String peerTenant = f.peer().tenant() != null && !f.peer().tenant().equals(opened.tenant())
                ? f.peer().tenant()
                : null;
        String reason = "The NetworkPolicies now open a door the isolation model forbids: " + f.reason() + " ("
                + String.join(", ", f.decidedBy()) + ")"
                + (cause == null ? "." : ", after " + cause.actor() + " " + cause.verb() + " " + cause.object() + ".");
        return Violation.builder()
                .id(ID_PREFIX + key + "-" + now.toEpochMilli())
                .type(ViolationType.POLICY_GAP)
                .severity(ViolationType.POLICY_GAP.severity())
                .category(category(f))
                .tenant(opened.tenant())
                .peerTenant(peerTenant)
                .source(f.example().source())
                .destination(f.example().destination())
                .protocol(f.example().protocol().name())
                .port(f.example().port())
                .policy(OPEN)
                .intent("FORBIDDEN")
                .reason(reason)
                .decidedBy(f.decidedBy())
                .sourceFormat("isolation")
                .firstSeen(now)
                .lastSeen(now)
                .count(1)
                .observations(1)
                .evidence(cause == null ? null : Violation.Evidence.ofAudit(cause))
                .build();
    }

    /**
     * The latest recent change (within the correlation window) of a namespace the finding involves: those of its
     * deciding rules and of its example's ends. Null when none.
     */
    private AuditEvidence cause(Finding f, Instant now) {
        Set<String> namespaces = new LinkedHashSet<>();
        f.decidedBy().forEach(rule -> namespaces.add(namespaceOf(rule)));
        namespaces.add(f.example().source().namespace());
        namespaces.add(f.example().destination().namespace());
        AuditEvidence latest = null;
        for (String ns : namespaces) {
            AuditEvidence e = ns == null ? null : changes.explaining(ns, null, now);
            if (e != null && (latest == null || e.at().isAfter(latest.at()))) {
                latest = e;
            }
        }
        return latest;
    }

    private static Category category(Finding f) {
        return switch (f.peer().peerClass()) {
            case TENANT -> Category.CROSS_TENANT;
            case CONTROL_PLANE -> Category.TENANT_TO_CONTROL_PLANE;
            case EXTERNAL -> f.direction() == Direction.EGRESS ? Category.EXTERNAL_EGRESS : Category.EXTERNAL_INGRESS;
            default -> Category.OTHER;
        };
    }

    private static String namespaceOf(String rule) {
        int slash = rule.indexOf('/');
        return slash > 0 ? rule.substring(0, slash) : null;
    }
}
