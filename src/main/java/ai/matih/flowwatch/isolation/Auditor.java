package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.Intent;
import ai.matih.flowwatch.classify.IntentModel;
import ai.matih.flowwatch.classify.IntentResult;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.policy.Connection;
import ai.matih.flowwatch.policy.Direction;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.policy.PolicyResult;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;

/**
 * Audits the tenants of one topology snapshot: for each tenant namespace, every representative connection between
 * it and each class of peer ({@link PeerClass}), both directions, is judged by the isolation model and by the policy
 * engine, and each disagreement becomes a {@link Finding}, one per (direction, peer, deciding rules). Pure and
 * thread-safe once built; tenants may be audited in parallel.
 */
final class Auditor {

    /** The format the tried connections are described in; never decoded, never counted. */
    private static final SourceFormat FORMAT = SourceFormat.CALICO;

    /** The most namespaces for which closed pairs are remembered across tenants (a square of ints). */
    static final int MAX_REMEMBERED_NAMESPACES = 2048;

    private final Topology topology;
    private final PolicyEngine engine;
    private final Instant now;
    private final Probes probes;
    private final Map<String, Integer> index = new HashMap<>();
    /** Per (from, to) namespace pair: 0 not yet known, 1 open, 2 closed; shared by the tenants of one run. */
    private final AtomicIntegerArray closedPairs;

    Auditor(Topology topology, PolicyEngine engine, Instant now) {
        this.topology = topology;
        this.engine = engine;
        this.now = now;
        this.probes = new Probes(topology);
        List<NamespaceInfo> all = probes.namespaces();
        for (int i = 0; i < all.size(); i++) {
            index.put(all.get(i).name(), i);
        }
        int n = all.size() <= MAX_REMEMBERED_NAMESPACES ? all.size() : 0;
        this.closedPairs = new AtomicIntegerArray(n * n);
    }

    /** Every tenant of the snapshot, by tenant id. */
    IsolationReport report() {
        Map<String, List<String>> tenants = new TreeMap<>();
        for (NamespaceInfo ns : probes.namespaces()) {
            if (ns.role() == Role.TENANT && ns.tenant() != null) {
                tenants.computeIfAbsent(ns.tenant(), k -> new ArrayList<>()).add(ns.name());
            }
        }
        List<TenantIsolation> entries = tenants.entrySet().parallelStream()
                .map(e -> audit(e.getKey(), e.getValue()))
                .toList();
        return new IsolationReport(now, entries);
    }

    /** One tenant with these namespaces. */
    TenantIsolation audit(String tenant, List<String> namespaces) {
        Findings findings = new Findings();
        for (String name : namespaces) {
            NamespaceInfo own = topology.namespaces().get(name);
            List<Probes.End> ends = probes.ends(name);
            sameNamespace(own, ends, findings);
            for (NamespaceInfo other : probes.namespaces()) {
                if (other.name().equals(name)) {
                    continue;
                }
                if (other.role() == Role.INGRESS) {
                    ingress(tenant, other, ends, findings);
                    continue;
                }
                Peer peer = new Peer(classOf(other), other.tenant(), other.name());
                List<Probes.End> theirs = probes.ends(other.name());
                if (other.role() == Role.TENANT) {
                    // another tenant's namespace: forbidden whatever the pods and ports, so a direction the policies
                    // close for any pod on any port (checked once) has nothing to find
                    boolean egress = !closed(name, other.name(), theirs);
                    boolean ingress = !closed(other.name(), name, ends);
                    for (Probes.End end : theirs) {
                        for (Probes.End mine : ends) {
                            if (egress) {
                                tryPorts(mine, end, Direction.EGRESS, peer, findings);
                            }
                            if (ingress) {
                                tryPorts(end, mine, Direction.INGRESS, peer, findings);
                            }
                        }
                    }
                    continue;
                }
                for (Probes.End end : theirs) {
                    both(ends, end, peer, findings);
                }
            }
            for (Probes.End dns : probes.dns()) {
                both(ends, dns, new Peer(PeerClass.DNS, null, dns.view().namespace()), findings);
            }
            for (Probes.End outside : probes.external()) {
                both(ends, outside, new Peer(PeerClass.EXTERNAL, null, null), findings);
            }
        }
        List<Finding> list = findings.sorted();
        return new TenantIsolation(tenant, namespaces, IsolationStatus.of(list), list, 0);
    }

