package ai.matih.flowwatch.api;

import ai.matih.flowwatch.classify.ConnectionExplainer;
import ai.matih.flowwatch.classify.IntentResult;
import ai.matih.flowwatch.classify.Outcome;
import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.KubernetesNames;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.PolicyResult;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.Category;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/explain}: how flowwatch would judge a connection on the live topology, axis by axis. The
 * judgement is {@link ConnectionExplainer}'s; this resource parses the parameters, keeps a tenant to what it may see
 * and writes the answer.
 *
 * <p>A tenant-scoped caller explains connections with one end in its own namespaces, and the other end something it
 * may see: its own pods, the platform's known pods (control plane, shared infrastructure, ingress pods that are not
 * another tenant's, the cluster DNS) and addresses outside the cluster. Any other end (another tenant's pod, an
 * ingress pod labelled for another tenant, a pod of a namespace without a platform role, a pod name or in-cluster
 * address no known pod has) gets one and the same 403, so that the answer tells nothing of what is there.
 */
@Path("/api/v1/explain")
@Tag(name = "explain", description = "How flowwatch judges one connection on the live topology")
public class ExplainResource {

    /** The one answer to an end a tenant may not explain, whatever is (or is not) there. */
    static final String NOT_YOURS = " is not an endpoint your token may explain: one of your tenant's pods, a known "
            + "platform pod, or an address outside the cluster";

    private final ConnectionExplainer explainer;
    private final int maxChars;

