package ai.matih.flowwatch.flow;

/** Whether a flow record describes the initiating direction of a connection or its reply. */
public enum Initiation {
    /** The source opened the connection. */
    INITIATING,
    /** A reply (source and destination swapped): not a new connection. */
    REPLY,
    /** The record does not say; judged as initiating. */
    UNKNOWN
}
