package ai.matih.flowwatch.violation;

import java.util.List;

/**
 * Estimates of the heap a stored violation holds: a fixed part (the records, their instants, the store's map entry and
 * merge state, the time index, one tenant index) and every text at two bytes a char, so that a violation whose texts
 * are long or not Latin-1 is never under-counted. Texts shared between violations (namespace and role names) are
 * counted for each, which keeps the estimate on the safe side: for ordinary violations with ASCII texts it runs about
 * twice the heap measured after GC. Pure.
 */
final class ViolationSizes {

    /**
     * The violation, its two endpoint views, evidence, lists, instants, the store's map entry, the empty replay memory
     * with one partition position (its arrays for two attempts and two fingerprints), the time index and one tenant
     * index entry.
     */
    static final int FIXED_BYTES = 1100;
    /** A second and further tenant index entry (a cross-tenant violation is indexed under both tenants). */
    static final int TENANT_INDEX_BYTES = 96;

    private static final int TEXT_BYTES = 40;
    private static final int ELEMENT_BYTES = 8;

    private ViolationSizes() {}

    /** Estimated heap bytes of {@code v} as the store keeps it (not its replay memory). */
    static long bytes(Violation v) {
        long bytes = FIXED_BYTES;
        bytes += text(v.id())
                + text(v.tenant())
                + text(v.peerTenant())
                + text(v.protocol())
                + text(v.observed())
                + text(v.policy())
                + text(v.intent())
                + text(v.reason())
                + text(v.sourceFormat())
                + text(v.node());
        bytes += texts(v.decidedBy());
        bytes += endpoint(v.source()) + endpoint(v.destination());
        if (v.peerTenant() != null) {
            bytes += TENANT_INDEX_BYTES;
        }
        Violation.Evidence e = v.evidence();
        if (e != null) {
            bytes += text(e.verdictDetail()) + texts(e.cniPolicies()) + texts(e.reporters()) + text(e.policyReason());
            AuditEvidence a = e.audit();
            if (a != null) {
                bytes += FIXED_BYTES / 8
                        + text(a.auditId())
                        + text(a.actor())
                        + text(a.verb())
                        + text(a.object())
                        + text(a.sourceIp());
            }
        }
        return bytes;
    }

    /**
     * True when {@code b} holds the very texts {@code a} does (the same objects, as a copy with new counters and times
     * has): its estimate is then {@code a}'s, without walking them again. Reference checks only.
     */
    static boolean sameTexts(Violation a, Violation b) {
        return a.id() == b.id()
                && a.tenant() == b.tenant()
                && a.peerTenant() == b.peerTenant()
                && a.protocol() == b.protocol()
                && a.observed() == b.observed()
                && a.policy() == b.policy()
                && a.intent() == b.intent()
                && a.reason() == b.reason()
                && a.sourceFormat() == b.sourceFormat()
                && a.node() == b.node()
                && a.decidedBy() == b.decidedBy()
                && a.source() == b.source()
                && a.destination() == b.destination()
                && a.evidence() == b.evidence();
    }

    private static long endpoint(EndpointView e) {
        if (e == null) {
            return 0;
        }
        return text(e.namespace())
                + text(e.workload())
                + text(e.pod())
                + text(e.ip())
                + text(e.tenant())
                + text(e.role())
                + text(e.name());
    }

    private static long texts(List<String> texts) {
        long bytes = 0;
        for (String s : texts) {
            bytes += ELEMENT_BYTES + text(s);
        }
        return bytes;
    }

    private static long text(String s) {
        return s == null ? 0 : TEXT_BYTES + 2L * s.length();
    }
}
