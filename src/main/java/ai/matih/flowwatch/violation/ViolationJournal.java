package ai.matih.flowwatch.violation;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where {@link ViolationRecorder} makes changed violations durable: the violations topic, written by
 * {@link ViolationTopicWriter}. A batch of records ({@link #begin()} … {@link #flush()}, on one thread) writes each
 * violation it changed once, in its state at the end of the batch; outside a batch a change is written at once. Called
 * on the per-record path: {@link #changed} never blocks.
 */
public interface ViolationJournal {

    /** Starts collecting this thread's changes. */
    void begin();

    /** Writes every violation changed since {@link #begin()}; the futures complete when the writes are durable. */
    List<CompletableFuture<?>> flush();

    /** Writes this violation's stored state: at the end of this thread's batch, or at once outside one. */
    void changed(String id);
}
