package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.Connection;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.policy.PolicyResult;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The policy axis from the NetworkPolicies in force (design §4): each connection is evaluated by the exact
 * {@link PolicyEngine}, compiled once per topology snapshot. Endpoints are taken from the topology when it
 * knows them, else from what the record says (labels it does not carry are unknown, not empty).
 *
 * <p>Decisions are memoised per topology snapshot: the key is the whole {@link Connection} (both endpoints with
 * everything the engine reads of them: namespace, name, pod and namespace labels, IPs, hostNetwork, declared ports
 * and node; protocol and port), so a memoised decision is the one the engine would give, explanations included.
 * The memo belongs to the compiled snapshot (a new snapshot starts empty), is lock-free, and is cleared when it
 * reaches {@value #MEMO_CAPACITY} entries (many distinct external IPs).
 */
public final class EnginePolicyAxis implements PolicyAxis {

    /** Most memoised decisions per snapshot before the memo is cleared. */
    static final int MEMO_CAPACITY = 16_384;

    private final CniProfile profile;
    private final AtomicReference<Compiled> compiled = new AtomicReference<>();

    public EnginePolicyAxis(CniProfile profile) {
        this.profile = profile;
    }

    private record Compiled(Topology topology, PolicyEngine engine, Map<Connection, PolicyDecision> decisions) {
    }

    /** The engine for this snapshot, compiled on first use after a topology change. */
    public PolicyEngine engine(Topology topology) {
        return compiled(topology).engine();
    }

    private Compiled compiled(Topology topology) {
        Compiled c = compiled.get();
        if (c == null || c.topology() != topology) {
            c = new Compiled(topology, PolicyEngine.compile(topology, profile), new ConcurrentHashMap<>());
            compiled.set(c);
        }
        return c;
    }

    @Override
    public PolicyDecision decide(Flow flow, Party source, Party destination, IntentResult.Judged intent,
                                 Topology topology) {
        Connection connection = new Connection(endpoint(source, flow, topology), endpoint(destination, flow, topology),
                flow.protocol(), flow.port());
        Compiled c = compiled(topology);
        PolicyDecision known = c.decisions().get(connection);
        if (known != null) {
            return known;
        }
        PolicyDecision decision = c.engine().evaluate(connection).toDecision();
        if (c.decisions().size() >= MEMO_CAPACITY) {
            c.decisions().clear();
        }
        c.decisions().put(connection, decision);
        return decision;
    }

    /** The full result, for explanations. */
    public PolicyResult evaluate(Flow flow, Party source, Party destination, Topology topology) {
        Connection connection = new Connection(endpoint(source, flow, topology), endpoint(destination, flow, topology),
                flow.protocol(), flow.port());
        return engine(topology).evaluate(connection);
    }

    static PolicyEndpoint endpoint(Party party, Flow flow, Topology topology) {
        Endpoint e = party.endpoint();
        String namespace = party.namespaceName();
        if (namespace != null) {
            PolicyEndpoint.Pod known = e.pod() == null ? null : PolicyEndpoint.resolve(topology, namespace, e.pod());
            if (known == null && e.ip() != null) {
                PodInfo byIp = topology.podByIp(e.ip());
                if (byIp != null && byIp.namespace().equals(namespace)) {
                    known = PolicyEndpoint.Pod.of(byIp, topology.namespaces().get(namespace));
                }
            }
            if (known != null) {
                return known;
            }
            Map<String, String> labels = party.labels().isEmpty() ? null : party.labels();
            Map<String, String> namespaceLabels = null;
            if (party.namespace().known()) {
                namespaceLabels = party.namespace().labels();
            } else if (!e.namespaceLabels().isEmpty()) {
                namespaceLabels = new HashMap<>(e.namespaceLabels());
            }
            String name = e.pod() != null ? e.pod() : e.workload() != null ? e.workload() + "-*" : "unknown";
            return new PolicyEndpoint.Pod(namespace, name, labels, namespaceLabels,
                    e.ip() == null ? List.of() : List.of(e.ip()), false, null, null);
        }
        switch (party.kind()) {
            case EXTERNAL:
                return PolicyEndpoint.Address.external(e.ip());
            case CLUSTER:
                if (e.kind() == EndpointKind.HOST) {
                    return PolicyEndpoint.Address.node(e.ip(), flow.node());
                }
                return PolicyEndpoint.Address.unresolved(e.ip());
            default:
                return e.ip() == null ? PolicyEndpoint.Address.unresolved(null) : PolicyEndpoint.resolve(topology, e.ip());
        }
    }
}
