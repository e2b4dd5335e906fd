package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.flow.Flow;

/** Receives what a record decodes into. One record may yield several of these calls (NDJSON, EventList). */
public interface DecodeSink {

    /** A decoded flow. */
    void flow(Flow flow);

    /** A decoded audit event. */
    void audit(AuditEvent event);

    /**
     * A known non-flow document that is skipped on purpose (Hubble {@code lost_events}, {@code agent_event},
     * {@code debug_event}).
     *
     * @param kind       the document kind, a bounded value
     * @param lostEvents events the source says it lost (coverage gap), 0 if not a lost-events line
     */
    void skipped(String kind, long lostEvents);

    /** A record or line that cannot be used. */
    void rejected(Rejection rejection);
}
