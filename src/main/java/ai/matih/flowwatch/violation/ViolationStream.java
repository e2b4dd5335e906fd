package ai.matih.flowwatch.violation;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Live feed of new and changed violations for the server-sent-events endpoint. Ingestion never waits for a client:
 * each subscriber has a buffer of {@value #BUFFER} events for the moments it is writing (a batch can change dozens
 * of violations at once); a client that falls further behind is disconnected, with a warning, rather than silently
 * missing events. It can reconnect and catch up from {@code GET /api/v1/violations}.
 */
@ApplicationScoped
public class ViolationStream implements ViolationListener {

    /** Events one subscriber may have pending before it is disconnected. */
    public static final int BUFFER = 10_000;

    private static final Logger LOG = Logger.getLogger(ViolationStream.class);

    private final BroadcastProcessor<Violation> processor = BroadcastProcessor.create();

    @Override
    public void changed(Violation violation, boolean created) {
        processor.onNext(violation);
    }

    /** The violations from now on that match the filter. */
    public Multi<Violation> subscribe(ViolationFilter filter) {
        return processor
                .onOverflow()
                .buffer(BUFFER)
                .select()
                .where(filter::matches)
                .onFailure(BackPressureFailure.class)
                .invoke(e -> LOG.warnf(
                        "An event-stream client fell more than %d events behind and was disconnected", BUFFER));
    }
}
