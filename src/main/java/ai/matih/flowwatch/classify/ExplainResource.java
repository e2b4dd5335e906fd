package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.api.ProblemException;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.ObservationSide;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.flow.Workloads;
import ai.matih.flowwatch.policy.PolicyResult;
import ai.matih.flowwatch.security.Caller;
import ai.matih.flowwatch.security.TenantScope;
import io.vertx.ext.web.RoutingContext;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyHolder;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/explain}: how flowwatch would judge a connection on the live topology, axis by axis. */
@Path("/api/v1/explain")
public class ExplainResource {

    private final TopologyHolder topology;
    private final EnginePolicyAxis policyAxis;
    private final FlowClassifier classifier;

    public ExplainResource(TopologyHolder topology, EnginePolicyAxis policyAxis) {
        this.topology = topology;
        this.policyAxis = policyAxis;
        this.classifier = new FlowClassifier(policyAxis);
    }

    /**
     * The explanation.
     *
     * @param source      the source as flowwatch places it
     * @param destination the destination as flowwatch places it
     * @param protocol    protocol
     * @param port        port, or null when not given
     * @param intent      PERMITTED / FORBIDDEN, or NOT_JUDGED / CANNOT_JUDGE
     * @param category    the forbidden pattern, or null
     * @param intentReason why
     * @param policy      the NetworkPolicy verdict on each direction, with the policies and rules that decide
     * @param outcomes    what flowwatch reports when the CNI says ALLOWED, DENIED or AUDIT
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Explanation(Place source, Place destination, Protocol protocol, Integer port, String intent,
                              Category category, String intentReason, PolicyResult policy,
                              Map<String, String> outcomes) {
    }

    /**
     * An endpoint placed in the tenancy model.
     *
     * @param namespace namespace, or null
     * @param pod       pod, or null
     * @param ip        IP, or null
     * @param role      tenant, control-plane, ingress, shared-infra, other-namespace, cluster, external, unknown
     * @param tenant    tenant, or null
     * @param labels    pod labels flowwatch used
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Place(String namespace, String pod, String ip, String role, String tenant, Map<String, String> labels) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Explanation explain(@QueryParam("source") String source, @QueryParam("destination") String destination,
                               @QueryParam("port") String port, @QueryParam("protocol") String protocol,
                               RoutingContext request) {
        Caller caller = Caller.of(request);
        Topology t = topology.current();
        Endpoint src = endpoint("source", source, t);
        Endpoint dst = endpoint("destination", destination, t);
        Protocol p = protocol(protocol);
        int portNumber = port(port);
        Flow flow = flow(src, dst, p, portNumber, Observed.ALLOWED);
        Party s = PartyResolver.resolve(src, t);
        Party d = PartyResolver.resolve(dst, t);
        if (!caller.admin()) {
            scope(caller, s, d, t);
        }
        IntentResult intent = IntentModel.judge(flow, s, d, t);
        PolicyResult policy = policyAxis.evaluate(flow, s, d, t);
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Observed o : List.of(Observed.ALLOWED, Observed.DENIED, Observed.AUDIT)) {
            Outcome outcome = classifier.classify(flow(src, dst, p, portNumber, o), t);
            outcomes.put(o.name(), describe(outcome));
        }
        String verdict;
        Category category = null;
        String reason;
        if (intent instanceof IntentResult.Judged j) {
            verdict = j.intent().name();
            category = j.category();
            reason = j.reason();
        } else if (intent instanceof IntentResult.NotJudged n) {
            verdict = "NOT_JUDGED";
            reason = n.reason();
        } else {
            verdict = "CANNOT_JUDGE";
            reason = ((IntentResult.CannotJudge) intent).reason();
        }
        return new Explanation(place(s), place(d), p, portNumber < 0 ? null : portNumber, verdict, category, reason,
                policy, outcomes);
    }

    /**
     * A tenant explains connections with one end in its own namespaces and no end in another tenant's: the
     * explanation names the pods, labels and policies of both ends.
     */
    private static void scope(Caller caller, Party s, Party d, Topology t) {
        for (Party p : List.of(s, d)) {
            if (TenantScope.foreign(caller.tenant(), p.namespaceName(), t)) {
                throw caller.outsideScope(p == s ? "source" : "destination",
                        "explaining connections of another tenant's namespace is for admins");
            }
        }
        if (!TenantScope.owns(caller.tenant(), s.namespaceName(), t)
                && !TenantScope.owns(caller.tenant(), d.namespaceName(), t)) {
            throw caller.outsideScope("source", "neither end is in one of your tenant's namespaces");
        }
    }

    private static String describe(Outcome outcome) {
        if (outcome instanceof Outcome.Flagged f) {
            return f.type().name() + " (" + f.severity().tag() + ", cause " + f.cause().tag() + ")";
        }
        if (outcome instanceof Outcome.Unclassified u) {
            return "UNCLASSIFIED: " + u.reason();
        }
        return outcome.classification();
    }

    private static Place place(Party p) {
        String role = p.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return new Place(p.namespaceName(), p.endpoint().pod(), p.endpoint().ip(), role, p.tenant(),
                p.labels().isEmpty() ? null : p.labels());
    }

    private static Flow flow(Endpoint src, Endpoint dst, Protocol p, int port, Observed observed) {
        Instant now = Instant.now();
        return new Flow(SourceFormat.HUBBLE, now, now, src, dst, p, port, -1, observed, Initiation.INITIATING, null, null,
                List.of(), "explain", 1, null, ObservationSide.UNKNOWN);
    }

    private static Endpoint endpoint(String parameter, String value, Topology t) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badParameter(parameter, parameter + " is required: <namespace>/<pod> or an IP");
        }
        int slash = value.indexOf('/');
        if (slash > 0 && Topology.parseIp(value) == null) {
            String namespace = value.substring(0, slash);
            String pod = value.substring(slash + 1);
            if (pod.isEmpty() || pod.contains("/") || !namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw ProblemException.badParameter(parameter, parameter + " '" + value
                        + "' is neither <namespace>/<pod> nor an IP");
            }
            PodInfo known = t.pod(namespace, pod);
            Map<String, String> labels = known == null ? Map.of() : known.labels();
            String ip = known == null || known.ips().isEmpty() ? null : known.ips().get(0);
            return new Endpoint(EndpointKind.POD, namespace, pod, Workloads.of(pod, labels), ip, labels, Map.of(), null);
        }
        if (Topology.parseIp(value) == null) {
            throw ProblemException.badParameter(parameter, parameter + " '" + value + "' is neither <namespace>/<pod> nor an IP");
        }
        return Endpoint.unknown(value);
    }

    private static Protocol protocol(String value) {
        if (value == null || value.isEmpty()) {
            return Protocol.TCP;
        }
        Protocol p = Protocol.parseName(value);
        if (p == null) {
            throw ProblemException.badParameter("protocol", "protocol '" + value + "' is not one of TCP, UDP, SCTP, ICMP, ICMPv6");
        }
        return p;
    }

    private static int port(String value) {
        if (value == null || value.isEmpty()) {
            return -1;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw ProblemException.badParameter("port", "port '" + value + "' is not a port (1-65535)");
    }
}
