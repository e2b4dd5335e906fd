package ai.matih.flowwatch.ingest;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * One input channel's batches whose effects are merged but not yet durable. The channel goes on with its next batch
 * while the broker acknowledges the last one's writes, instead of idling for every round trip; a batch is still
 * acknowledged, so that its offsets may be committed, only once its own writes and every earlier batch's are. After a
 * failure, that batch and every later one are nacked with it, so no offset after the failure is ever committed and the
 * channel fails as before (README, "Reliability").
 *
 * <p>{@link #submit} is called by one thread at a time (the channel's ordered worker); completions arrive on the
 * producers' threads and only ack or nack.
 */
final class InFlightBatches {

    private final int limit;
    /** Each batch's outcome: null when durable, else why not; in order; the submitting thread's only. */
    private final ArrayDeque<CompletableFuture<Throwable>> pending = new ArrayDeque<>();
    private CompletableFuture<Throwable> last = CompletableFuture.completedFuture(null);

    /** @param limit batches whose writes may be awaited at once (at least 1) */
    InFlightBatches(int limit) {
        this.limit = Math.max(1, limit);
    }

    /**
     * Processes a batch with {@code process} (which returns when its effects are merged, with the future of their
     * durability) and arranges its acknowledgement. Returns at once unless {@code limit} batches are still waiting,
     * in which case it first waits for the oldest.
     */
    CompletionStage<Void> submit(Message<?> batch, Supplier<CompletableFuture<Void>> process) {
        makeRoom();
        CompletableFuture<Throwable> mine;
        if (last.isDone() && last.join() != null) {
            mine = last; // failed before: refuse without processing
        } else {
            CompletableFuture<Void> durable;
            try {
                durable = process.get();
            } catch (RuntimeException e) {
                durable = CompletableFuture.failedFuture(e);
            }
            mine = durable.handle((ok, e) -> e).thenCombine(last, (own, before) -> before != null ? before : own);
        }
        mine.thenAccept(failure -> {
            if (failure == null) {
                batch.ack();
            } else {
                batch.nack(failure);
            }
        });
        last = mine;
        pending.add(mine);
        return CompletableFuture.completedFuture(null);
    }

    private void makeRoom() {
        while (!pending.isEmpty() && (pending.peek().isDone() || pending.size() >= limit)) {
            pending.poll().join(); // never throws: an outcome holds its failure as a value
        }
    }
}
