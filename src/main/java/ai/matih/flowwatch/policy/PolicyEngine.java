package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Topology;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The exact Kubernetes NetworkPolicy (networking.k8s.io/v1) engine: judges a {@link Connection} against a policy set
 * compiled once. Immutable and thread-safe (its only mutable part is a bounded concurrent memo of pod selection).
 *
 * <p>Decision procedure (docs/networkpolicy-semantics.md §11): loopback allows (R7.3); the source's egress is
 * evaluated when it is a policy-managed pod, else counts as allowed (R3.7); the destination's ingress likewise, where
 * ingress from the pod's own node is allowed (R7.2); the verdict is egress AND ingress (R3.6). Replies are not
 * evaluated (R7.1): callers pass the initiating direction only.
 *
 * <p><b>INDETERMINATE</b> is three-valued logic, not a fallback: every match is TRUE, FALSE or UNKNOWN, combined with
 * Kleene AND/OR, so an unknown fact only matters when it could change the verdict. Unknown facts are: pod labels or
 * declared ports the caller does not know; a namespace unknown to the caller and the engine (only its
 * {@code kubernetes.io/metadata.name} label is then known, R8.6); an unknown destination port (-1) against a
 * port-restricted rule; an in-cluster address not attributed to a pod, against a selector peer, or as a connection
 * end whose policies would be needed (some policy in the cluster isolates that direction, R8.1/R8.6); a dual-stack pod whose IPs match an ipBlock only in part (R8.4); a node
 * address whose node is unknown against an isolated pod (R7.2); an unknown protocol against a port-restricted rule;
 * and an invalid policy (below).
 *
 * <p><b>CNI dependence</b>: an evaluation records whether it relied on an ipBlock matching a pod IP (R4.8), on an
 * endPort range beyond {@code port} (R5.7), on a hostNetwork pod (R4.9/R7.4), or on how isolation treats a protocol
 * rules cannot name, such as ICMP (R5.8). If so the connection is re-evaluated
 * under the other CNI behaviours; a verdict that changes is flagged {@link PolicyResult#cniDependent()}, and it is
 * INDETERMINATE when the {@link CniProfile} does not rule the other behaviour out ({@link Support#UNKNOWN}). The
 * default profile is {@link CniProfile#CONFORMANCE} (ipBlock matches pod IPs, endPort enforced, hostNetwork pods as
 * their node IP, isolation covering ICMP and other protocols).
 *
 * <p><b>Invalid policies</b> (VAL, reported in {@link #problems()}) would be rejected by the API server, so whether they
 * are in force is unknown. They never decide a verdict: a pod an invalid policy (maybe) selects has that policy's
 * selection and rules treated as UNKNOWN, so valid policies that allow still give ALLOW, and anything else is
 * INDETERMINATE.
 */
public final class PolicyEngine {

    private final PolicyIndex index;
    private final DirectionEvaluator evaluator;
    private final Map<String, Map<String, String>> namespaceLabels;
    private final List<PolicyProblem> problems;
    private final CniProfile profile;
    private final int policyCount;
    private final Set<Direction> anyPolicyFor;

    private PolicyEngine(
            PolicyIndex index,
            Map<String, Map<String, String>> namespaceLabels,
            List<PolicyProblem> problems,
            CniProfile profile,
            int policyCount) {
        this.index = index;
        this.evaluator = new DirectionEvaluator(index);
        this.namespaceLabels = Map.copyOf(namespaceLabels);
        this.problems = List.copyOf(problems);
        this.profile = profile;
        this.policyCount = policyCount;
        Set<Direction> directions = EnumSet.noneOf(Direction.class);
        for (Direction d : Direction.values()) {
            if (index.anyPolicyFor(d)) {
                directions.add(d);
            }
        }
        this.anyPolicyFor = Set.copyOf(directions);
    }

    /** Compiles the topology's policies and namespaces with the conformance CNI profile. */
    public static PolicyEngine compile(Topology topology) {
        return compile(topology, CniProfile.CONFORMANCE);
    }

    /** Compiles the topology's policies and namespaces with a CNI profile. */
    public static PolicyEngine compile(Topology topology, CniProfile profile) {
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        for (NamespaceInfo ns : topology.namespaces().values()) {
            labels.put(ns.name(), ns.labels());
        }
        return compile(topology.networkPolicies(), labels, profile);
    }

    /**
     * Compiles a policy set (defaulted or not).
     *
     * @param policies        the NetworkPolicies in force
     * @param namespaceLabels labels of known namespaces by name (used when an endpoint does not carry them);
     *                        {@code kubernetes.io/metadata.name} is added when missing (R4.4)
     * @param profile         what the CNI does where Kubernetes leaves it open
     */
    public static PolicyEngine compile(
            Collection<NetworkPolicy> policies, Map<String, Map<String, String>> namespaceLabels, CniProfile profile) {
        Objects.requireNonNull(profile, "profile");
        List<PolicyProblem> problems = new ArrayList<>();
        Map<String, List<CompiledPolicy>> byNamespace = new LinkedHashMap<>();
        int count = 0;
        for (NetworkPolicy policy : policies) {
            if (policy == null) {
                continue;
            }
            CompiledPolicy compiled = PolicyCompiler.compile(policy, problems);
            byNamespace
                    .computeIfAbsent(compiled.namespace(), k -> new ArrayList<>())
                    .add(compiled);
            count++;
        }
        byNamespace.replaceAll((k, v) -> List.copyOf(v));
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        namespaceLabels.forEach((name, l) -> {
            Map<String, String> withName = new LinkedHashMap<>(l == null ? Map.of() : l);
            withName.putIfAbsent(PolicyEndpoint.NAME_LABEL, name);
            labels.put(name, Map.copyOf(withName));
        });
        return new PolicyEngine(new PolicyIndex(byNamespace), labels, problems, profile, count);
    }

    /** Policies that fail API validation, with where and why. */
    public List<PolicyProblem> problems() {
        return problems;
    }

    /** The CNI profile verdicts follow. */
    public CniProfile profile() {
        return profile;
    }

    /** Number of compiled policies. */
    public int policyCount() {
        return policyCount;
    }

    /** Judges one connection. Never throws: an internal failure gives INDETERMINATE. */
    public PolicyResult evaluate(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        try {
            return evaluateVariants(connection);
        } catch (RuntimeException e) {
            String why = "internal error while evaluating: " + e;
            DirectionResult egress = DirectionResult.unknown(
                    Direction.EGRESS, connection.source().describe(), why);
            DirectionResult ingress = DirectionResult.unknown(
                    Direction.INGRESS, connection.destination().describe(), why);
            return new PolicyResult(
                    PolicyVerdict.INDETERMINATE,
                    egress,
                    ingress,
                    List.of(),
                    List.of(why),
                    List.of(why),
                    false,
                    List.of());
        }
    }

    private PolicyResult evaluateVariants(Connection connection) {
        Variant base = Variant.of(profile);
        Run first = run(connection, base);
        Set<Aspect> touched = first.touched();
        if (touched.isEmpty()) {
            return first.result();
        }
        Map<Variant, Run> runs = new LinkedHashMap<>();
        runs.put(base, first);
        Set<Aspect> explored = Set.of();
        while (!explored.equals(touched)) {
            explored = Set.copyOf(touched);
            for (Variant v : Aspect.variants(base, explored)) {
                Run r = runs.computeIfAbsent(v, k -> run(connection, k));
                touched.addAll(r.touched());
            }
        }
        List<String> dependent = new ArrayList<>();
        List<String> undecided = new ArrayList<>();
        for (Map.Entry<Variant, Run> e : runs.entrySet()) {
            PolicyVerdict other = e.getValue().result().verdict();
            if (other == first.result().verdict()) {
                continue;
            }
            String what = Aspect.describe(base, e.getKey(), connection.protocol()) + " would give " + other;
            dependent.add(what);
            if (e.getKey().possibleUnder(profile)) {
                undecided.add("CNI-dependent and the CNI profile '" + profile.name() + "' does not settle it: " + what);
            }
        }
        if (dependent.isEmpty()) {
            return first.result();
        }
        PolicyResult r = first.result();
        PolicyVerdict verdict = undecided.isEmpty() ? r.verdict() : PolicyVerdict.INDETERMINATE;
        List<String> because = new ArrayList<>(r.indeterminateBecause());
        because.addAll(undecided);
        return new PolicyResult(verdict, r.egress(), r.ingress(), r.decidedBy(), r.reasons(), because, true, dependent);
    }

    private Run run(Connection connection, Variant variant) {
        ResolvedEnd source = ResolvedEnd.resolve(connection.source(), namespaceLabels, variant);
        ResolvedEnd destination = ResolvedEnd.resolve(connection.destination(), namespaceLabels, variant);
        Evaluation ev = new Evaluation(connection, variant, source, destination);
        PolicyResult result = judge(ev);
        Set<Aspect> touched = new LinkedHashSet<>();
        if (ev.usedPodIpBlock) {
            touched.add(Aspect.IPBLOCK_POD_IPS);
        }
        if (ev.usedEndPort) {
            touched.add(Aspect.END_PORT);
        }
        if (isHostNetwork(connection.source()) || isHostNetwork(connection.destination())) {
            touched.add(Aspect.HOST_NETWORK);
        }
        if (ev.usedOtherProtocol) {
            touched.add(Aspect.OTHER_PROTOCOLS);
        }
        return new Run(result, touched);
    }

    private static boolean isHostNetwork(PolicyEndpoint endpoint) {
        return endpoint instanceof PolicyEndpoint.Pod pod && pod.hostNetwork();
    }

    private PolicyResult judge(Evaluation ev) {
        ResolvedEnd source = ev.source;
        ResolvedEnd destination = ev.destination;
        if (source.managed()
                && destination.managed()
                && ((PolicyEndpoint.Pod) source.endpoint()).samePod((PolicyEndpoint.Pod) destination.endpoint())) {
            String why = "R7.3: loopback (" + source.describe() + " to itself) cannot be blocked by NetworkPolicy";
            return combine(
                    DirectionResult.exempt(Direction.EGRESS, source.describe(), why),
                    DirectionResult.exempt(Direction.INGRESS, destination.describe(), why));
        }
        DirectionResult egress = source.managed()
                ? evaluator.evaluate(Direction.EGRESS, source, destination, ev)
                : nonPod(Direction.EGRESS, source, "source");
        DirectionResult ingress;
        if (!destination.managed()) {
            ingress = nonPod(Direction.INGRESS, destination, "destination");
        } else {
            ingress = ingress(source, destination, ev);
        }
        return combine(egress, ingress);
    }

    private DirectionResult ingress(ResolvedEnd source, ResolvedEnd destination, Evaluation ev) {
        Ternary nodeLocal = nodeLocal(source, destination);
        String who = destination.describe();
        if (nodeLocal.isTrue()) {
            return DirectionResult.exempt(
                    Direction.INGRESS,
                    who,
                    "R7.2: ingress from " + source.describe() + ", the pod's own node, is always allowed");
        }
        DirectionResult evaluated = evaluator.evaluate(Direction.INGRESS, destination, source, ev);
        if (nodeLocal.isFalse() || evaluated.allowed()) {
            return evaluated;
        }
        List<String> because = new ArrayList<>(evaluated.indeterminateBecause());
        because.addAll(nodeLocal.unknownBecause());
        List<String> reasons = new ArrayList<>(evaluated.reasons());
        reasons.addAll(nodeLocal.unknownBecause());
        return new DirectionResult(
                Direction.INGRESS,
                who,
                true,
                evaluated.isolated(),
                PolicyVerdict.INDETERMINATE,
                evaluated.selectedBy(),
                List.of(),
                reasons,
                because);
    }

    /** Whether the source is the destination pod's own node (R7.2). */
    private static Ternary nodeLocal(ResolvedEnd source, ResolvedEnd destination) {
        if (source.managed() || source.kind() != PolicyEndpoint.Address.Kind.NODE) {
            return Ternary.FALSE;
        }
        if (source.node() == null || destination.node() == null) {
            return Ternary.unknown("R7.2: whether " + source.describe() + " is the node of " + destination.describe()
                    + " is unknown (ingress from the pod's own node is always allowed)");
        }
        return Ternary.of(source.node().equals(destination.node()));
    }

    private DirectionResult nonPod(Direction direction, ResolvedEnd party, String end) {
        if (party.kind() == PolicyEndpoint.Address.Kind.UNRESOLVED && anyPolicyFor.contains(direction)) {
            return DirectionResult.unknown(
                    direction,
                    party.describe(),
                    "R8.6: the " + end + " "
                            + party.describe() + " is not attributed to a pod; if it is one, its " + direction.field()
                            + " policies cannot be evaluated");
        }
        return DirectionResult.exempt(
                direction,
                party.describe(),
                "R3.7: the " + end + " " + party.describe() + " is not a policy-managed pod; its " + direction.field()
                        + " counts as allowed");
    }

    private static PolicyResult combine(DirectionResult egress, DirectionResult ingress) {
        PolicyVerdict verdict;
        if (egress.verdict() == PolicyVerdict.DENY || ingress.verdict() == PolicyVerdict.DENY) {
            verdict = PolicyVerdict.DENY;
        } else if (egress.allowed() && ingress.allowed()) {
            verdict = PolicyVerdict.ALLOW;
        } else {
            verdict = PolicyVerdict.INDETERMINATE;
        }
        List<String> decidedBy = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        List<String> because = new ArrayList<>();
        for (DirectionResult d : List.of(egress, ingress)) {
            if (verdict == PolicyVerdict.ALLOW) {
                d.allowedBy().forEach(r -> decidedBy.add(r.toString()));
                reasons.add(d.reasons().get(0));
            } else if (d.verdict() == verdict) {
                decidedBy.addAll(d.selectedBy());
                reasons.add(d.reasons().get(0));
                because.addAll(d.indeterminateBecause());
            }
        }
        if (verdict != PolicyVerdict.INDETERMINATE) {
            because.clear();
        }
        return new PolicyResult(
                verdict,
                egress,
                ingress,
                new ArrayList<>(new LinkedHashSet<>(decidedBy)),
                reasons,
                new ArrayList<>(new LinkedHashSet<>(because)),
                false,
                List.of());
    }

    /** A CNI-defined behaviour an evaluation may rely on. */
    private enum Aspect {
        IPBLOCK_POD_IPS,
        END_PORT,
        HOST_NETWORK,
        OTHER_PROTOCOLS;

        static List<Variant> variants(Variant base, Set<Aspect> aspects) {
            List<Variant> variants = new ArrayList<>();
            for (boolean ip : values(base.ipBlockMatchesPodIps(), aspects.contains(IPBLOCK_POD_IPS))) {
                for (boolean end : values(base.endPort(), aspects.contains(END_PORT))) {
                    for (boolean host : values(base.hostNetworkAsNode(), aspects.contains(HOST_NETWORK))) {
                        for (boolean other : values(base.otherProtocolsIsolated(), aspects.contains(OTHER_PROTOCOLS))) {
                            variants.add(new Variant(ip, end, host, other));
                        }
                    }
                }
            }
            return variants;
        }

        private static List<Boolean> values(boolean base, boolean vary) {
            return vary ? List.of(base, !base) : List.of(base);
        }

        static String describe(Variant base, Variant other, Protocol protocol) {
            List<String> parts = new ArrayList<>();
            if (base.ipBlockMatchesPodIps() != other.ipBlockMatchesPodIps()) {
                parts.add(
                        other.ipBlockMatchesPodIps()
                                ? "a CNI whose ipBlocks match pod IPs (R4.8)"
                                : "a CNI whose ipBlocks do not match pod IPs (R4.8, e.g. Cilium)");
            }
            if (base.endPort() != other.endPort()) {
                parts.add(
                        other.endPort()
                                ? "a CNI enforcing endPort (R5.7)"
                                : "a CNI without endPort support, enforcing only port (R5.7)");
            }
            if (base.hostNetworkAsNode() != other.hostNetworkAsNode()) {
                parts.add(
                        other.hostNetworkAsNode()
                                ? "a CNI treating hostNetwork pods as their node IP (R7.4)"
                                : "a CNI treating hostNetwork pods like other pods (R7.4)");
            }
            if (base.otherProtocolsIsolated() != other.otherProtocolsIsolated()) {
                String what = protocol.known() ? protocol.toString() : "protocols other than TCP, UDP and SCTP";
                parts.add(
                        other.otherProtocolsIsolated()
                                ? "a CNI that applies NetworkPolicy isolation to " + what
                                        + ", allowing it only by rules without ports (R5.8)"
                                : "a CNI that does not apply NetworkPolicy isolation to " + what + " (R5.8)");
            }
            return String.join(" and ", parts);
        }
    }

    private record Run(PolicyResult result, Set<Aspect> touched) {}
}
