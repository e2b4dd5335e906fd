package ai.matih.flowwatch.api;

import ai.matih.flowwatch.flow.KubernetesNames;
import ai.matih.flowwatch.flow.Text;
import ai.matih.flowwatch.isolation.LeastPrivilege;
import ai.matih.flowwatch.isolation.Recommendation;
import ai.matih.flowwatch.isolation.RecommendationOutcome;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/isolation/recommendation?tenant=}: least-privilege NetworkPolicies for a tenant's namespaces,
 * allowing exactly the permitted connections observed recently and egress to the cluster DNS pods, verified before
 * they are given (422 when they fail: nothing unsafe is ever answered). {@code application/yaml} by default (ready for
 * {@code kubectl apply -f -}), JSON with the objects when {@code Accept} asks for {@code application/json}.
 *
 * <p>An admin names the tenant; a tenant-scoped caller gets its own (the parameter may be left out), and another
 * tenant's is answered exactly as an unknown tenant (404), before anything is computed. Computed on the evaluation
 * pool with an evaluation permit ({@code flowwatch.api.evaluate.*}: 429), within its answer bound (422).
 */
@Path("/api/v1/isolation/recommendation")
@Tag(name = "isolation", description = "The policies in force checked against the isolation model, before traffic")
public class RecommendationResource {

    static final String YAML = "application/yaml";

    private final ApiLimits limits;
    private final LeastPrivilege recommender;
    private final ObjectMapper mapper;
    private final int maxChars;

    public RecommendationResource(ApiLimits limits, LeastPrivilege recommender, ObjectMapper mapper) {
        this.limits = limits;
        this.recommender = recommender;
        this.mapper = mapper;
        this.maxChars = limits.config().maxParameterChars();
    }

    @GET
    @Produces({YAML, MediaType.APPLICATION_JSON})
    @EvaluationPermit
    @Operation(
            operationId = "leastPrivilegeRecommendation",
            summary = "Least-privilege NetworkPolicies for a tenant, from its recent connections",
            description = "NetworkPolicies for the tenant's namespaces that allow exactly the permitted connections"
                    + " observed recently (never one the isolation model forbids: those are listed as dropped) and"
                    + " egress to the cluster DNS pods only, verified by the NetworkPolicy engine against the recent"
                    + " connections and by the isolation audit (no PERMITS_FORBIDDEN); 422 when verification fails."
                    + " YAML by default, JSON when Accept asks for it. A tenant-scoped token gets only its own tenant.")
    @APIResponse(
            responseCode = "200",
            description = "The verified policies",
            content = {
                @Content(mediaType = YAML, schema = @Schema(implementation = String.class)),
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = Recommendation.class))
            })
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiContract.NOT_FOUND)
    @APIResponse(responseCode = "422", ref = ApiContract.UNPROCESSABLE)
    @APIResponse(responseCode = "429", ref = ApiContract.TOO_MANY_REQUESTS)
    public Uni<Response> get(
            @QueryParam("tenant")
                    @Parameter(description = "The tenant id (a tenant-scoped token: its own, the default)")
                    String tenant,
            @Context RoutingContext http) {
        Caller caller = Caller.of(http);
        // a bad or foreign tenant is answered before anything is computed
        String wanted = tenant(caller, Parameters.bounded("tenant", tenant, maxChars));
        boolean json = json(http.request().getHeader(HttpHeaders.ACCEPT));
        return EvaluationGate.evaluate(limits, http, () -> answer(recommender.recommend(wanted), json));
    }

    private Response answer(RecommendationOutcome outcome, boolean json) {
        if (outcome instanceof RecommendationOutcome.UnknownTenant unknown) {
            throw unknown(unknown.tenant());
        }
        if (outcome instanceof RecommendationOutcome.Unsafe unsafe) {
            throw new ProblemException(
                    422,
                    "Recommendation not verified",
                    Text.clip(
                            "no policy is recommended, because verification failed: " + String.join("; ", unsafe.why()),
                            1024),
                    "tenant");
        }
        Recommendation r = ((RecommendationOutcome.Safe) outcome).recommendation();
        byte[] body;
        try {
            body = json
                    ? mapper.writeValueAsBytes(r)
                    : RecommendationYaml.render(r).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the answer failed", e);
        }
        if (body.length > limits.config().evaluate().maxResponseBytes()) {
            throw new ProblemException(
                    422,
                    "Answer too large",
                    "the recommendation would be larger than "
                            + limits.config().evaluate().maxResponseBytes() + " bytes",
                    "tenant");
        }
        return Response.ok(body, json ? MediaType.APPLICATION_JSON : YAML).build();
    }

    /** The tenant asked for, checked and scoped: another tenant's is refused like an unknown one. */
    private static String tenant(Caller caller, String value) {
        if (value == null || value.isEmpty()) {
            if (caller.admin()) {
                throw ProblemException.badParameter("tenant", "tenant is required (a tenant id)");
            }
            return caller.tenant();
        }
        if (!KubernetesNames.isDnsLabel(value)) {
            throw ProblemException.badParameter(
                    "tenant",
                    "tenant '" + Parameters.shown(value)
                            + "' is not a tenant id (at most 63 lower-case letters, digits and '-')");
        }
        if (!caller.sees(value)) {
            throw unknown(value);
        }
        return value;
    }

    private static ProblemException unknown(String tenant) {
        return new ProblemException(
                404, "Not Found", "tenant '" + tenant + "' is unknown: no namespace of the topology is its", "tenant");
    }

    /** JSON when Accept names application/json and not YAML; YAML otherwise. */
    static boolean json(String accept) {
        if (accept == null) {
            return false;
        }
        String a = accept.toLowerCase(Locale.ROOT);
        return a.contains(MediaType.APPLICATION_JSON) && !a.contains("yaml");
    }
}
