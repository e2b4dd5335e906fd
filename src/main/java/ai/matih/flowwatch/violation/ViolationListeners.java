package ai.matih.flowwatch.violation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/** Fans a violation change out to every {@link ViolationListener} bean; a failing listener never stops the stream. */
@ApplicationScoped
public class ViolationListeners {

    private static final Logger LOGGER = Logger.getLogger(ViolationListeners.class);

    private final List<ViolationListener> listeners;
    private volatile boolean warned;

    @Inject
    public ViolationListeners(Instance<ViolationListener> listeners) {
        this(listeners.stream().toList());
    }

    /** These listeners, in this order (tools, tests). */
    public ViolationListeners(List<ViolationListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    public void changed(Violation violation, boolean created) {
        for (int i = 0; i < listeners.size(); i++) {
            try {
                listeners.get(i).changed(violation, created);
            } catch (RuntimeException e) {
                if (!warned) {
                    warned = true;
                    LOGGER.warnf(
                            e,
                            "violation listener %s failed (logged once)",
                            listeners.get(i).getClass().getName());
                }
            }
        }
    }
}