    public ExplainResource(ConnectionExplainer explainer, ApiConfig api) {
        this.explainer = explainer;
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
    public record Explanation(
            Place source,
            Place destination,
            Protocol protocol,
            Integer port,
            String intent,
            Category category,
            String intentReason,
            PolicyResult policy,
            Map<String, String> outcomes) {

        static Explanation of(ConnectionExplainer.Explanation e) {
            ConnectionExplainer.Placed c = e.connection();
            Map<String, String> outcomes = new LinkedHashMap<>();
            for (Map.Entry<Observed, Outcome> o : e.outcomes().entrySet()) {
                outcomes.put(o.getKey().name(), describe(o.getValue()));
            }
            IntentResult intent = e.intent();
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
            return new Explanation(
                    Place.of(c.source()),
                    Place.of(c.destination()),
                    c.protocol(),
                    c.port() < 0 ? null : c.port(),
                    verdict,
                    category,
                    reason,
                    e.policy(),
                    outcomes);
        }

        private static String describe(Outcome outcome) {
            if (outcome instanceof Outcome.Flagged f) {
                return f.type().name() + " (" + f.severity().tag() + ", cause "
                        + f.cause().tag() + ")";
            }
            if (outcome instanceof Outcome.Unclassified u) {
                return "UNCLASSIFIED: " + u.reason();
            }
            return outcome.classification();
        }
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
    public record Place(
            String namespace, String pod, String ip, String role, String tenant, Map<String, String> labels) {

        static Place of(Party p) {
            String role = p.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
            return new Place(
                    p.namespaceName(),
                    p.endpoint().pod(),
                    p.endpoint().ip(),
                    role,
                    p.tenant(),
                    p.labels().isEmpty() ? null : p.labels());
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "explainConnection",
            summary = "How flowwatch judges a connection",
            description = "Where each end stands in the tenancy model, the intent and why, the NetworkPolicy verdict"
                    + " of each direction with the policies and rules that decide, and what flowwatch would report if"
                    + " the CNI said ALLOWED, DENIED or AUDIT. A tenant-scoped token explains connections with one end"
                    + " in its own namespaces and the other one it may see; any other end is one and the same 403.")
    @APIResponse(
            responseCode = "200",
            description = "The explanation",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Explanation.class)))
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    public Explanation explain(
            @QueryParam("source")
                    @Parameter(description = "The initiating end: <namespace>/<pod> or an IP", required = true)
                    String source,
            @QueryParam("destination")
                    @Parameter(description = "The responding end: <namespace>/<pod> or an IP", required = true)
                    String destination,
            @QueryParam("port")
                    @Parameter(
                            description = "Destination port, 1-65535 (omit when unknown, and for a protocol without"
                                    + " ports such as ICMP)")
                    String port,
            @QueryParam("protocol")
                    @Parameter(
                            description = "TCP (default), UDP, SCTP, ICMP, ICMPv6, GRE, ESP, AH... or an IANA protocol"
                                    + " number 0-255")
                    String protocol,
            @Context RoutingContext request) {
        Caller caller = Caller.of(request);
        ConnectionExplainer.End src = end("source", Parameters.bounded("source", source, maxChars));
        ConnectionExplainer.End dst = end("destination", Parameters.bounded("destination", destination, maxChars));
        Protocol p = protocol(Parameters.bounded("protocol", protocol, maxChars));
        int portNumber = port(Parameters.bounded("port", port, maxChars), p);
        ConnectionExplainer.Placed connection = explainer.place(src, dst, p, portNumber);
        if (!caller.admin()) {
            scope(caller, connection);
        }
        return Explanation.of(explainer.explain(connection));
    }

    /**
     * A tenant explains connections with one end in its own namespaces and the other one it may see (see the class
     * comment). Each end is judged on where it stands in the topology only, so a foreign end and an end that does not
     * exist get the same answer.
     */
    private static void scope(Caller caller, ConnectionExplainer.Placed c) {
        Party s = c.source();
        Party d = c.destination();
        if (!visible(caller.tenant(), s, c.topology())) {
            throw caller.outsideScope("source", "source" + NOT_YOURS);
        }
        if (!visible(caller.tenant(), d, c.topology())) {
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
        return switch (p.kind()) {
            case TENANT -> tenant.equals(p.tenant());
            case EXTERNAL, CLUSTER -> true;
            case UNKNOWN -> false;
            default -> visiblePod(tenant, p, t);
        };
    }

    /** True when a namespaced end that is not a tenant's is a pod the topology knows and the tenant may see. */
    private static boolean visiblePod(String tenant, Party p, Topology t) {
        PodInfo known = knownPod(p, t);
        if (known == null) {
            return false;
        }
        return switch (p.kind()) {
            case CONTROL_PLANE, SHARED_INFRA -> true;
            case INGRESS -> {
                String labelled = known.labels().get(t.rules().tenantLabel());
                yield labelled == null || tenant.equals(labelled);
            }
            default -> t.isClusterDns(known.namespace(), known.labels());
        };
    }

    /** The topology's pod behind a namespaced end, or null when it knows none. */
    private static PodInfo knownPod(Party p, Topology t) {
        Endpoint e = p.endpoint();
        PodInfo byName = t.pod(p.namespaceName(), e.pod());
        return byName != null ? byName : t.podByIp(e.ip());
    }

    /** {@code <namespace>/<pod>} or an IP. */
    private static ConnectionExplainer.End end(String parameter, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badParameter(parameter, parameter + " is required: <namespace>/<pod> or an IP");
        }
        boolean ip = Topology.parseIp(value) != null;
        int slash = value.indexOf('/');
        if (slash > 0 && !ip) {
            String namespace = value.substring(0, slash);
            String pod = value.substring(slash + 1);
            if (KubernetesNames.isDnsLabel(namespace) && KubernetesNames.isDnsSubdomain(pod)) {
                return new ConnectionExplainer.End.Pod(namespace, pod);
            }
        } else if (ip) {
            return new ConnectionExplainer.End.Address(value);
        }
        throw ProblemException.badParameter(
                parameter, parameter + " '" + Parameters.shown(value) + "' is neither <namespace>/<pod> nor an IP");
    }

    private static Protocol protocol(String value) {
        if (value == null || value.isEmpty()) {
            return Protocol.TCP;
        }
        Protocol p = Protocol.parse(value);
        if (p == null) {
            throw ProblemException.badParameter(
                    "protocol",
                    "protocol '" + Parameters.shown(value)
                            + "' is not a protocol: TCP, UDP, SCTP, ICMP, ICMPv6, GRE, ESP, AH or a number 0-255");
        }
        return p;
    }

    private static int port(String value, Protocol protocol) {
        if (value == null || value.isEmpty()) {
            return -1;
        }
        if (!protocol.hasPorts()) {
            throw ProblemException.badParameter(
                    "port", "port '" + Parameters.shown(value) + "': " + protocol + " has no ports; omit port");
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
