package ai.matih.flowwatch.ingest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The broker writes a batch must see acknowledged before the batch itself may be. */
final class Writes {

    private Writes() {
    }

    /**
     * Completes when every write has been acknowledged; fails, saying how many writes failed or were still
     * unacknowledged, when one failed or they took longer than {@code timeout}.
     */
    static CompletableFuture<Void> durable(List<CompletableFuture<?>> writes, Duration timeout, String what) {
        if (writes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0]))
                .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .handle((ok, e) -> {
                    if (e == null) {
                        return null;
                    }
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof TimeoutException) {
                        long pending = writes.stream().filter(w -> !w.isDone()).count();
                        throw new IllegalStateException(pending + " of " + writes.size() + " " + what
                                + " writes not acknowledged within " + timeout, cause);
                    }
                    long failed = writes.stream().filter(CompletableFuture::isCompletedExceptionally).count();
                    throw new IllegalStateException(failed + " " + what + " writes failed", cause);
                });
    }
}
