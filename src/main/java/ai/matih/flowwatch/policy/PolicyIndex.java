package ai.matih.flowwatch.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled policies by namespace, with a bounded memo of which policies select a pod of a given (namespace, labels)
 * identity. Thread-safe: the index is immutable and the memo a concurrent map that is cleared when full.
 *
 * <p>The memo key is not the pod's labels but what the namespace's pod selectors can tell apart of them: per label
 * key some selector reads, whether it is absent, has one of the values a selector names, or has another value. So a
 * key's size is set by the policies, never by what a record carries, and pods that differ only in labels no
 * selector reads share one entry.
 */
final class PolicyIndex {

    static final int MAX_MEMO = 200_000;
    /** Projection code of a label key the pod does not carry. */
    private static final int ABSENT = 0;
    /** Projection code of a value no selector names. */
    private static final int OTHER = 1;

    private final Map<String, List<CompiledPolicy>> byNamespace;
    private final Map<String, Projection> projections;
    private final Map<Key, List<Selection>> memo = new ConcurrentHashMap<>();

    PolicyIndex(Map<String, List<CompiledPolicy>> byNamespace) {
        this.byNamespace = Map.copyOf(byNamespace);
        Map<String, Projection> p = new HashMap<>();
        this.byNamespace.forEach((namespace, policies) -> p.put(namespace, Projection.of(policies)));
        this.projections = Map.copyOf(p);
    }

    /** True when some policy, in any namespace, may isolate pods for this direction. */
    boolean anyPolicyFor(Direction direction) {
        return byNamespace.values().stream()
                .flatMap(List::stream)
                .anyMatch(p -> p.types().contains(direction));
    }

    /** Policies of a namespace, in manifest order. */
    List<CompiledPolicy> policies(String namespace) {
        return byNamespace.getOrDefault(namespace, List.of());
    }

    /** Policies whose podSelector matches (or may match) a pod with these labels in this namespace (R1.1, R1.6). */
    List<Selection> selecting(String namespace, LabelView labels) {
        List<CompiledPolicy> candidates = policies(namespace);
        if (candidates.isEmpty()) {
            return List.of();
        }
        Key key = projections.get(namespace).key(namespace, labels);
        List<Selection> cached = memo.get(key);
        if (cached != null) {
            return cached;
        }
        List<Selection> selections = new ArrayList<>();
        for (CompiledPolicy policy : candidates) {
            Ternary selects = policy.podSelector().matches(labels);
            if (!selects.isFalse()) {
                selections.add(new Selection(policy, selects));
            }
        }
        List<Selection> result = List.copyOf(selections);
        if (memo.size() >= MAX_MEMO) {
            memo.clear();
        }
        memo.put(key, result);
        return result;
    }

    int memoSize() {
        return memo.size();
    }

    /** The label keys a namespace's pod selectors read, in a fixed order, each with the values they name. */
    private record Projection(String[] keys, List<Map<String, Integer>> values) {

        static Projection of(List<CompiledPolicy> policies) {
            Map<String, Set<String>> read = new TreeMap<>();
            for (CompiledPolicy policy : policies) {
                policy.podSelector().readKeys(read);
            }
            List<Map<String, Integer>> values = new ArrayList<>(read.size());
            for (Set<String> named : read.values()) {
                Map<String, Integer> codes = new HashMap<>();
                for (String v : named) {
                    codes.put(v, OTHER + 1 + codes.size());
                }
                values.add(Map.copyOf(codes));
            }
            return new Projection(read.keySet().toArray(String[]::new), List.copyOf(values));
        }

        Key key(String namespace, LabelView labels) {
            int[] codes = new int[keys.length];
            Map<String, String> known = labels.known();
            for (int i = 0; i < keys.length; i++) {
                String value = known.get(keys[i]);
                codes[i] = value == null ? ABSENT : values.get(i).getOrDefault(value, OTHER);
            }
            return new Key(namespace, labels.complete(), labels.unknownBecause(), codes);
        }
    }

    /** What the selectors of {@code namespace} see of a pod's labels. */
    private static final class Key {
        private final String namespace;
        private final boolean complete;
        private final String unknownBecause;
        private final int[] codes;
        private final int hash;

        Key(String namespace, boolean complete, String unknownBecause, int[] codes) {
            this.namespace = namespace;
            this.complete = complete;
            this.unknownBecause = unknownBecause;
            this.codes = codes;
            int h = namespace.hashCode() * 31 + Boolean.hashCode(complete);
            this.hash =
                    (h * 31 + (unknownBecause == null ? 0 : unknownBecause.hashCode())) * 31 + Arrays.hashCode(codes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && hash == k.hash
                    && complete == k.complete
                    && namespace.equals(k.namespace)
                    && Objects.equals(unknownBecause, k.unknownBecause)
                    && Arrays.equals(codes, k.codes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * A policy that selects a pod.
     *
     * @param policy  the policy
     * @param selects TRUE, or UNKNOWN when the pod's labels do not settle it
     */
    record Selection(CompiledPolicy policy, Ternary selects) {}
}
