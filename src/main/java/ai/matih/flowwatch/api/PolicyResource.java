package ai.matih.flowwatch.api;

import ai.matih.flowwatch.topology.TopologyHolder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The stateless what-if: judges connections against the NetworkPolicies of the manifests in the request,
 * exactly as Kubernetes defines them. What a team runs in CI before merging a policy change.
 *
 * <p>It reads nothing of flowwatch's own state, only the request. A tenant-scoped caller may still only evaluate
 * connections with at least one end a pod in a namespace named after its tenant by the tenancy pattern
 * ({@code matih-data-plane-<tenant>}); admins evaluate anything.
 *
 * <p>What a request may cost is bounded ({@code flowwatch.api.evaluate.*}): as soon as its headers are in and its
 * caller is known, {@link EvaluationGate} takes a permit for it, before a byte of the body is read (429 with
 * {@code Retry-After} when the caller, or everyone together, already holds the most permits allowed); the permit is
 * held while the body arrives and until the evaluation ends, even when its client goes away earlier. The body is
 * parsed, judged and written on the evaluation pool, within a bound on the work and on the answer's size (422 beyond
 * either); an evaluation that finds no free thread there is answered 429.
 */
@Path("/api/v1/policy")
@Tag(name = "policy", description = "Stateless what-if evaluation of NetworkPolicies")
public class PolicyResource {

    private final ApiLimits limits;
    private final WhatIf whatIf;

    public PolicyResource(TopologyHolder topology, ObjectMapper mapper, ApiLimits limits) {
        this.limits = limits;
        this.whatIf = new WhatIf(topology, mapper, limits.config().evaluate());
    }

    /**
     * Judges the connections of the body ({@link EvaluateRequest}); answers an {@link EvaluateResponse}.
     *
     * @param body   the request body
     * @param detail {@code summary} (the default: the first items of each list, and counts) or {@code full}
     */
    @POST
    @Path("evaluate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @EvaluationPermit
    @Operation(
            operationId = "evaluatePolicies",
            summary = "Judge connections against the NetworkPolicies of the given manifests",
            description = "Stateless what-if, for CI before merging a policy change: the connections of the body are"
                    + " judged against the NetworkPolicies of its manifests, exactly as Kubernetes defines them;"
                    + " nothing of flowwatch's own state is read. A tenant-scoped token evaluates only connections with"
                    + " at least one end a pod of its tenant's namespaces. Evaluations at once are bounded per caller"
                    + " and in all (429), and so are the work and the answer's size (422).")
    @RequestBody(
            required = true,
            description = "Manifests as multi-document YAML (Namespace, Pod and NetworkPolicy documents) and the"
                    + " connections to judge",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = EvaluateRequest.class)))
    @APIResponse(
            responseCode = "200",
            description = "One result per connection",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = EvaluateResponse.class)))
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    @APIResponse(responseCode = "413", ref = ApiContract.PAYLOAD_TOO_LARGE)
    @APIResponse(responseCode = "422", ref = ApiContract.UNPROCESSABLE)
    @APIResponse(responseCode = "429", ref = ApiContract.TOO_MANY_REQUESTS)
    public Uni<Response> evaluate(
            byte[] body,
            @QueryParam("detail")
                    @Parameter(description = "summary (the default: the first items of each list, and counts) or full")
                    String detail,
            @Context RoutingContext http) {
        Caller caller = Caller.of(http);
        boolean full = full(detail);
        return EvaluationGate.evaluate(
                limits,
                http,
                () -> Response.ok(whatIf.run(body, caller, full), MediaType.APPLICATION_JSON)
                        .build());
    }

    private static boolean full(String detail) {
        if (detail == null || detail.isEmpty() || detail.equals("summary")) {
            return false;
        }
        if (detail.equals("full")) {
            return true;
        }
        throw ProblemException.badParameter(
                "detail", "detail '" + Parameters.shown(detail) + "' is not one of summary, full");
    }
}
