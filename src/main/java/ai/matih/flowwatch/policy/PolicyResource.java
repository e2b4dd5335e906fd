package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.api.ProblemException;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.security.Caller;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.TenancyRules;
import io.vertx.ext.web.RoutingContext;
import ai.matih.flowwatch.topology.ManifestException;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyHolder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stateless what-if: judges connections against the NetworkPolicies of the manifests in the request,
 * exactly as Kubernetes defines them. What a team runs in CI before merging a policy change.
 *
 * <p>It reads nothing of flowwatch's own state, only the request. A tenant-scoped caller may still only evaluate
 * connections with at least one end a pod in a namespace named after its tenant by the tenancy pattern
 * ({@code matih-data-plane-<tenant>}); admins evaluate anything.
 */
@Path("/api/v1/policy")
public class PolicyResource {

    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    static final int MAX_CONNECTIONS = 10_000;

    private final TopologyHolder topology;

    public PolicyResource(TopologyHolder topology) {
        this.topology = topology;
    }

    @POST
    @Path("evaluate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public EvaluateResponse evaluate(EvaluateRequest request, RoutingContext http) {
        Caller caller = Caller.of(http);
        if (request == null) {
            throw field("body", "a JSON object with 'manifests' and 'connections' is required");
        }
        if (request.manifests() == null) {
            throw field("manifests", "manifests (multi-document YAML) is required");
        }
        if (request.manifests().getBytes(StandardCharsets.UTF_8).length > MAX_MANIFEST_BYTES) {
            throw field("manifests", "manifests are larger than " + MAX_MANIFEST_BYTES + " bytes");
        }
        if (request.connections() == null || request.connections().isEmpty()) {
            throw field("connections", "at least one connection is required");
        }
        if (request.connections().size() > MAX_CONNECTIONS) {
            throw field("connections", "at most " + MAX_CONNECTIONS + " connections per request");
        }
        CniProfile profile = profile(request.cni());
        Topology parsed;
        try {
            parsed = topology.loader().parse(request.manifests(), "manifests").topology();
        } catch (ManifestException e) {
            throw field("manifests", e.getMessage());
        }
        PolicyEngine engine = PolicyEngine.compile(parsed, profile);
        if (!engine.problems().isEmpty()) {
            PolicyProblem first = engine.problems().get(0);
            throw field("manifests", "invalid NetworkPolicy: " + first);
        }
        List<EvaluateResponse.Result> results = new ArrayList<>(request.connections().size());
        for (int i = 0; i < request.connections().size(); i++) {
            EvaluateRequest.ConnectionSpec spec = request.connections().get(i);
            String at = "connections[" + i + "]";
            if (spec == null) {
                throw field(at, "a connection object is required");
            }
            if (!caller.admin() && !named(caller.tenant(), spec.source()) && !named(caller.tenant(), spec.destination())) {
                throw caller.outsideScope(at, at + ": neither end is a pod in a namespace named after your tenant ("
                        + topology.current().rules().namespacePattern().pattern() + ")");
            }
            Connection c = new Connection(endpoint(parsed, spec.source(), at + ".source"),
                    endpoint(parsed, spec.destination(), at + ".destination"), protocol(spec.protocol(), at + ".protocol"),
                    port(spec.port(), at + ".port"));
            results.add(EvaluateResponse.Result.of(engine.evaluate(c)));
        }
        return new EvaluateResponse(results);
    }

    /** True when the endpoint is a pod in a namespace whose name makes it this tenant's (labels do not count). */
    private boolean named(String tenant, EvaluateRequest.EndpointSpec spec) {
        if (spec == null || spec.namespace() == null) {
            return false;
        }
        TenancyRules rules = topology.current().rules();
        NamespaceInfo ns = rules.describe(spec.namespace(), Map.of(), false);
        return ns.role() == Role.TENANT && tenant.equals(ns.tenant());
    }

    static PolicyEndpoint endpoint(Topology t, EvaluateRequest.EndpointSpec spec, String at) {
        if (spec == null) {
            throw field(at, at + " is required: {\"namespace\",\"pod\"} or {\"ip\"}");
        }
        boolean hasPod = spec.namespace() != null || spec.pod() != null;
        if (hasPod && spec.ip() != null) {
            throw field(at, at + " names both a pod and an ip: give one");
        }
        if (hasPod) {
            if (spec.namespace() == null || spec.pod() == null) {
                throw field(at, at + " needs both namespace and pod");
            }
            PolicyEndpoint.Pod pod = PolicyEndpoint.resolve(t, spec.namespace(), spec.pod());
            if (pod == null) {
                throw field(at, at + ": pod " + spec.namespace() + "/" + spec.pod() + " is not among the Pods of the manifests");
            }
            return pod;
        }
        if (spec.ip() == null || Topology.parseIp(spec.ip()) == null) {
            throw field(at, at + ".ip '" + spec.ip() + "' is not an IP address");
        }
        return PolicyEndpoint.resolve(t, spec.ip());
    }

    static Protocol protocol(String text, String at) {
        if (text == null) {
            return Protocol.TCP;
        }
        Protocol p = Protocol.parseName(text);
        if (p == null || !p.hasPorts()) {
            throw field(at, at + " '" + text + "' is not one of TCP, UDP, SCTP");
        }
        return p;
    }

    static int port(Integer port, String at) {
        if (port == null) {
            return -1;
        }
        if (port < 1 || port > 65535) {
            throw field(at, at + " " + port + " is not a port (1-65535)");
        }
        return port;
    }

    static CniProfile profile(String cni) {
        if (cni == null) {
            return CniProfile.CONFORMANCE;
        }
        switch (cni) {
            case "conformance": return CniProfile.CONFORMANCE;
            case "ipblock-ignores-pod-ips": return CniProfile.IPBLOCK_IGNORES_POD_IPS;
            case "unknown": return CniProfile.UNKNOWN;
            default: throw field("cni", "cni '" + cni + "' is not one of conformance, ipblock-ignores-pod-ips, unknown");
        }
    }

    private static ProblemException field(String field, String detail) {
        return new ProblemException(400, "Invalid request", detail, field);
    }
}
