package ai.matih.flowwatch.violation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A violation as the REST API, the violations topic and alerts show it (docs/api.md). Immutable: every
 * update of its counters is a new instance with the same {@code id}.
 *
 * @param id           stable id derived from the key and the window: a replay never makes a second one
 * @param type         violation type
 * @param severity     severity
 * @param category     forbidden pattern (cross-tenant, ...), null for permitted traffic
 * @param tenant       the tenant it concerns (the source's when the source is a tenant, else the destination's)
 * @param peerTenant   the tenant at the other end, or null
 * @param source       the source endpoint
 * @param destination  the destination endpoint
 * @param protocol     TCP, UDP, SCTP, ICMP, ICMPV6, OTHER; null for audit detections
 * @param port         destination port, or null
 * @param observed     what the CNI did (ALLOWED, DENIED, AUDIT, UNKNOWN); null for audit detections
 * @param policy       the policy axis (ALLOW, DENY, INDETERMINATE); null when not judged
 * @param intent       the intent axis (PERMITTED, FORBIDDEN); null when not judged
 * @param cause        what the policy axis says is to blame, or null
 * @param reason       a sentence for the user
 * @param decidedBy    the policies (and rules) that decided
 * @param sourceFormat the format of the first record (calico, goldmane, hubble, audit)
 * @param node         the node of the first record, or null
 * @param firstSeen    first connection attempt in the window
 * @param lastSeen     last connection attempt in the window
 * @param count        connection attempts, after merging the reports of one attempt
 * @param observations raw records merged
 * @param evidence     what the records and the policy axis said
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Violation(String id, ViolationType type, Severity severity, Category category, String tenant,
                        String peerTenant, EndpointView source, EndpointView destination, String protocol,
                        Integer port, String observed, String policy, String intent, Cause cause, String reason,
                        List<String> decidedBy, String sourceFormat, String node, Instant firstSeen,
                        Instant lastSeen, long count, long observations, Evidence evidence) {

    public Violation {
        decidedBy = decidedBy == null ? List.of() : List.copyOf(decidedBy);
    }

    /** A copy with new counters and times. */
    public Violation withCounters(Instant first, Instant last, long newCount, long newObservations, Evidence newEvidence) {
        return new Violation(id, type, severity, category, tenant, peerTenant, source, destination, protocol, port,
                observed, policy, intent, cause, reason, decidedBy, sourceFormat, node, first, last, newCount,
                newObservations, newEvidence);
    }

    /**
     * Evidence behind a violation.
     *
     * @param verdictDetail what the CNI said of its verdict (drop reason, staged deny)
     * @param cniPolicies   policies the CNI reported as deciding
     * @param reporters     reporters / observation points that saw it
     * @param policyReason  why the policy axis decided as it did
     * @param audit         the audit event behind an audit detection, or null
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Evidence(String verdictDetail, List<String> cniPolicies, List<String> reporters, String policyReason,
                           AuditEvidence audit) {

        public Evidence {
            cniPolicies = cniPolicies == null ? List.of() : List.copyOf(cniPolicies);
            reporters = reporters == null ? List.of() : List.copyOf(reporters);
        }
    }
}
