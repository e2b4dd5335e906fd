package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.decode.InputKind;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes the flow-log topics in batches. Each batch is processed on the channel's worker, one at a time and in
 * order; it is acknowledged (manually, once its writes are durable: {@link InFlightBatches}) while later batches
 * are processed.
 */
@ApplicationScoped
public class InputConsumer {

    /** Channel of {@code flowwatch.topics.calico}. */
    public static final String CALICO_CHANNEL = "calico-flows";
    /** Channel of {@code flowwatch.topics.hubble}. */
    public static final String HUBBLE_CHANNEL = "hubble-flows";
    /** Channel of {@code flowwatch.topics.audit}. */
    public static final String AUDIT_CHANNEL = "k8s-audit";

    private final RecordProcessor processor;
    private final InFlightBatches calico;
    private final InFlightBatches hubble;
    private final InFlightBatches audit;

    private final ExecutorService settle = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flowwatch-acks");
        t.setDaemon(true);
        return t;
    });

    public InputConsumer(RecordProcessor processor, IngestConfig config) {
        this.processor = processor;
        this.calico = new InFlightBatches(CALICO_CHANNEL, config.batchesInFlight(), settle);
        this.hubble = new InFlightBatches(HUBBLE_CHANNEL, config.batchesInFlight(), settle);
        this.audit = new InFlightBatches(AUDIT_CHANNEL, config.batchesInFlight(), settle);
    }

    @PreDestroy
    void close() {
        settle.shutdown();
    }

    @Incoming(CALICO_CHANNEL)
    @Blocking
    public CompletionStage<Void> calico(KafkaRecordBatch<byte[], byte[]> batch) {
        return consume(calico, InputKind.CALICO, batch);
    }

    @Incoming(HUBBLE_CHANNEL)
    @Blocking
    public CompletionStage<Void> hubble(KafkaRecordBatch<byte[], byte[]> batch) {
        return consume(hubble, InputKind.HUBBLE, batch);
    }

    @Incoming(AUDIT_CHANNEL)
    @Blocking
    public CompletionStage<Void> audit(KafkaRecordBatch<byte[], byte[]> batch) {
        return consume(audit, InputKind.AUDIT, batch);
    }

    private CompletionStage<Void> consume(InFlightBatches inFlight, InputKind kind,
                                          KafkaRecordBatch<byte[], byte[]> batch) {
        return inFlight.submit(batch, () -> processor.process(kind, records(batch)));
    }

    @SuppressWarnings("unchecked")
    private static ConsumerRecords<byte[], byte[]> records(KafkaRecordBatch<byte[], byte[]> batch) {
        return batch.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                .map(m -> (ConsumerRecords<byte[], byte[]>) m.getRecords())
                .orElseThrow(() -> new IllegalStateException("a Kafka batch without its records' metadata"));
    }
}
