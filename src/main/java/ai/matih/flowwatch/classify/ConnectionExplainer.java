package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.ObservationSide;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.flow.Workloads;
import ai.matih.flowwatch.policy.PolicyResult;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyHolder;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How flowwatch would judge a connection on the live topology, axis by axis (docs/judging.md, docs/api.md).
 *
 * <p>Explaining takes two steps so that a caller can look at the placed ends before anything is judged:
 * {@link #place} only looks both ends up in the current topology snapshot, {@link #explain} runs the intent model,
 * the NetworkPolicy engine and the classifier on what was placed. A caller that refuses an end after placing it
 * therefore refuses an end that exists and one that does not after the same work. Reads the snapshot, changes
 * nothing; thread-safe.
 */
@Singleton
public class ConnectionExplainer {

    /** What the CNI may report of a connection, in the order an explanation lists them. */
    private static final List<Observed> REPORTS = List.of(Observed.ALLOWED, Observed.DENIED, Observed.AUDIT);

    private final Supplier<Topology> topology;
    private final EnginePolicyAxis policyAxis;
    private final FlowClassifier classifier;

    @Inject
    public ConnectionExplainer(TopologyHolder topology, EnginePolicyAxis policyAxis) {
        this(topology::current, policyAxis);
    }

    /**
     * @param topology   the snapshot in force at each call
     * @param policyAxis the NetworkPolicy axis the pipeline judges with
     */
    public ConnectionExplainer(Supplier<Topology> topology, EnginePolicyAxis policyAxis) {
        this.topology = Objects.requireNonNull(topology, "topology");
        this.policyAxis = Objects.requireNonNull(policyAxis, "policyAxis");
        this.classifier = new FlowClassifier(policyAxis);
    }

    /** One end of a connection as a caller names it. */
    public sealed interface End {

        /** A pod by name; it need not exist. */
        record Pod(String namespace, String name) implements End {}

        /** An IP address, inside or outside the cluster. */
        record Address(String ip) implements End {}
    }

    /**
     * A connection with both ends placed in the tenancy model of one topology snapshot.
     *
     * @param topology    the snapshot the ends were placed on, and the one the explanation judges on
     * @param source      the source
     * @param destination the destination
     * @param protocol    protocol
     * @param port        destination port, or -1 for any
     */
    public record Placed(Topology topology, Party source, Party destination, Protocol protocol, int port) {}

    /**
     * The judgement of a placed connection on each axis.
     *
     * @param connection the connection judged
     * @param intent     what the tenancy model says
     * @param policy     the NetworkPolicy verdict on each direction, with the policies and rules that decide
     * @param outcomes   what flowwatch reports when the CNI says ALLOWED, DENIED or AUDIT, in that order
     */
    public record Explanation(
            Placed connection, IntentResult intent, PolicyResult policy, Map<Observed, Outcome> outcomes) {}

    /** Both ends placed on the current snapshot. */
    public Placed place(End source, End destination, Protocol protocol, int port) {
        Topology t = topology.get();
        return new Placed(
                t,
                PartyResolver.resolve(endpoint(source, t), t),
                PartyResolver.resolve(endpoint(destination, t), t),
                protocol,
                port);
    }

    /** The connection judged on every axis, on the snapshot its ends were placed on. */
    public Explanation explain(Placed c) {
        Topology t = c.topology();
        Flow allowed = flow(c, Observed.ALLOWED);
        IntentResult intent = IntentModel.judge(allowed, c.source(), c.destination(), t);
        PolicyResult policy = policyAxis.evaluate(allowed, c.source(), c.destination(), t);
        Map<Observed, Outcome> outcomes = new EnumMap<>(Observed.class);
        for (Observed reported : REPORTS) {
            outcomes.put(reported, classifier.classify(reported == Observed.ALLOWED ? allowed : flow(c, reported), t));
        }
        return new Explanation(c, intent, policy, Collections.unmodifiableMap(outcomes));
    }

    /** A named pod with what the snapshot knows of it (labels, first IP); an address as an endpoint of unknown kind. */
    private static Endpoint endpoint(End end, Topology t) {
        if (end instanceof End.Pod pod) {
            PodInfo known = t.pod(pod.namespace(), pod.name());
            Map<String, String> labels = known == null ? Map.of() : known.labels();
            String ip =
                    known == null || known.ips().isEmpty() ? null : known.ips().get(0);
            return new Endpoint(
                    EndpointKind.POD,
                    pod.namespace(),
                    pod.name(),
                    Workloads.of(pod.name(), labels),
                    ip,
                    labels,
                    Map.of(),
                    null);
        }
        return Endpoint.unknown(((End.Address) end).ip());
    }

    private static Flow flow(Placed c, Observed observed) {
        Instant now = Instant.now();
        return new Flow(
                SourceFormat.HUBBLE,
                now,
                now,
                c.source().endpoint(),
                c.destination().endpoint(),
                c.protocol(),
                c.port(),
                -1,
                observed,
                Initiation.INITIATING,
                null,
                null,
                List.of(),
                "explain",
                1,
                null,
                ObservationSide.UNKNOWN);
    }
}
