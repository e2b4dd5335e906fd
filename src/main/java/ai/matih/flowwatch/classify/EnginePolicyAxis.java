package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.Connection;
import ai.matih.flowwatch.policy.PodKnowledge;
import ai.matih.flowwatch.policy.PolicyDecision;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.policy.PolicyResult;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The policy axis from the NetworkPolicies in force: each connection is evaluated by the exact
 * {@link PolicyEngine}, compiled once per topology snapshot. Endpoints are taken from the topology when it
 * knows them, else from what the record says (labels it does not carry are unknown, not empty).
 *
 * <p>Decisions are memoised per topology snapshot, keyed by everything the engine reads of the connection (both
 * endpoints' namespace, name, pod and namespace labels, IPs, hostNetwork, declared ports and node; protocol and port),
 * so a memoised decision is the one the engine would give, explanations included. An ordinary connection is its own
 * key; one whose endpoints carry more text than {@link MemoKeys#EXACT_KEY_CHARS} (many or long labels) is keyed by a
 * salted SHA-256 of all of it ({@link ConnectionDigest}), so the memo never holds a record's label maps past that
 * size. The memo belongs to the compiled snapshot (a new snapshot starts empty), is lock-free, and is emptied when its
 * estimated size (keys and decisions) reaches {@code flowwatch.policy.memo-bytes}.
 */
public final class EnginePolicyAxis implements PolicyAxis {

    /** Default of {@code flowwatch.policy.memo-bytes}. */
    public static final long DEFAULT_MEMO_BYTES = 48L * 1024 * 1024;
    /** Gauge of the memo's estimated heap bytes. Exported as {@code flowwatch_policy_memo_bytes}. */
    public static final String MEMO_BYTES_METER = "flowwatch.policy.memo.bytes";
    /** Counter of memo clears for being full. Exported as {@code flowwatch_policy_memo_clears_total}. */
    public static final String MEMO_CLEARS_METER = "flowwatch.policy.memo.clears";

    private static final ThreadLocal<ConnectionDigest> DIGESTS = ThreadLocal.withInitial(ConnectionDigest::new);

    private final CniProfile profile;
    private final long memoBytes;
    private final Counter clears;
    private final byte[] salt = new byte[16];
    private final AtomicReference<Compiled> compiled = new AtomicReference<>();

    /** An axis with the default memo budget and meters of its own (tools, tests). */
    public EnginePolicyAxis(CniProfile profile) {
        this(profile, DEFAULT_MEMO_BYTES, new SimpleMeterRegistry());
    }

    /**
     * @param memoBytes the most estimated heap bytes of memoised decisions per snapshot
     * @param registry  where the memo's size gauge and clears counter are registered
     */
    public EnginePolicyAxis(CniProfile profile, long memoBytes, MeterRegistry registry) {
        if (memoBytes < 0) {
            throw new IllegalArgumentException("flowwatch.policy.memo-bytes must not be negative: " + memoBytes);
        }
        this.profile = profile;
        this.memoBytes = memoBytes;
        new SecureRandom().nextBytes(salt);
        this.clears = Counter.builder(MEMO_CLEARS_METER)
                .description("Times the policy-decision memo was emptied for reaching flowwatch.policy.memo-bytes")
                .register(registry);
        Gauge.builder(MEMO_BYTES_METER, this, EnginePolicyAxis::memoBytesHeld)
                .description("Estimated heap bytes of memoised policy decisions (keys and decisions)")
                .baseUnit("bytes")
                .register(registry);
    }

    private record Compiled(Topology topology, PolicyEngine engine, DecisionMemo decisions) {}

    /** The engine for this snapshot, compiled on first use after a topology change. */
    public PolicyEngine engine(Topology topology) {
        return compiled(topology).engine();
    }

    private Compiled compiled(Topology topology) {
        Compiled c = compiled.get();
        if (c == null || c.topology() != topology) {
            c = new Compiled(
                    topology, PolicyEngine.compile(topology, profile), new DecisionMemo(memoBytes, clears::increment));
            compiled.set(c);
        }
        return c;
    }

    @Override
    public PolicyDecision decide(
            Flow flow, Party source, Party destination, IntentResult.Judged intent, Topology topology) {
        PolicyEndpoint from = endpoint(source, flow, topology);
        PolicyEndpoint to = endpoint(destination, flow, topology);
        Compiled c = compiled(topology);
        Connection connection = new Connection(from, to, flow.protocol(), flow.port());
        boolean large = MemoKeys.large(from, to);
        Object key = large ? DIGESTS.get().of(salt, from, to, flow.protocol(), flow.port()) : connection;
        PolicyDecision known = c.decisions().get(key);
        if (known != null) {
            return known;
        }
        PolicyDecision decision = c.engine().evaluate(connection).toDecision();
        c.decisions()
                .put(key, large ? ConnectionDigest.Key.BYTES : MemoKeys.exactBytes(connection, topology), decision);
        return decision;
    }

    /** Estimated heap bytes of the current snapshot's memo. */
    long memoBytesHeld() {
        Compiled c = compiled.get();
        return c == null ? 0 : c.decisions().bytes();
    }

    /** Decisions in the current snapshot's memo. */
    int memoSize() {
        Compiled c = compiled.get();
        return c == null ? 0 : c.decisions().size();
    }

    /** The full result, for explanations. */
    public PolicyResult evaluate(Flow flow, Party source, Party destination, Topology topology) {
        Connection connection = new Connection(
                endpoint(source, flow, topology), endpoint(destination, flow, topology), flow.protocol(), flow.port());
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
            return new PolicyEndpoint.Pod(
                    namespace,
                    name,
                    labels,
                    namespaceLabels,
                    e.ip() == null ? List.of() : List.of(e.ip()),
                    false,
                    null,
                    null);
        }
        return switch (party.kind()) {
            case EXTERNAL -> PolicyEndpoint.Address.external(e.ip());
            case CLUSTER ->
                e.kind() == EndpointKind.HOST
                        ? PolicyEndpoint.Address.node(e.ip(), flow.node())
                        : clusterAddress(topology, e.ip());
            default ->
                e.ip() == null
                        ? PolicyEndpoint.Address.unresolved(null)
                        : PolicyEndpoint.resolve(
                                topology, e.ip(), topology.podsKnown() ? KNOWN_PODS : PodKnowledge.PARTIAL);
        };
    }

    /**
     * An in-cluster address no pod of the topology has: a node's (so R7.2, ingress from a pod's own node, applies),
     * else, once the informers know every pod, not a pod; else perhaps an unlisted pod.
     */
    private static PolicyEndpoint clusterAddress(Topology topology, String ip) {
        String node = ip == null ? null : topology.nodeByIp(ip);
        if (node != null) {
            return PolicyEndpoint.Address.node(ip, node);
        }
        return topology.podsKnown() && ip != null
                ? PolicyEndpoint.resolve(topology, ip, KNOWN_PODS)
                : PolicyEndpoint.Address.unresolved(ip);
    }

    /** Every pod is known (the Kubernetes API's informers): an address no pod has is not a pod. */
    private static final PodKnowledge KNOWN_PODS = PodKnowledge.complete(List.of());
}
