package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.decode.BatchIntake;
import ai.matih.flowwatch.decode.FlowFormat;
import ai.matih.flowwatch.decode.FlowFormats;
import ai.matih.flowwatch.metrics.PipelineMetrics;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * Takes the batches of every format's channel (each format package declares its channel with an {@code @Incoming}
 * bean that calls {@link #consume}). Each batch is processed on the channel's worker, one at a time and in order; it
 * is acknowledged (manually, once its writes are durable: {@link InFlightBatches}) while later batches are processed.
 * The freshness of every format's records is tracked from the start ({@link PipelineMetrics#trackFreshness}).
 */
@ApplicationScoped
public class InputConsumer implements BatchIntake {

    private final RecordProcessor processor;
    private final Map<String, InFlightBatches> channels = new HashMap<>();

    private final ExecutorService settle = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flowwatch-acks");
        t.setDaemon(true);
        return t;
    });

    public InputConsumer(RecordProcessor processor, IngestConfig config, FlowFormats formats, PipelineMetrics metrics) {
        this.processor = processor;
        for (FlowFormat format : formats.all()) {
            channels.put(format.channel(), new InFlightBatches(format.channel(), config.batchesInFlight(), settle));
            format.metricTags().forEach(metrics::trackFreshness);
        }
    }

    @PreDestroy
    void close() {
        settle.shutdown();
    }

    @Override
    public CompletionStage<Void> consume(FlowFormat format, KafkaRecordBatch<byte[], byte[]> batch) {
        InFlightBatches inFlight = channels.get(format.channel());
        if (inFlight == null) {
            throw new IllegalStateException("no format reads channel " + format.channel());
        }
        return inFlight.submit(batch, () -> processor.process(format, records(batch)));
    }

    @SuppressWarnings("unchecked")
    private static ConsumerRecords<byte[], byte[]> records(KafkaRecordBatch<byte[], byte[]> batch) {
        return batch.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                .map(m -> (ConsumerRecords<byte[], byte[]>) m.getRecords())
                .orElseThrow(() -> new IllegalStateException("a Kafka batch without its records' metadata"));
    }
}
