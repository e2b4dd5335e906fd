package ai.matih.flowwatch.api;

import ai.matih.flowwatch.classify.EnginePolicyAxis;
import ai.matih.flowwatch.classify.FlowClassifier;
import ai.matih.flowwatch.classify.IntentModel;
import ai.matih.flowwatch.classify.IntentResult;
import ai.matih.flowwatch.classify.Outcome;
import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.classify.PartyResolver;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.KubernetesNames;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.ObservationSide;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.flow.Workloads;
import ai.matih.flowwatch.policy.PolicyResult;
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

/**
 * {@code GET /api/v1/explain}: how flowwatch would judge a connection on the live topology, axis by axis.
 *
 * <p>A tenant-scoped caller explains connections with one end in its own namespaces, and the other end something it
 * may see: its own pods, the platform's known pods (control plane, shared infrastructure, ingress pods that are not
 * another tenant's, the cluster DNS) and addresses outside the cluster. Any other end (another tenant's pod, an
 * ingress pod labelled for another tenant, a pod of a namespace without a platform role, a pod name or in-cluster
 * address no known pod has) gets one and the same 403, so that the answer tells nothing of what is there.
 */
@Path("/api/v1/explain")
public class ExplainResource {

    /** The one answer to an end a tenant may not explain, whatever is (or is not) there. */
    static final String NOT_YOURS = " is not an endpoint your token may explain: one of your tenant's pods, a known "
            + "platform pod, or an address outside the cluster";

    private final TopologyHolder topology;
    private final EnginePolicyAxis policyAxis;
    private final FlowClassifier classifier;
    private final int maxChars;

    public ExplainResource(TopologyHolder topology, EnginePolicyAxis policyAxis, ApiConfig api) {
        this.topology = topology;
        this.policyAxis = policyAxis;
        this.classifier = new FlowClassifier(policyAxis);
        this.maxChars = api.maxParameterChars();
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
        Endpoint src = endpoint("source", Parameters.bounded("source", source, maxChars), t);
        Endpoint dst = endpoint("destination", Parameters.bounded("destination", destination, maxChars), t);
        Protocol p = protocol(Parameters.bounded("protocol", protocol, maxChars));
        int portNumber = port(Parameters.bounded("port", port, maxChars));
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
     * A tenant explains connections with one end in its own namespaces and the other one it may see (see the class
     * comment). Each end is judged on where it stands in the topology only, so a foreign end and an end that does not
     * exist get the same answer.
     */
    private static void scope(Caller caller, Party s, Party d, Topology t) {
        if (!visible(caller.tenant(), s, t)) {
            throw caller.outsideScope("source", "source" + NOT_YOURS);
        }
        if (!visible(caller.tenant(), d, t)) {
            throw caller.outsideScope("destination", "destination" + NOT_YOURS);
        }
        if (!own(caller.tenant(), s) && !own(caller.tenant(), d)) {
            throw caller.outsideScope("source", "neither end is in one of your tenant's namespaces");
        }
    }

    private static boolean own(String tenant, Party p) {
        return p.kind() == Party.Kind.TENANT && tenant.equals(p.tenant());
    }

    /** True when a tenant may be shown this end: its own, a known platform pod, or outside the cluster. */
    static boolean visible(String tenant, Party p, Topology t) {
        switch (p.kind()) {
            case TENANT:
                return tenant.equals(p.tenant());
            case EXTERNAL:
            case CLUSTER:
                return true;
            case UNKNOWN:
                return false;
            default:
                break;
        }
        PodInfo known = knownPod(p, t);
        if (known == null) {
            return false;
        }
        switch (p.kind()) {
            case CONTROL_PLANE:
            case SHARED_INFRA:
                return true;
            case INGRESS:
                String labelled = known.labels().get(t.rules().tenantLabel());
                return labelled == null || tenant.equals(labelled);
            default:
                return t.isClusterDns(known.namespace(), known.labels());
        }
    }

    /** The topology's pod behind a namespaced end, or null when it knows none. */
    private static PodInfo knownPod(Party p, Topology t) {
        Endpoint e = p.endpoint();
        PodInfo byName = t.pod(p.namespaceName(), e.pod());
        return byName != null ? byName : t.podByIp(e.ip());
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
            if (!KubernetesNames.isDnsLabel(namespace) || !KubernetesNames.isDnsSubdomain(pod)) {
                throw ProblemException.badParameter(parameter, parameter + " '" + Parameters.shown(value)
                        + "' is neither <namespace>/<pod> nor an IP");
            }
            PodInfo known = t.pod(namespace, pod);
            Map<String, String> labels = known == null ? Map.of() : known.labels();
            String ip = known == null || known.ips().isEmpty() ? null : known.ips().get(0);
            return new Endpoint(EndpointKind.POD, namespace, pod, Workloads.of(pod, labels), ip, labels, Map.of(), null);
        }
        if (Topology.parseIp(value) == null) {
            throw ProblemException.badParameter(parameter, parameter + " '" + Parameters.shown(value)
                    + "' is neither <namespace>/<pod> nor an IP");
        }
        return Endpoint.unknown(value);
    }

    private static Protocol protocol(String value) {
        if (value == null || value.isEmpty()) {
            return Protocol.TCP;
        }
        Protocol p = Protocol.parseName(value);
        if (p == null) {
            throw ProblemException.badParameter("protocol", "protocol '" + Parameters.shown(value) + "' is not one of TCP, UDP, SCTP, ICMP, ICMPv6");
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
        throw ProblemException.badParameter("port", "port '" + Parameters.shown(value) + "' is not a port (1-65535)");
    }
}
