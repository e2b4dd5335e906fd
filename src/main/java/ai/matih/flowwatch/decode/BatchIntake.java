package ai.matih.flowwatch.decode;

import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import java.util.concurrent.CompletionStage;

/**
 * Where a format's channel hands its polled batches: the intake decodes, judges and acknowledges them, one batch at a
 * time per channel and in order. A format package declares its channel with a small {@code @Incoming} bean that
 * calls this (docs/adding-a-format.md).
 */
public interface BatchIntake {

    /**
     * Takes one batch of {@code format}'s channel; the stage completes once the batch has been processed, and the
     * batch is acknowledged once its effects are durable.
     */
    CompletionStage<Void> consume(FlowFormat format, KafkaRecordBatch<byte[], byte[]> batch);
}
