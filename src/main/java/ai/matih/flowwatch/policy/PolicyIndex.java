package ai.matih.flowwatch.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled policies by namespace, with a bounded memo of which policies select a pod of a given (namespace, labels)
 * identity. Thread-safe: the index is immutable and the memo a concurrent map that is cleared when full.
 */
final class PolicyIndex {

    static final int MAX_MEMO = 200_000;

    private final Map<String, List<CompiledPolicy>> byNamespace;
    private final Map<Key, List<Selection>> memo = new ConcurrentHashMap<>();

    PolicyIndex(Map<String, List<CompiledPolicy>> byNamespace) {
        this.byNamespace = Map.copyOf(byNamespace);
    }

    /** True when some policy, in any namespace, may isolate pods for this direction. */
    boolean anyPolicyFor(Direction direction) {
        return byNamespace.values().stream().flatMap(List::stream).anyMatch(p -> p.types().contains(direction));
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
        Key key = new Key(namespace, labels);
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

    private record Key(String namespace, LabelView labels) {
    }

    /**
     * A policy that selects a pod.
     *
     * @param policy  the policy
     * @param selects TRUE, or UNKNOWN when the pod's labels do not settle it
     */
    record Selection(CompiledPolicy policy, Ternary selects) {
    }
}
