package ai.matih.flowwatch.topology;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The known pods by {@code namespace/name}, immutable, that can also be asked by namespace and name without building
 * the key: the per-flow lookups ({@link Topology#pod}, up to three per end of a flow) then allocate nothing.
 */
final class PodIndex extends AbstractMap<String, PodInfo> {

    private static final PodIndex EMPTY = new PodIndex(Map.of(), Map.of(), false);

    private final Map<String, PodInfo> byKey;
    private final Map<String, Map<String, PodInfo>> byNamespace;
    /** Whether a key holds a second '/' (never for Kubernetes names): only then is a namespace with '/' looked up. */
    private final boolean slashedNames;

    private PodIndex(Map<String, PodInfo> byKey, Map<String, Map<String, PodInfo>> byNamespace, boolean slashedNames) {
        this.byKey = byKey;
        this.byNamespace = byNamespace;
        this.slashedNames = slashedNames;
    }

    /** {@code pods} as an index (itself when it is one); a key without '/' is found only by its whole text. */
    static PodIndex of(Map<String, PodInfo> pods) {
        if (pods instanceof PodIndex index) {
            return index;
        }
        if (pods.isEmpty()) {
            return EMPTY;
        }
        Map<String, PodInfo> byKey = Map.copyOf(pods); // read once: a live map may change meanwhile
        Map<String, Map<String, PodInfo>> byNamespace = new HashMap<>();
        byKey.forEach((key, pod) -> {
            int slash = key.indexOf('/');
            if (slash >= 0) {
                byNamespace
                        .computeIfAbsent(key.substring(0, slash), k -> new HashMap<>())
                        .put(key.substring(slash + 1), pod);
            }
        });
        Map<String, Map<String, PodInfo>> frozen = new HashMap<>();
        byNamespace.forEach((namespace, byName) -> frozen.put(namespace, Map.copyOf(byName)));
        boolean slashedNames = byKey.keySet().stream().anyMatch(k -> k.indexOf('/') != k.lastIndexOf('/'));
        return new PodIndex(byKey, Map.copyOf(frozen), slashedNames);
    }

    /** The pod {@code namespace/name}, or null: the same as {@code get(namespace + "/" + name)}. */
    PodInfo get(String namespace, String name) {
        if (slashedNames && namespace.indexOf('/') >= 0) {
            return byKey.get(namespace + "/" + name); // not a namespace name: as the key would be split
        }
        Map<String, PodInfo> byName = byNamespace.get(namespace);
        return byName == null ? null : byName.get(name);
    }

    @Override
    public PodInfo get(Object key) {
        return byKey.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return byKey.containsKey(key);
    }

    @Override
    public int size() {
        return byKey.size();
    }

    @Override
    public Set<Entry<String, PodInfo>> entrySet() {
        return byKey.entrySet();
    }
}
