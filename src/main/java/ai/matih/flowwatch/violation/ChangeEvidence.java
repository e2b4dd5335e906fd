package ai.matih.flowwatch.violation;

import java.time.Instant;

/**
 * The recent topology changes a new violation may be explained by: a change of either endpoint's namespace made
 * shortly before the violation began (learnt from the audit stream, see docs/topology.md). Called on the per-record
 * path, once per new violation, while the store holds that violation's entry: implementations answer from memory,
 * never block and never use the violation store.
 */
public interface ChangeEvidence {

    /**
     * The change of either namespace that most recently preceded {@code at} within the correlation window, or null.
     *
     * @param sourceNamespace      the source endpoint's namespace, or null
     * @param destinationNamespace the destination endpoint's namespace, or null
     * @param at                   when the violation began
     */
    AuditEvidence explaining(String sourceNamespace, String destinationNamespace, Instant at);
}
