package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.Flow;

/**
 * Where the classifier reports each judged connection it sees, for a memory of recently observed connections (the
 * isolation room keeps it, behind the change impact and the least-privilege recommendation). Called on the per-record
 * path for every flow whose intent was judged and whose verdict the record carries: an implementation must be cheap
 * for a connection it already knows, thread-safe, and must never throw.
 */
public interface ConnectionMemory {

    /** Remembers nothing. */
    ConnectionMemory NONE = (flow, source, destination) -> {};

    /**
     * One judged connection.
     *
     * @param flow        the record (its time, observed verdict, protocol and port)
     * @param source      its source as placed in the tenancy model
     * @param destination its destination as placed
     */
    void observed(Flow flow, Party source, Party destination);
}
