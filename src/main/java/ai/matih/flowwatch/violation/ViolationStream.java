package ai.matih.flowwatch.violation;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Live feed of new and changed violations for the server-sent-events endpoint, resumable after a dropped connection.
 *
 * <p>Every change gets an id ({@link StreamPosition}): this process's epoch and a sequence number counting the
 * changes it announced, enciphered ({@link EventIds}), so that ids order the events for the stream but tell a client
 * nothing of how many changes of other tenants came in between. The latest change of each violation is kept, with its id, for as
 * many violations as the store keeps ({@code flowwatch.violations.max-stored}); a client that resumes after an id
 * first gets those kept changes after it, in order, of violations the store still holds, then the live ones, with no
 * gap and no duplicate between the two: the kept changes are read, and the client joins the live feed, in one step
 * with respect to new changes. When that id's epoch is not this process's (a restart, or another instance), or changes
 * after it are no longer kept, the client is first told that some may be missing ({@link StreamEvent.Gap}) and then
 * gets every kept change.
 *
 * <p>Ingestion never waits for a client: each subscriber has a buffer of {@value #BUFFER} events for the moments it is
 * writing (a batch can change dozens of violations at once), and events are written on worker threads; a client that
 * falls further behind is disconnected, with a warning, rather than silently missing events. It can resume with the
 * id of the last event it got.
 */
@ApplicationScoped
public class ViolationStream implements ViolationListener {

    /** Events one subscriber may have pending before it is disconnected. */
    public static final int BUFFER = 10_000;

    private static final Logger LOG = Logger.getLogger(ViolationStream.class);

    private final EventIds ids;
    private final StreamLog log;
    private final Predicate<String> held;
    /** Guards the log and the subscribers, so that a change is numbered, kept and fanned out in one step. */
    private final Object lock = new Object();

    /** Each open stream's live events, unfiltered (its filter runs on its worker thread), at most {@value #BUFFER} queued. */
    private final List<UnicastProcessor<StreamEvent>> taps = new ArrayList<>();

    @Inject
    public ViolationStream(ViolationConfig config, ViolationStore store) {
        this(Long.toString(System.currentTimeMillis(), 36), config.maxStored(), id -> store.get(id) != null);
    }

    /**
     * A stream of its own (tools, tests).
     *
     * @param epoch    the epoch of its ids
     * @param capacity the most violations whose latest change is kept for resuming clients
     * @param held     whether the store still holds a violation, by id
     */
    public ViolationStream(String epoch, int capacity, Predicate<String> held) {
        this.ids = new EventIds(epoch);
        this.log = new StreamLog(capacity);
        this.held = held;
    }

    @Override
    public void changed(Violation violation, boolean created) {
        synchronized (lock) {
            long sequence = log.append(violation);
            if (taps.isEmpty()) {
                return;
            }
            StreamEvent.Change change = new StreamEvent.Change(ids.id(sequence), violation);
            for (int i = 0; i < taps.size(); i++) {
                taps.get(i).onNext(change);
            }
        }
    }

    /** The violations from now on that match the filter, without heartbeats. */
    public Multi<StreamEvent> subscribe(ViolationFilter filter) {
        return subscribe(filter, null, null);
    }

    /**
     * The violations that match the filter: first the kept changes after {@code after} (none when null), then the
     * live ones; with a {@link StreamEvent.KeepAlive} every {@code heartbeat} (none when null).
     */
    public Multi<StreamEvent> subscribe(ViolationFilter filter, StreamPosition after, Duration heartbeat) {
        Multi<StreamEvent> events = Multi.createFrom().deferred(() -> open(filter, after));
        if (heartbeat == null) {
            return events;
        }
        Multi<StreamEvent> beats = Multi.createFrom()
                .ticks()
                .startingAfter(heartbeat)
                .every(heartbeat)
                .onOverflow()
                .drop()
                .map(tick -> new StreamEvent.KeepAlive());
        return Multi.createBy().merging().streams(events, beats);
    }

    /** Joins the live feed and reads what it resumes from, in one step; the join ends when the client goes. */
    private Multi<StreamEvent> open(ViolationFilter filter, StreamPosition after) {
        UnicastProcessor<StreamEvent> tap = UnicastProcessor.create(new ArrayBlockingQueue<>(BUFFER), null);
        Resumed resumed = null;
        synchronized (lock) {
            if (after != null) {
                resumed = resume(after);
            }
            taps.add(tap);
        }
        // the client's filter runs here, on a worker thread, never under the lock ingestion takes
        Multi<StreamEvent> live = tap.emitOn(Infrastructure.getDefaultWorkerPool())
                .select()
                .where(e -> !(e instanceof StreamEvent.Change c) || filter.matches(c.violation()))
                .onOverflow()
                .buffer(BUFFER);
        List<StreamEvent> backlog = resumed == null ? List.of() : backlog(resumed, after, filter);
        Multi<StreamEvent> all = backlog.isEmpty()
                ? live
                : Multi.createBy().concatenating().streams(Multi.createFrom().iterable(backlog), live);
        return all.onFailure(BackPressureFailure.class)
                .invoke(e -> LOG.warnf(
                        "An event-stream client fell more than %d events behind and was disconnected", BUFFER))
                .onTermination()
                .invoke(() -> leave(tap));
    }

    /** What a client resuming after {@code after} gets before the live events. Under the lock. */
    private Resumed resume(StreamPosition after) {
        String why = null;
        long from = ids.sequence(after);
        if (!ids.epoch().equals(after.epoch())) {
            why = "it was issued before flowwatch restarted, or by another instance";
            from = 0;
        } else if (from < 1 || from > log.last()) {
            why = "it was not issued by this stream";
            from = 0;
        }
        StreamLog.Tail tail = log.after(from);
        if (why == null && tail.gap()) {
            why = "more violations changed since than the stream keeps";
        }
        return new Resumed(tail.entries(), why);
    }

    /** The events a resuming client gets first: a notice when changes may be missing, then the matching kept ones. */
    private List<StreamEvent> backlog(Resumed resumed, StreamPosition after, ViolationFilter filter) {
        List<StreamEvent> events = new ArrayList<>();
        if (resumed.missing() != null) {
            events.add(new StreamEvent.Gap(
                    after.toString(),
                    "changes after " + after + " may be missing: " + resumed.missing() + ". The events that follow"
                            + " start from the oldest change still kept; GET /api/v1/violations has every violation"
                            + " still stored"));
        }
        for (StreamLog.Entry e : resumed.entries()) {
            Violation v = e.violation();
            if (filter.matches(v) && held.test(v.id())) {
                events.add(new StreamEvent.Change(ids.id(e.sequence()), v));
            }
        }
        return events;
    }

    /**
     * The kept changes a resuming client gets, and why some may be missing.
     *
     * @param entries the kept changes after its id (every kept one when some may be missing), oldest first
     * @param missing why changes may be missing, or null when none is
     */
    private record Resumed(List<StreamLog.Entry> entries, String missing) {}

    private void leave(UnicastProcessor<StreamEvent> tap) {
        synchronized (lock) {
            taps.remove(tap);
        }
    }

    /** The id of the change numbered {@code sequence} (tests). */
    String id(long sequence) {
        return ids.id(sequence);
    }

    /** The number of the change an id names, or -1 when this stream did not issue it (tests). */
    long sequence(String id) {
        return ids.sequence(StreamPosition.parse(id));
    }
}
