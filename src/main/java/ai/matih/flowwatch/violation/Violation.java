package ai.matih.flowwatch.violation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A violation as the REST API, the violations topic and alerts show it (docs/api.md). Immutable: every
 * update of its counters is a new instance with the same {@code id}.
 *
 * <p>Built with {@link #builder()} (or {@link #toBuilder()} to change some fields of one), which names every field
 * it sets, so two fields of one type cannot be swapped unnoticed. Every violation has an {@code id}, a {@code type}
 * and a {@code severity}: one without fails to build, naming the field.
 *
 * @param id           stable id derived from the key and the window: a replay never makes a second one
 * @param type         violation type
 * @param severity     severity
 * @param category     forbidden pattern (cross-tenant, ...), null for permitted traffic
 * @param tenant       the tenant it concerns (the source's when the source is a tenant, else the destination's)
 * @param peerTenant   the tenant at the other end, or null
 * @param source       the source endpoint
 * @param destination  the destination endpoint
 * @param protocol     TCP, UDP, SCTP, ICMP, ICMPV6, GRE, ESP, AH..., an IANA number 0-255 for a protocol without a
 *                     name, or UNKNOWN; null for audit detections
 * @param port         destination port, or null
 * @param observed     what the CNI did (ALLOWED, DENIED, AUDIT, UNKNOWN); null for audit detections
 * @param policy       the policy axis (ALLOW, DENY, INDETERMINATE); null when not judged
 * @param intent       the intent axis (PERMITTED, FORBIDDEN); null when not judged
 * @param cause        what the policy axis says is to blame, or null
 * @param reason       a sentence for the user
 * @param decidedBy    the policies (and rules) that decided
 * @param sourceFormat the format of the first record (calico, goldmane, hubble, audit)
 * @param node         the node of the first record, or null
 * @param cluster      the cluster flowwatch watches ({@code flowwatch.cluster.name}), or null when not named
 * @param firstSeen    first connection attempt in the window
 * @param lastSeen     last connection attempt in the window
 * @param count        connection attempts, after merging the reports of one attempt
 * @param observations raw records merged
 * @param evidence     what the records and the policy axis said
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Violation(
        String id,
        ViolationType type,
        Severity severity,
        Category category,
        String tenant,
        String peerTenant,
        EndpointView source,
        EndpointView destination,
        String protocol,
        Integer port,
        String observed,
        String policy,
        String intent,
        Cause cause,
        String reason,
        List<String> decidedBy,
        String sourceFormat,
        String node,
        String cluster,
        Instant firstSeen,
        Instant lastSeen,
        long count,
        long observations,
        Evidence evidence) {

    public Violation {
        Objects.requireNonNull(id, "a violation needs an id");
        Objects.requireNonNull(type, "a violation needs a type");
        Objects.requireNonNull(severity, "a violation needs a severity");
        decidedBy = decidedBy == null ? List.of() : List.copyOf(decidedBy);
    }

    /** A builder of a new violation: set at least {@code id}, {@code type} and {@code severity}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this violation's fields. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A copy with new counters and times. On the per-record path (every merge), so it copies the fields without a
     * builder.
     */
    public Violation withCounters(
            Instant first, Instant last, long newCount, long newObservations, Evidence newEvidence) {
        return new Violation(
                id,
                type,
                severity,
                category,
                tenant,
                peerTenant,
                source,
                destination,
                protocol,
                port,
                observed,
                policy,
                intent,
                cause,
                reason,
                decidedBy,
                sourceFormat,
                node,
                cluster,
                first,
                last,
                newCount,
                newObservations,
                newEvidence);
    }

    /**
     * Evidence behind a violation.
     *
     * @param verdictDetail what the CNI said of its verdict (drop reason, staged deny)
     * @param cniPolicies   policies the CNI reported as deciding
     * @param reporters     reporters / observation points that saw it
     * @param policyReason  why the policy axis decided as it did
     * @param audit         the audit event behind an audit detection, or the one that explains a flow violation, or
     *                      null
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Evidence(
            String verdictDetail,
            List<String> cniPolicies,
            List<String> reporters,
            String policyReason,
            AuditEvidence audit) {

        public Evidence {
            cniPolicies = cniPolicies == null ? List.of() : List.copyOf(cniPolicies);
            reporters = reporters == null ? List.of() : List.copyOf(reporters);
        }

        /** The evidence of an audit detection: the audit event alone. */
        public static Evidence ofAudit(AuditEvidence audit) {
            return new Evidence(null, List.of(), List.of(), null, audit);
        }

        /** A copy with these reporters. */
        public Evidence withReporters(List<String> newReporters) {
            return new Evidence(verdictDetail, cniPolicies, newReporters, policyReason, audit);
        }

        /** A copy with this audit event. */
        public Evidence withAudit(AuditEvidence newAudit) {
            return new Evidence(verdictDetail, cniPolicies, reporters, policyReason, newAudit);
        }
    }

    /** Sets a violation's fields by name; {@link #build()} checks that the required ones are set. Not thread-safe. */
    public static final class Builder {

        private String id;
        private ViolationType type;
        private Severity severity;
        private Category category;
        private String tenant;
        private String peerTenant;
        private EndpointView source;
        private EndpointView destination;
        private String protocol;
        private Integer port;
        private String observed;
        private String policy;
        private String intent;
        private Cause cause;
        private String reason;
        private List<String> decidedBy = List.of();
        private String sourceFormat;
        private String node;
        private String cluster;
        private Instant firstSeen;
        private Instant lastSeen;
        private long count;
        private long observations;
        private Evidence evidence;

        private Builder() {}

        private Builder(Violation v) {
            id = v.id;
            type = v.type;
            severity = v.severity;
            category = v.category;
            tenant = v.tenant;
            peerTenant = v.peerTenant;
            source = v.source;
            destination = v.destination;
            protocol = v.protocol;
            port = v.port;
            observed = v.observed;
            policy = v.policy;
            intent = v.intent;
            cause = v.cause;
            reason = v.reason;
            decidedBy = v.decidedBy;
            sourceFormat = v.sourceFormat;
            node = v.node;
            cluster = v.cluster;
            firstSeen = v.firstSeen;
            lastSeen = v.lastSeen;
            count = v.count;
            observations = v.observations;
            evidence = v.evidence;
        }

        public Builder id(String value) {
            id = value;
            return this;
        }

        public Builder type(ViolationType value) {
            type = value;
            return this;
        }

        public Builder severity(Severity value) {
            severity = value;
            return this;
        }

        public Builder category(Category value) {
            category = value;
            return this;
        }

        public Builder tenant(String value) {
            tenant = value;
            return this;
        }

        public Builder peerTenant(String value) {
            peerTenant = value;
            return this;
        }

        public Builder source(EndpointView value) {
            source = value;
            return this;
        }

        public Builder destination(EndpointView value) {
            destination = value;
            return this;
        }

        public Builder protocol(String value) {
            protocol = value;
            return this;
        }

        public Builder port(Integer value) {
            port = value;
            return this;
        }

        public Builder observed(String value) {
            observed = value;
            return this;
        }

        public Builder policy(String value) {
            policy = value;
            return this;
        }

        public Builder intent(String value) {
            intent = value;
            return this;
        }

        public Builder cause(Cause value) {
            cause = value;
            return this;
        }

        public Builder reason(String value) {
            reason = value;
            return this;
        }

        public Builder decidedBy(List<String> value) {
            decidedBy = value;
            return this;
        }

        public Builder sourceFormat(String value) {
            sourceFormat = value;
            return this;
        }

        public Builder node(String value) {
            node = value;
            return this;
        }

        public Builder cluster(String value) {
            cluster = value;
            return this;
        }

        public Builder firstSeen(Instant value) {
            firstSeen = value;
            return this;
        }

        public Builder lastSeen(Instant value) {
            lastSeen = value;
            return this;
        }

        /** Sets {@code firstSeen} and {@code lastSeen} to one time. */
        public Builder seen(Instant value) {
            firstSeen = value;
            lastSeen = value;
            return this;
        }

        public Builder count(long value) {
            count = value;
            return this;
        }

        public Builder observations(long value) {
            observations = value;
            return this;
        }

        public Builder evidence(Evidence value) {
            evidence = value;
            return this;
        }

        /** The violation; fails, naming the field, when {@code id}, {@code type} or {@code severity} is not set. */
        public Violation build() {
            return new Violation(
                    id,
                    type,
                    severity,
                    category,
                    tenant,
                    peerTenant,
                    source,
                    destination,
                    protocol,
                    port,
                    observed,
                    policy,
                    intent,
                    cause,
                    reason,
                    decidedBy,
                    sourceFormat,
                    node,
                    cluster,
                    firstSeen,
                    lastSeen,
                    count,
                    observations,
                    evidence);
        }
    }
}
