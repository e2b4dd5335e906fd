package ai.matih.flowwatch.api;

import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationFilter;
import ai.matih.flowwatch.violation.ViolationPage;
import ai.matih.flowwatch.violation.ViolationStore;
import ai.matih.flowwatch.violation.ViolationStream;
import ai.matih.flowwatch.violation.ViolationSummary;
import io.smallrye.mutiny.Multi;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The REST API of recent violations. A tenant-scoped caller gets only violations with its tenant at either end, the
 * other tenant withheld ({@link TenantScope}); another tenant's violation is answered 404, as if it did not exist.
 * The list, its summary and its stream take the same filters ({@link ViolationQueryParameters}), applied after the
 * caller's scope; every query parameter is bounded ({@code flowwatch.api.max-parameter-chars},
 * {@code flowwatch.api.filters.*}) and every bad value or unknown name is a 400 problem naming it; open event streams are bounded per caller and in all ({@code flowwatch.api.streams.*}).
 */
@Path("/api/v1/violations")
@Produces(MediaType.APPLICATION_JSON)
public class ViolationResource {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{1,64}");

    private final ViolationStore store;
    private final ViolationStream stream;
    private final TopologyHolder topology;
    private final ApiLimits limits;
    private final ViolationQueryParameters parameters;

    public ViolationResource(
            ViolationStore store,
            ViolationStream stream,
            TopologyHolder topology,
            ApiLimits limits,
            ViolationQueryParameters parameters) {
        this.store = store;
        this.stream = stream;
        this.topology = topology;
        this.limits = limits;
        this.parameters = parameters;
    }

    @GET
    public ViolationPage list(RoutingContext request) {
        return page(request);
    }

    /**
     * The same page as {@link #list} as CSV ({@link ViolationCsv}): one row per violation, the next page's cursor in
     * the {@code Link} header ({@code rel="next"}) and in {@value ViolationCsv#NEXT_CURSOR_HEADER}.
     */
    @GET
    @Produces(ViolationCsv.MEDIA_TYPE)
    public Response listCsv(RoutingContext request) {
        ViolationPage page = page(request);
        Response.ResponseBuilder response = Response.ok(ViolationCsv.of(page.items()), ViolationCsv.CONTENT_TYPE);
        if (page.nextCursor() != null) {
            response.header(ViolationCsv.NEXT_CURSOR_HEADER, page.nextCursor())
                    .header(
                            "Link",
                            "<"
                                    + ViolationCsv.nextPage(
                                            "/api/v1/violations",
                                            request.request().query(),
                                            page.nextCursor())
                                    + ">; rel=\"next\"");
        }
        return response.build();
    }

    /** Counts of the violations the same filters match, by type, severity, tenant, category and cause. */
    @GET
    @Path("summary")
    public ViolationSummary summary(RoutingContext request) {
        Caller caller = Caller.of(request);
        ViolationQueryParameters.Query query =
                parameters.parse(request.request().query(), ViolationQueryParameters.Endpoint.SUMMARY, Instant.now());
        return store.summarize(TenantScope.filter(caller, query.filter(), topology.current()));
    }

    private ViolationPage page(RoutingContext request) {
        Caller caller = Caller.of(request);
        ViolationQueryParameters.Query query =
                parameters.parse(request.request().query(), ViolationQueryParameters.Endpoint.LIST, Instant.now());
        ViolationPage page = store.query(
                TenantScope.filter(caller, query.filter(), topology.current()), query.limit(), query.cursor());
        return caller.admin()
                ? page
                : new ViolationPage(
                        page.items().stream()
                                .map(v -> TenantScope.redact(caller, v))
                                .toList(),
                        page.nextCursor());
    }

    /**
     * Server-sent events of new and changed violations matching the same filters (no paging). A stream holds one of
     * its caller's stream permits until the client disconnects; beyond the limit the answer is 429.
     */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Violation> stream(RoutingContext request) {
        Caller caller = Caller.of(request);
        ViolationFilter filter = TenantScope.filter(
                caller,
                parameters
                        .parse(request.request().query(), ViolationQueryParameters.Endpoint.STREAM, Instant.now())
                        .filter(),
                topology.current());
        CallerLimits.Permit permit = limits.streams().acquire(caller.limitKey());
        try {
            Multi<Violation> matching = stream.subscribe(filter);
            Multi<Violation> shown = caller.admin() ? matching : matching.map(v -> TenantScope.redact(caller, v));
            return shown.onTermination().invoke(permit::release);
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
    }

    @GET
    @Path("{id}")
    public Violation get(@PathParam("id") String id, RoutingContext request) {
        Caller caller = Caller.of(request);
        if (!ID.matcher(id).matches()) {
            throw new ProblemException(
                    400,
                    "Invalid path parameter",
                    "'" + Parameters.shown(id) + "' is not a violation id (lower-case hex)",
                    "id");
        }
        Violation v = store.get(id);
        if (v == null || !TenantScope.visible(caller, v)) {
            // another tenant's violation: the same answer as an unknown id, so its existence is not revealed
            throw ProblemException.notFound("no violation with id " + id + " (it may have been evicted)");
        }
        return TenantScope.redact(caller, v);
    }
}
