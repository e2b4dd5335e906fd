package ai.matih.flowwatch.violation;

/** What an event stream of violations sends: changes, a notice of a possible gap, and heartbeats. */
public sealed interface StreamEvent {

    /**
     * A new or changed violation, as it was when it changed.
     *
     * @param id        the event id ({@link StreamPosition}) to resume after
     * @param violation the violation
     */
    record Change(String id, Violation violation) implements StreamEvent {}

    /**
     * Sent once, first, when a stream resumes after an id whose following changes are not all held any more (another
     * process issued it, or more changes came since than the stream keeps): some changes may be missing between that
     * id and the events that follow, which start from the oldest change still held.
     *
     * @param lastEventId the id the client resumed after
     * @param detail      why changes may be missing and how to catch up
     */
    record Gap(String lastEventId, String detail) implements StreamEvent {}

    /** A heartbeat: tells the client and any proxy in between that the stream is alive. */
    record KeepAlive() implements StreamEvent {}
}
