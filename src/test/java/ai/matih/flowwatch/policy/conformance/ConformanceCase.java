package ai.matih.flowwatch.policy.conformance;

import ai.matih.flowwatch.flow.Protocol;
import java.util.List;

/**
 * One conformance case: where it comes from, the family it belongs to there, and its steps. Each step changes the
 * cluster, then the whole truth table is checked.
 *
 * @param origin where the case comes from
 * @param family the upstream group it belongs to (the e2e context, or the cyclonus generator family)
 * @param name   the upstream name of the case (spec name, or a description of the generated policy)
 * @param steps  what happens, in order
 */
record ConformanceCase(Origin origin, String family, String name, List<Step> steps) {

    ConformanceCase {
        steps = List.copyOf(steps);
    }

    @Override
    public String toString() {
        return origin.label() + " / " + family + ": " + name;
    }

    /** Where a case comes from. */
    enum Origin {
        /** kubernetes/kubernetes test/e2e/network/netpol/network_policy.go. */
        UPSTREAM_E2E("kubernetes e2e"),
        /** mattfenwick/cyclonus pkg/generator. */
        CYCLONUS("cyclonus"),
        /** Seeded random combinations of policy fragments ({@link RandomPolicies}). */
        RANDOM("random");

        private final String label;

        Origin(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /**
     * Changes to the cluster, then what upstream expects of it (e2e cases only; the reference semantics always
     * give the full table).
     *
     * @param actions what changes, in order
     * @param probes  upstream expectations for some protocol and port, possibly none
     */
    record Step(List<Action> actions, List<Probe> probes) {

        Step {
            actions = List.copyOf(actions);
            probes = List.copyOf(probes);
        }
    }

    /**
     * An upstream reachability expectation for one protocol and port: every pair of {@code pods} is reachable, then
     * each operation of {@code expect} ({@code "<from> > <to> allow|deny"}, an end being {@code ns/pod},
     * {@code ns/*}, a pod name in every namespace ({@code *} then {@code /pod}) or {@code *}) sets the pairs it matches, in order. Loopback is not judged (the
     * upstream suite ignores it).
     *
     * @param protocol the protocol probed
     * @param port     the port probed
     * @param pods     the pods the upstream spec runs ({@code ns/pod})
     * @param expect   the reachability operations
     */
    record Probe(Protocol protocol, int port, List<String> pods, List<String> expect) {

        Probe {
            pods = List.copyOf(pods);
            expect = List.copyOf(expect);
        }
    }
}
