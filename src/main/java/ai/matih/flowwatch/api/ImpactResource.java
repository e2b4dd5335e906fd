package ai.matih.flowwatch.api;

import ai.matih.flowwatch.flow.Text;
import ai.matih.flowwatch.isolation.ChangeImpact;
import ai.matih.flowwatch.isolation.Example;
import ai.matih.flowwatch.isolation.FindingChange;
import ai.matih.flowwatch.isolation.ImpactOutcome;
import ai.matih.flowwatch.isolation.ImpactReport;
import ai.matih.flowwatch.isolation.Peer;
import ai.matih.flowwatch.isolation.PeerClass;
import ai.matih.flowwatch.isolation.VerdictChange;
import ai.matih.flowwatch.topology.TopologyChange;
import ai.matih.flowwatch.topology.TopologyHolder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/v1/policy/impact}: what a candidate change (NetworkPolicies added, changed or deleted, namespaces
 * relabelled) would do to the cluster as it is now: the isolation findings it would open and close, and the recently
 * observed connections whose verdict it would change. For CI before a policy change is merged.
 *
 * <p>Admins change anything; a tenant-scoped caller only its tenant's namespaces (403 otherwise) and is answered its
 * own findings judged by its own half (its own policies against the model) and its own recent connections, another tenant's ends withheld as in
 * violations. Bounded like the evaluation ({@code flowwatch.api.evaluate.*}): a permit per request taken before the
 * body is read (429), the same manifest size, work and answer bounds (422); each list holds at most
 * {@value #MAX_ITEMS} items, the rest counted in {@code omitted}.
 */
@Path("/api/v1/policy/impact")
@Tag(name = "policy", description = "Stateless what-if evaluation of NetworkPolicies")
public class ImpactResource {

    static final int MAX_ITEMS = 100;

    private final ApiLimits limits;
    private final ChangeImpact impact;
    private final ImpactChanges changes;
    private final ObjectMapper mapper;

    public ImpactResource(ApiLimits limits, ChangeImpact impact, TopologyHolder topology, ObjectMapper mapper) {
        this.limits = limits;
        this.impact = impact;
        this.changes = new ImpactChanges(topology, mapper);
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @EvaluationPermit
    @Operation(
            operationId = "policyChangeImpact",
            summary = "What a candidate policy change would open, close and change",
            description = "The change (NetworkPolicy and Namespace documents, and policies to delete) applied to the"
                    + " current topology: the isolation findings it would open and close, and the recently observed"
                    + " connections whose NetworkPolicy verdict it would change, each with before and after. A"
                    + " tenant-scoped token changes only its tenant's namespaces and sees only its own findings and"
                    + " connections. Bounded like the evaluation (429, 422).")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ImpactRequest.class)))
    @APIResponse(
            responseCode = "200",
            description = "The impact",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ImpactReport.class)))
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    @APIResponse(responseCode = "413", ref = ApiContract.PAYLOAD_TOO_LARGE)
    @APIResponse(responseCode = "422", ref = ApiContract.UNPROCESSABLE)
    @APIResponse(responseCode = "429", ref = ApiContract.TOO_MANY_REQUESTS)
    public Uni<Response> impact(byte[] body, @Context RoutingContext http) {
        Caller caller = Caller.of(http);
        return EvaluationGate.evaluate(
                limits,
                http,
                () -> Response.ok(run(body, caller), MediaType.APPLICATION_JSON).build());
    }

    private byte[] run(byte[] body, Caller caller) {
        List<TopologyChange> asked = changes.read(body, caller);
        ImpactOutcome outcome = impact.impact(
                asked,
                caller.admin() ? null : caller.tenant(),
                limits.config().evaluate().maxWork());
        if (outcome instanceof ImpactOutcome.Invalid invalid) {
            throw WhatIf.field(invalid.field(), Text.clip(invalid.detail(), 1024));
        }
        if (outcome instanceof ImpactOutcome.TooMuchWork tooMuch) {
            throw new ProblemException(422, "Too much work", tooMuch.detail(), "manifests");
        }
        ImpactReport report = ((ImpactOutcome.Answered) outcome).report().bounded(MAX_ITEMS);
        try {
            byte[] answer = mapper.writeValueAsBytes(caller.admin() ? report : tenantView(caller, report));
            if (answer.length > limits.config().evaluate().maxResponseBytes()) {
                throw new ProblemException(
                        422,
                        "Answer too large",
                        "the answer would be larger than "
                                + limits.config().evaluate().maxResponseBytes() + " bytes: send a smaller change",
                        "manifests");
            }
            return answer;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the answer failed", e);
        }
    }

    /** The report with another tenant's ends and peers withheld (its findings and connections are already its own). */
    static ImpactReport tenantView(Caller caller, ImpactReport r) {
        return new ImpactReport(
                r.opened().stream().map(f -> finding(caller, f)).toList(),
                r.closed().stream().map(f -> finding(caller, f)).toList(),
                r.connections().stream().map(c -> connection(caller, c)).toList(),
                r.checked(),
                r.omitted());
    }

    private static FindingChange finding(Caller caller, FindingChange f) {
        Peer p = f.peer();
        Peer peer = p;
        String reason = f.reason();
        if (p.tenant() != null && !caller.tenant().equals(p.tenant())) {
            peer = p.peerClass() == PeerClass.TENANT
                    ? new Peer(PeerClass.TENANT, null, null)
                    : new Peer(p.peerClass(), null, p.namespace());
            // the reason names the other end: written anew from what is shown
            reason = f.kind() + " " + f.direction() + ": " + p.peerClass().tag() + " peer " + TenantScope.WITHHELD;
        }
        Example e = f.example();
        Example example = new Example(
                TenantScope.endpoint(caller, e.source()),
                TenantScope.endpoint(caller, e.destination()),
                e.port(),
                e.protocol());
        return new FindingChange(f.tenant(), f.kind(), f.direction(), peer, example, f.decidedBy(), reason);
    }

    private static VerdictChange connection(Caller caller, VerdictChange c) {
        return new VerdictChange(
                c.tenant(),
                TenantScope.endpoint(caller, c.source()),
                TenantScope.endpoint(caller, c.destination()),
                c.port(),
                c.protocol(),
                c.observed(),
                c.lastSeen(),
                c.intent(),
                c.before(),
                c.after());
    }
}