    private void sameNamespace(NamespaceInfo ns, List<Probes.End> ends, Findings findings) {
        Peer peer = new Peer(PeerClass.SAME_NAMESPACE, ns.tenant(), ns.name());
        List<Probes.End> pods = ends;
        if (pods.size() == 1) {
            pods = List.of(pods.get(0), probes.anyPod(ns));
        }
        for (Probes.End source : pods) {
            for (Probes.End destination : pods) {
                if (source != destination) {
                    tryPorts(source, destination, null, peer, findings);
                }
            }
        }
    }

    /** True when the policies deny every connection from any pod of one namespace to any of another. */
    private boolean closed(String from, String to, List<Probes.End> destinations) {
        int n = (int) Math.sqrt(closedPairs.length());
        Integer i = index.get(from);
        Integer j = index.get(to);
        int slot = n > 0 && i != null && j != null ? i * n + j : -1;
        int known = slot >= 0 ? closedPairs.get(slot) : 0;
        if (known != 0) {
            return known == 2;
        }
        boolean closed = evaluateClosed(from, to, destinations);
        if (slot >= 0) {
            closedPairs.set(slot, closed ? 2 : 1);
        }
        return closed;
    }

    private boolean evaluateClosed(String from, String to, List<Probes.End> destinations) {
        Set<Protocol> protocols = new LinkedHashSet<>();
        for (Probes.End d : destinations) {
            d.ports().forEach(p -> protocols.add(p.protocol()));
        }
        for (Protocol protocol : protocols) {
            PolicyResult r = engine.evaluate(
                    new Connection(probes.wildcard(from), probes.wildcard(to), protocol, Connection.UNKNOWN_PORT));
            if (r.verdict() != PolicyVerdict.DENY) {
                return false;
            }
        }
        return true;
    }

    /**
     * The ingress pods labelled for this tenant (real, or one like them) and those labelled otherwise; of these, one
     * per kind the policies of both namespaces can tell apart ({@link Probes#canonical}).
     */
    private void ingress(String tenant, NamespaceInfo ns, List<Probes.End> own, Findings findings) {
        boolean labelledForTenant = false;
        boolean labelledOtherwise = false;
        List<String> deciding = new ArrayList<>(findingsNamespaces(own));
        deciding.add(ns.name());
        Set<List<Object>> tried = new HashSet<>();
        for (Probes.End pod : probes.ends(ns.name())) {
            boolean mine = tenant.equals(pod.tenant());
            labelledForTenant |= mine;
            labelledOtherwise |= !mine && pod.tenant() != null;
            if (mine || tried.add(probes.canonical(pod, deciding))) {
                both(own, pod, new Peer(PeerClass.INGRESS, pod.tenant(), ns.name()), findings);
            }
        }
        if (!labelledForTenant) {
            both(own, probes.ingressPod(ns, tenant), new Peer(PeerClass.INGRESS, tenant, ns.name()), findings);
        }
        if (!labelledOtherwise) {
            String other = "not-" + tenant;
            both(own, probes.ingressPod(ns, other), new Peer(PeerClass.INGRESS, other, ns.name()), findings);
        }
    }

    private static List<String> findingsNamespaces(List<Probes.End> own) {
        return own.stream().map(e -> e.view().namespace()).distinct().toList();
    }

    private void both(List<Probes.End> own, Probes.End peerEnd, Peer peer, Findings findings) {
        for (Probes.End end : own) {
            tryPorts(end, peerEnd, Direction.EGRESS, peer, findings);
            tryPorts(peerEnd, end, Direction.INGRESS, peer, findings);
        }
    }

