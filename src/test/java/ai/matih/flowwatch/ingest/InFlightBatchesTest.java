package ai.matih.flowwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

class InFlightBatchesTest {

    /** A batch that records how it was settled, in the order batches were settled. */
    private static class Batch implements Message<String> {
        private final String name;
        private final List<String> log;

        Batch(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public String getPayload() {
            return name;
        }

        @Override
        public CompletionStage<Void> ack(Metadata metadata) {
            synchronized (log) {
                log.add(name + " acked");
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> nack(Throwable reason, Metadata metadata) {
            synchronized (log) {
                log.add(name + " nacked: " + reason.getMessage());
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    private final List<String> log = new ArrayList<>();

    @Test
    void givenWritesAcknowledgedOutOfOrder_whenSettled_thenBatchesAreAcknowledgedInOrder() {
        // Given three batches whose writes are still in flight
        InFlightBatches batches = new InFlightBatches("test", 4, Runnable::run);
        List<CompletableFuture<Void>> writes =
                List.of(new CompletableFuture<>(), new CompletableFuture<>(), new CompletableFuture<>());
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Void> w = writes.get(i);
            assertThat(batches.submit(new Batch("b" + i, log), () -> w)).isCompleted();
        }
        assertThat(log).isEmpty();

        // When the broker acknowledges the last batch's writes first, then the first's, then the second's
        writes.get(2).complete(null);
        assertThat(log).as("b2 waits for b0 and b1").isEmpty();
        writes.get(0).complete(null);
        assertThat(log).containsExactly("b0 acked");
        writes.get(1).complete(null);

        // Then each batch is acknowledged once, in order
        assertThat(log).containsExactly("b0 acked", "b1 acked", "b2 acked");
    }

    @Test
    void givenAFailedWrite_whenLaterBatchesArrive_thenTheyAreNackedWithItAndNotProcessed() {
        // Given a batch whose writes fail while a later one's succeed
        InFlightBatches batches = new InFlightBatches("test", 4, Runnable::run);
        CompletableFuture<Void> first = new CompletableFuture<>();
        batches.submit(new Batch("b0", log), () -> first);
        batches.submit(new Batch("b1", log), () -> CompletableFuture.completedFuture(null));
        first.completeExceptionally(new IllegalStateException("2 violations-topic writes failed"));

        // When another batch arrives after the failure
        AtomicInteger processed = new AtomicInteger();
        batches.submit(new Batch("b2", log), () -> {
            processed.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        });

        // Then no batch from the failed one on is acknowledged, and the later one is not even processed
        assertThat(log)
                .containsExactly(
                        "b0 nacked: 2 violations-topic writes failed",
                        "b1 nacked: 2 violations-topic writes failed",
                        "b2 nacked: 2 violations-topic writes failed");
        assertThat(processed).hasValue(0);
    }

    @Test
    void givenProcessingThrows_whenSubmitted_thenTheBatchIsNackedWithTheFailure() {
        InFlightBatches batches = new InFlightBatches("test", 4, Runnable::run);

        batches.submit(new Batch("b0", log), () -> {
            throw new IllegalStateException("the violations store was not rebuilt within 5 minutes");
        });

        assertThat(log).containsExactly("b0 nacked: the violations store was not rebuilt within 5 minutes");
    }

    @Test
    void givenTheLimitOfBatchesInFlight_whenOneMoreArrives_thenItWaitsForTheOldest() throws Exception {
        // Given two batches in flight with a limit of two
        InFlightBatches batches = new InFlightBatches("test", 2, Runnable::run);
        CompletableFuture<Void> oldest = new CompletableFuture<>();
        batches.submit(new Batch("b0", log), () -> oldest);
        batches.submit(new Batch("b1", log), CompletableFuture::new);
        AtomicInteger processed = new AtomicInteger();
        Thread worker = new Thread(
                () -> batches.submit(new Batch("b2", log), () -> {
                    processed.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                }),
                "worker");

        // When a third arrives
        worker.start();

        // Then it waits, unprocessed, until the oldest is settled
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !worker.isAlive() || worker.getState() == Thread.State.WAITING);
        assertThat(worker.isAlive()).as("the third batch waits").isTrue();
        assertThat(processed).hasValue(0);
        oldest.complete(null);
        worker.join(10_000);
        assertThat(processed).hasValue(1);
        assertThat(log).containsExactly("b0 acked");
    }

    @Test
    void givenAnEarlierBatchDurableAndALaterOneFailing_whenSettled_thenOnlyTheLaterIsNacked() {
        InFlightBatches batches = new InFlightBatches("test", 4, Runnable::run);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        batches.submit(new Batch("b0", log), () -> first);
        batches.submit(new Batch("b1", log), () -> second);

        // the later batch's write fails while the earlier one's is still in flight
        second.completeExceptionally(new IllegalStateException("1 dead-letter writes failed"));
        assertThat(log).as("b1 is settled only after b0").isEmpty();
        first.complete(null);

        assertThat(log).containsExactly("b0 acked", "b1 nacked: 1 dead-letter writes failed");
    }

    @Test
    void givenAFailureWrappedByTheFutureThatCombinesTheWrites_whenNacked_thenTheReasonIsTheFailureItself() {
        InFlightBatches batches = new InFlightBatches("test", 4, Runnable::run);
        CompletableFuture<Void> violations = new CompletableFuture<>();
        CompletableFuture<Void> deadLetters = CompletableFuture.completedFuture(null);
        batches.submit(new Batch("b0", log), () -> violations.thenCombine(deadLetters, (a, b) -> null));

        violations.completeExceptionally(new IllegalStateException("3 violations-topic writes failed"));

        assertThat(log).containsExactly("b0 nacked: 3 violations-topic writes failed");
    }

    @Test
    void givenWritesCompletedOnAProducerThread_whenSettled_thenTheAckRunsOnTheSettlingExecutor() {
        ExecutorService settle = Executors.newSingleThreadExecutor(r -> new Thread(r, "settle"));
        try {
            InFlightBatches batches = new InFlightBatches("test", 4, settle);
            CompletableFuture<Void> write = new CompletableFuture<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            batches.submit(
                    new Batch("b0", log) {
                        @Override
                        public CompletionStage<Void> ack(Metadata metadata) {
                            threads.add(Thread.currentThread().getName());
                            return super.ack(metadata);
                        }
                    },
                    () -> write);

            write.complete(null); // on this (the "producer") thread

            await().atMost(Duration.ofSeconds(10)).until(() -> !threads.isEmpty());
            assertThat(threads).containsExactly("settle");
        } finally {
            settle.shutdownNow();
        }
    }
}
