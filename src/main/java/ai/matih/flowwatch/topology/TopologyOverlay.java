package ai.matih.flowwatch.topology;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes learnt from the audit stream, latest per object, applied on top of the manifest snapshot.
 * Immutable; {@link #with} returns a new overlay.
 *
 * @param changes latest change per object key
 */
public record TopologyOverlay(Map<String, TopologyChange> changes) {

    public static final TopologyOverlay EMPTY = new TopologyOverlay(Map.of());

    public TopologyOverlay {
        changes = Map.copyOf(changes);
    }

    /** This overlay with the change added, or this overlay when a later change of the same object is known. */
    public TopologyOverlay with(TopologyChange change) {
        TopologyChange known = changes.get(change.key());
        if (known != null && known.at().isAfter(change.at())) {
            return this;
        }
        Map<String, TopologyChange> next = new HashMap<>(changes);
        next.put(change.key(), change);
        return new TopologyOverlay(next);
    }

    /** The base snapshot with these changes applied. */
    public Topology applyTo(Topology base) {
        if (changes.isEmpty()) {
            return base;
        }
        Map<String, NamespaceInfo> namespaces = new LinkedHashMap<>(base.namespaces());
        Map<String, NetworkPolicy> policies = new LinkedHashMap<>();
        for (NetworkPolicy p : base.networkPolicies()) {
            policies.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p);
        }
        for (TopologyChange change : changes.values()) {
            if (change instanceof TopologyChange.NamespaceLabels n) {
                Map<String, String> labels = new LinkedHashMap<>(n.labels());
                labels.putIfAbsent(TopologyBuilder.NAME_LABEL, n.name());
                namespaces.put(n.name(), base.rules().describe(n.name(), labels, true));
            } else if (change instanceof TopologyChange.NamespaceDeleted d) {
                namespaces.remove(d.name());
                policies.keySet().removeIf(k -> k.startsWith(d.name() + "/"));
            } else if (change instanceof TopologyChange.PolicyUpserted u) {
                policies.put(u.policy().getMetadata().getNamespace() + "/" + u.policy().getMetadata().getName(),
                        u.policy());
            } else if (change instanceof TopologyChange.PolicyDeleted d) {
                policies.remove(d.namespace() + "/" + d.name());
            }
        }
        return new Topology(namespaces, new ArrayList<>(policies.values()), base.podsByIp(), base.podsByName(),
                base.egressExceptions(), base.rules(), base.internalCidrs(), base.dnsNamespace(), base.dnsSelector(),
                base.loadedAt(), base.origin() + " + audit");
    }

    /** The number of objects changed. */
    public int size() {
        return changes.size();
    }

    /** For tests and diagnostics. */
    public List<String> keys() {
        return List.copyOf(changes.keySet());
    }
}
