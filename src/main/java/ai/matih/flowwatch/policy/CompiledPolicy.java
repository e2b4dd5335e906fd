package ai.matih.flowwatch.policy;

import java.util.List;
import java.util.Set;

/**
 * A NetworkPolicy after defaulting (R2.1, R5.1) and parsing.
 *
 * @param namespace   its namespace ({@code default} when the manifest has none, R8.5)
 * @param name        its name
 * @param podSelector spec.podSelector ({@code {}} when absent, R1.1)
 * @param types       defaulted policyTypes; for an invalid policy, every direction it may affect
 * @param ingress     ingress rules (empty when none)
 * @param egress      egress rules (empty when none)
 * @param valid       false when the API server would reject it (see the engine's problems)
 */
record CompiledPolicy(
        String namespace,
        String name,
        SelectorMatcher podSelector,
        Set<Direction> types,
        List<CompiledRule> ingress,
        List<CompiledRule> egress,
        boolean valid) {

    CompiledPolicy {
        types = Set.copyOf(types);
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    String id() {
        return namespace + "/" + name;
    }

    List<CompiledRule> rules(Direction direction) {
        return direction == Direction.INGRESS ? ingress : egress;
    }
}