    private void tryPorts(
            Probes.End source, Probes.End destination, Direction direction, Peer peer, Findings findings) {
        for (Probes.Port port : destination.ports()) {
            judge(source, destination, port, direction, peer, findings);
        }
    }

    private void judge(
            Probes.End source,
            Probes.End destination,
            Probes.Port port,
            Direction direction,
            Peer peer,
            Findings findings) {
        Flow flow = new Flow(
                FORMAT,
                now,
                now,
                source.endpoint(),
                destination.endpoint(),
                port.protocol(),
                port.port(),
                -1,
                Observed.UNKNOWN,
                Initiation.INITIATING,
                null,
                null,
                List.of(),
                null,
                1,
                null);
        IntentResult intent = IntentModel.judge(flow, source.party(), destination.party(), topology);
        if (intent instanceof IntentResult.NotJudged) {
            return;
        }
        Example example = new Example(source.view(), destination.view(), port.port(), port.protocol());
        if (intent instanceof IntentResult.CannotJudge cannot) {
            Direction d = direction == null ? Direction.EGRESS : direction;
            findings.add(
                    FindingKind.INDETERMINATE,
                    d,
                    peer,
                    example,
                    List.of(),
                    () -> "the isolation model cannot " + "judge this connection: " + cannot.reason());
            return;
        }
        IntentResult.Judged judged = (IntentResult.Judged) intent;
        PolicyResult result =
                engine.evaluate(new Connection(source.policy(), destination.policy(), port.protocol(), port.port()));
        Direction d = direction != null
                ? direction
                : result.egress().verdict() == PolicyVerdict.ALLOW ? Direction.INGRESS : Direction.EGRESS;
        String why = result.reasons().isEmpty()
                ? result.verdict().name()
                : result.reasons().get(0);
        if (result.verdict() == PolicyVerdict.INDETERMINATE) {
            String because = result.indeterminateBecause().isEmpty()
                    ? why
                    : result.indeterminateBecause().get(0);
            findings.add(
                    FindingKind.INDETERMINATE,
                    d,
                    peer,
                    example,
                    result.decidedBy(),
                    () -> judged.reason() + "; whether the NetworkPolicies allow it is undecided: " + because);
        } else if (judged.intent() == Intent.FORBIDDEN && result.allowed()) {
            findings.add(
                    FindingKind.PERMITS_FORBIDDEN,
                    d,
                    peer,
                    example,
                    result.decidedBy(),
                    () -> judged.reason() + "; but the NetworkPolicies allow it: " + why);
        } else if (judged.intent() == Intent.PERMITTED && result.verdict() == PolicyVerdict.DENY) {
            findings.add(
                    FindingKind.DENIES_PERMITTED,
                    d,
                    peer,
                    example,
                    result.decidedBy(),
                    () -> judged.reason() + "; but the NetworkPolicies deny it: " + why);
        }
    }

    private static PeerClass classOf(NamespaceInfo ns) {
        return switch (ns.role()) {
            case TENANT -> PeerClass.TENANT;
            case CONTROL_PLANE -> PeerClass.CONTROL_PLANE;
            case INGRESS -> PeerClass.INGRESS;
            case SHARED_INFRA -> PeerClass.SHARED_INFRA;
            case OTHER -> PeerClass.OTHER;
        };
    }

    /** One tenant's findings, one per key: the first connection found for it is its example. */
    private static final class Findings {

        private final Map<Finding.Key, Finding> byKey = new LinkedHashMap<>();

        void add(
                FindingKind kind,
                Direction direction,
                Peer peer,
                Example example,
                List<String> decidedBy,
                Supplier<String> reason) {
            Finding.Key key = new Finding.Key(kind, direction, peer, List.copyOf(decidedBy));
            if (!byKey.containsKey(key)) {
                byKey.put(key, new Finding(kind, direction, peer, example, decidedBy, reason.get()));
            }
        }

        /** Open doors first, then closed ones, then undecided, each in the order found. */
        List<Finding> sorted() {
            List<Finding> list = new ArrayList<>(byKey.values());
            list.sort(Comparator.comparing(Finding::kind));
            return List.copyOf(list);
        }
    }
}
