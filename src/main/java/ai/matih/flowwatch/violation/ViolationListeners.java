package ai.matih.flowwatch.violation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import org.jboss.logging.Logger;

/** Fans a violation change out to every {@link ViolationListener} bean; a failing listener never stops the stream. */
@ApplicationScoped
public class ViolationListeners {

    private static final Logger LOGGER = Logger.getLogger(ViolationListeners.class);

    private final List<ViolationListener> listeners;
    private volatile boolean warned;

    public ViolationListeners(Instance<ViolationListener> listeners) {
        this.listeners = listeners.stream().toList();
    }

    public void changed(Violation violation, boolean created) {
        for (int i = 0; i < listeners.size(); i++) {
            try {
                listeners.get(i).changed(violation, created);
            } catch (RuntimeException e) {
                if (!warned) {
                    warned = true;
                    LOGGER.warnf(e, "violation listener %s failed (logged once)", listeners.get(i).getClass().getName());
                }
            }
        }
    }
}
