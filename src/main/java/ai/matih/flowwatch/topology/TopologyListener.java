package ai.matih.flowwatch.topology;

/**
 * Told by {@link TopologyHolder} each time it swaps in a new snapshot (a manifest reload, a change learnt from the
 * audit stream, a replacement). Called on the thread that swapped, under the holder's lock: an implementation only
 * takes note (e.g. schedules work on a thread of its own) and returns at once; it never blocks and never calls back
 * into the holder's writers.
 */
@FunctionalInterface
public interface TopologyListener {

    /** A new snapshot is current. */
    void topologyChanged(Topology current);
}
