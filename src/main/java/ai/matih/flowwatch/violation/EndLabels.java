package ai.matih.flowwatch.violation;

import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import java.util.Map;

/** The pod labels of a violation's end, where they are known; a violation itself carries none. */
@FunctionalInterface
public interface EndLabels {

    /** Knows no labels. */
    EndLabels NONE = e -> Map.of();

    /** The labels of the end's pod, or none when the pod is not known. */
    Map<String, String> of(EndpointView end);

    /**
     * The labels of the topology's pods: the end's pod by namespace and name, else by address (when the pod found
     * there is in the end's namespace, if the end names one).
     */
    static EndLabels of(Topology topology) {
        return e -> {
            PodInfo pod = topology.pod(e.namespace(), e.pod());
            if (pod == null && e.ip() != null) {
                pod = topology.podByIp(e.ip());
                if (pod != null && e.namespace() != null && !e.namespace().equals(pod.namespace())) {
                    pod = null;
                }
            }
            return pod == null ? Map.of() : pod.labels();
        };
    }

    /** These labels, for the ends of this tenant only; any other end has none. */
    default EndLabels onlyOf(String tenant) {
        return e -> tenant.equals(e.tenant()) ? of(e) : Map.of();
    }
}
