package ai.matih.flowwatch.audit;

import ai.matih.flowwatch.topology.LabelBounds;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyChange;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * What a successful, completed, non-dry-run audit event changes in the topology: namespace labels and
 * NetworkPolicies. Pure, but for one WARN a minute at most when a namespace's labels would pass their bounds.
 *
 * <p>A namespace's labels after a patch are the labels it had plus what the patch adds, so the bounds one event is
 * held to at the door do not bound them: the labels the change leaves are held to {@link LabelBounds} too, and a change
 * past them is not applied (read as stale: the namespace keeps its previous labels).
 */
public final class AuditTopologyChanges {

    private static final Logger LOGGER = Logger.getLogger(AuditTopologyChanges.class);
    /** At most one WARN per this many nanoseconds about labels past their bounds. */
    private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final AtomicLong NEXT_WARN = new AtomicLong(System.nanoTime());
    private static final AtomicLong OVER_BOUNDS_SINCE_WARN = new AtomicLong();

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private AuditTopologyChanges() {}

    /**
     * The result of reading one event.
     *
     * @param change the change, or null when the event changes nothing flowwatch tracks
     * @param stale  true when the event changed a tracked object but carried no body (Metadata level): the old
     *               object is kept, and it may now be wrong
     */
    public record Result(TopologyChange change, boolean stale) {
        static final Result NONE = new Result(null, false);
        static final Result STALE = new Result(null, true);
        /** The change would leave a namespace with labels past {@link LabelBounds}: not applied, counted as stale. */
        static final Result OVER_BOUNDS = new Result(null, true);
    }

    public static Result from(AuditEvent e, Topology topology) {
        if (e.dryRun() || !"ResponseComplete".equals(e.stage()) || !e.succeeded() || e.resource() == null) {
            return Result.NONE;
        }
        String verb = e.verb();
        boolean delete = "delete".equals(verb);
        boolean write = "create".equals(verb) || "update".equals(verb) || "patch".equals(verb);
        if ("namespaces".equals(e.resource())
                && (e.apiGroup() == null || e.apiGroup().isEmpty())) {
            String name = e.name() != null ? e.name() : nameFrom(e);
            if (name == null) {
                return write ? Result.STALE : Result.NONE;
            }
            if (delete) {
                return new Result(new TopologyChange.NamespaceDeleted(name, e.stageTimestamp()), false);
            }
            if (!write) {
                return Result.NONE;
            }
            NamespaceInfo before = topology.namespaces().get(name);
            Map<String, String> labels = AuditDetector.labelsAfter(e, before == null ? Map.of() : before.labels());
            if (labels == null) {
                return Result.STALE;
            }
            if (!LabelBounds.within(labels)) {
                warnOverBounds(name, labels.size());
                return Result.OVER_BOUNDS;
            }
            return new Result(
                    new TopologyChange.NamespaceLabels(name, labels, e.stageTimestamp(), responseVersion(e)), false);
        }
        if ("networkpolicies".equals(e.resource()) && "networking.k8s.io".equals(e.apiGroup())) {
            if (delete && e.namespace() != null && e.name() != null) {
                return new Result(new TopologyChange.PolicyDeleted(e.namespace(), e.name(), e.stageTimestamp()), false);
            }
            if (!write) {
                return "deletecollection".equals(verb) ? Result.STALE : Result.NONE;
            }
            JsonNode body = e.responseObject() != null && e.responseObject().has("spec")
                    ? e.responseObject()
                    : !"patch".equals(verb)
                                    && e.requestObject() != null
                                    && e.requestObject().has("spec")
                            ? e.requestObject()
                            : null;
            if (body == null) {
                return Result.STALE;
            }
            try {
                NetworkPolicy policy = JSON.convertValue(body, NetworkPolicy.class);
                if (policy.getMetadata() == null || policy.getMetadata().getName() == null) {
                    return Result.STALE;
                }
                if (policy.getMetadata().getNamespace() == null) {
                    policy.getMetadata().setNamespace(e.namespace());
                }
                if (body != e.responseObject()) {
                    // a request body's resourceVersion is the one the write was based on, not the one it made
                    policy.getMetadata().setResourceVersion(null);
                }
                return new Result(new TopologyChange.PolicyUpserted(policy, e.stageTimestamp()), false);
            } catch (IllegalArgumentException ex) {
                return Result.STALE;
            }
        }
        return Result.NONE;
    }

    /** One WARN per interval at most, saying how many changes were not applied since the last one. */
    private static void warnOverBounds(String namespace, int labels) {
        long skipped = OVER_BOUNDS_SINCE_WARN.incrementAndGet();
        long now = System.nanoTime();
        long next = NEXT_WARN.get();
        if (now - next >= 0 && NEXT_WARN.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
            OVER_BOUNDS_SINCE_WARN.addAndGet(-skipped);
            LOGGER.warnf(
                    "%d audit change(s) of namespace labels not applied in the last minute: they would leave a "
                            + "namespace with more than %d labels or %d bytes of them (latest: %s, %d labels); the namespace "
                            + "keeps its previous labels and the change is counted as stale",
                    skipped, LabelBounds.MAX_LABELS, LabelBounds.MAX_LABEL_BYTES, namespace, labels);
        }
    }

    /** The object's resourceVersion after the request, from the response body (RequestResponse level), or null. */
    private static Long responseVersion(AuditEvent e) {
        JsonNode o = e.responseObject();
        return o == null
                ? null
                : TopologyChange.parseVersion(
                        o.path("metadata").path("resourceVersion").asText(null));
    }

    private static String nameFrom(AuditEvent e) {
        JsonNode o = e.responseObject() != null ? e.responseObject() : e.requestObject();
        return o == null ? null : o.path("metadata").path("name").asText(null);
    }
}
