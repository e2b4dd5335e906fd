package ai.matih.flowwatch.decode.calico;

import ai.matih.flowwatch.decode.BatchIntake;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** The calico format's channel: hands each polled batch of its topic to the intake, in order, on a worker thread. */
@ApplicationScoped
public class CalicoChannel {

    private final CalicoFormat format;
    private final BatchIntake intake;

    public CalicoChannel(CalicoFormat format, BatchIntake intake) {
        this.format = format;
        this.intake = intake;
    }

    @Incoming(CalicoFormat.CHANNEL)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<byte[], byte[]> batch) {
        return intake.consume(format, batch);
    }
}
