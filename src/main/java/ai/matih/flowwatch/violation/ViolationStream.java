package ai.matih.flowwatch.violation;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Live feed of new and changed violations for the server-sent-events endpoint. A slow client loses items
 * (counted by nothing but its own gaps) rather than slowing ingestion.
 */
@ApplicationScoped
public class ViolationStream implements ViolationListener {

    private final BroadcastProcessor<Violation> processor = BroadcastProcessor.create();

    @Override
    public void changed(Violation violation, boolean created) {
        processor.onNext(violation);
    }

    /** The violations from now on that match the filter. */
    public Multi<Violation> subscribe(ViolationFilter filter) {
        return processor.onOverflow().drop().select().where(filter::matches);
    }
}
