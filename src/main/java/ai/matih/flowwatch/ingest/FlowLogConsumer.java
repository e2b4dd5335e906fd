package ai.matih.flowwatch.ingest;

import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes the flow-log topics in batches. */
@ApplicationScoped
public class FlowLogConsumer {

    /** Channel of {@code flowwatch.topics.calico}. */
    public static final String CALICO_CHANNEL = "calico-flows";
    /** Channel of {@code flowwatch.topics.hubble}. */
    public static final String HUBBLE_CHANNEL = "hubble-flows";
    /** Channel of {@code flowwatch.topics.audit}. */
    public static final String AUDIT_CHANNEL = "k8s-audit";

    private final RecordProcessor processor;

    public FlowLogConsumer(RecordProcessor processor) {
        this.processor = processor;
    }

    @Incoming(CALICO_CHANNEL)
    @Blocking
    public void calico(ConsumerRecords<byte[], byte[]> records) {
        processor.process(InputKind.CALICO, records);
    }

    @Incoming(HUBBLE_CHANNEL)
    @Blocking
    public void hubble(ConsumerRecords<byte[], byte[]> records) {
        processor.process(InputKind.HUBBLE, records);
    }

    @Incoming(AUDIT_CHANNEL)
    @Blocking
    public void audit(ConsumerRecords<byte[], byte[]> records) {
        processor.process(InputKind.AUDIT, records);
    }
}
