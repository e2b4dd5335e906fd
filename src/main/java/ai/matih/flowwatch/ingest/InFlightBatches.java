package ai.matih.flowwatch.ingest;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * One input channel's batches whose effects are merged but not yet durable. The channel goes on with its next batch
 * while the broker acknowledges the last one's writes, instead of idling for every round trip; a batch is still
 * acknowledged, so that its offsets may be committed, only once its own writes and every earlier batch's are. After a
 * failure, that batch and every later one are nacked with it, so no offset after the failure is ever committed and the
 * channel fails as before (docs/reliability.md).
 *
 * <p>{@link #submit} is called by one thread at a time: SmallRye hands an ordered blocking channel its next batch
 * only once the previous call returned. It is synchronized all the same (once per batch, uncontended), so that a
 * channel given several consumers ({@code concurrency}) stays correct: their batches are then acknowledged in the
 * order they were submitted. Acks and nacks run on
 * {@code settle}, never on the producer or timer thread that completed the last write (a nack with
 * {@code failure-strategy=fail} closes the consumer, which may take seconds).
 */
final class InFlightBatches {

    private static final Logger LOGGER = Logger.getLogger(InFlightBatches.class);

    private final String channel;
    private final int limit;
    private final Executor settle;
    /** Each batch's outcome: null when durable, else why not; in order; the submitting thread's only. */
    private final ArrayDeque<CompletableFuture<Throwable>> pending = new ArrayDeque<>();

    private CompletableFuture<Throwable> last = CompletableFuture.completedFuture(null);

    /**
     * @param channel for log messages
     * @param limit   batches whose writes may be awaited at once (at least 1)
     * @param settle  where acks and nacks run
     */
    InFlightBatches(String channel, int limit, Executor settle) {
        this.channel = channel;
        this.limit = Math.max(1, limit);
        this.settle = settle;
    }

    /**
     * Processes a batch with {@code process} (which returns when its effects are merged, with the future of their
     * durability) and arranges its acknowledgement. Returns at once unless {@code limit} batches are still waiting,
     * in which case it first waits for the oldest.
     */
    synchronized CompletionStage<Void> submit(Message<?> batch, Supplier<CompletableFuture<Void>> process) {
        makeRoom();
        CompletableFuture<Throwable> mine;
        if (last.isDone() && last.join() != null) {
            mine = last; // failed before: refuse without processing
        } else {
            CompletableFuture<Void> durable;
            try {
                durable = process.get();
            } catch (Throwable e) {
                durable = CompletableFuture.failedFuture(e);
            }
            mine = durable.handle((ok, e) -> unwrap(e))
                    .thenCombine(last, (own, before) -> before != null ? before : own);
        }
        mine.thenAcceptAsync(failure -> settle(batch, failure), settle);
        last = mine;
        pending.add(mine);
        return CompletableFuture.completedFuture(null);
    }

    private void settle(Message<?> batch, Throwable failure) {
        CompletionStage<Void> done = failure == null ? batch.ack() : batch.nack(failure);
        done.whenComplete((ok, e) -> {
            if (e != null) {
                // the offsets stay uncommitted; the connector fails the channel once they are too old
                LOGGER.warnf(e, "channel %s: a batch could not be %s", channel, failure == null ? "acked" : "nacked");
            }
        });
    }

    /** The failure a dependent future's {@code CompletionException} wraps. */
    static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private void makeRoom() {
        while (!pending.isEmpty() && (pending.peek().isDone() || pending.size() >= limit)) {
            pending.poll().join(); // never throws: an outcome holds its failure as a value
        }
    }
}
