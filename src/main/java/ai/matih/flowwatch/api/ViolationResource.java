package ai.matih.flowwatch.api;

import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.violation.StreamEvent;
import ai.matih.flowwatch.violation.StreamPosition;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationFilter;
import ai.matih.flowwatch.violation.ViolationPage;
import ai.matih.flowwatch.violation.ViolationStore;
import ai.matih.flowwatch.violation.ViolationStream;
import ai.matih.flowwatch.violation.ViolationSummary;
import io.smallrye.mutiny.Multi;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Instant;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
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
@Tag(name = "violations", description = "Recent violations, one at a time, a page at a time or as a live stream")
public class ViolationResource {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{1,64}");
    /** The header a reconnecting event-stream client sends the id of the last event it got in. */
    static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";
    /** The same as a query parameter, for clients that cannot set headers. */
    static final String LAST_EVENT_ID_PARAMETER = "lastEventId";
    /** The name of the event telling a resuming client that changes may be missing. */
    static final String GAP_EVENT = "gap";
    /** The heartbeat's comment; the space makes the line {@code : keep-alive}. */
    static final String KEEP_ALIVE = " keep-alive";

    private static final String FILTERS = " The filters (tenant, type, severity, category, cause, observed, namespace,"
            + " source.namespace, destination.namespace, source.pod, destination.pod, workload, ip, port, protocol,"
            + " policy, label, since, until) are repeatable (values ORed, parameters ANDed) and negatable with a"
            + " leading '!'; they are listed as this operation's parameters.";
    private static final String LAST_EVENT_ID = "Resume after this event id (the id: of the last event received):"
            + " the kept changes after it come first, then the live ones";

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
    @Operation(
            operationId = "listViolations",
            summary = "Recent violations, newest first",
            description = "A page of the stored violations matching the filters, newest first (by lastSeen). A"
                    + " tenant-scoped token gets only violations with its tenant at either end, the other tenant"
                    + " withheld; a filter on what the token may not see matches nothing. Accept: text/csv gives the"
                    + " same page as CSV." + FILTERS)
    @APIResponse(
            responseCode = "200",
            description = "One page; pass nextCursor back as cursor for the next",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = ViolationPage.class)),
                @Content(
                        mediaType = ViolationCsv.MEDIA_TYPE,
                        schema =
                                @Schema(
                                        type = SchemaType.STRING,
                                        description = "RFC 4180 CSV, a header row then a row per violation"))
            })
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    public ViolationPage list(@Context RoutingContext request) {
        return page(request);
    }

    /**
     * The same page as {@link #list} as CSV ({@link ViolationCsv}): one row per violation, the next page's cursor in
     * the {@code Link} header ({@code rel="next"}) and in {@value ViolationCsv#NEXT_CURSOR_HEADER}.
     */
    @GET
    @Produces(ViolationCsv.MEDIA_TYPE)
    @Operation(hidden = true)
    public Response listCsv(@Context RoutingContext request) {
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
    @Operation(
            operationId = "summarizeViolations",
            summary = "Counts of the violations the filters match",
            description = "The total and the counts by type, severity, tenant, category and cause of the stored"
                    + " violations matching the filters, scoped like the list." + FILTERS)
    @APIResponse(
            responseCode = "200",
            description = "The counts",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ViolationSummary.class)))
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    public ViolationSummary summary(@Context RoutingContext request) {
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
     * Server-sent events of new and changed violations matching the same filters (no paging), each with an id; a
     * client that reconnects with the id of the last event it got ({@code Last-Event-ID} header, or the
     * {@code lastEventId} parameter; the header wins) first gets the changes after it that are still kept, then the
     * live ones (see {@link ViolationStream}). A comment {@code : keep-alive} comes every
     * {@code flowwatch.api.streams.heartbeat}. A stream holds one of its caller's stream permits until the client
     * disconnects; beyond the limit the answer is 429.
     */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "streamViolations",
            summary = "Follow new and changed violations (server-sent events)",
            description = "Every new or changed violation matching the filters, as it happens: an event with an id: and"
                    + " the violation as JSON data. A client that reconnects with the id of the last event it got"
                    + " (Last-Event-ID header, or the lastEventId parameter; the header wins) first gets the changes"
                    + " after it that flowwatch still keeps, in order, then the live ones, with no gap and no"
                    + " duplicate. When changes after that id may be missing (flowwatch restarted, another instance"
                    + " issued it, or more changed since than are kept), an event named gap comes first, then every"
                    + " kept change. A comment ': keep-alive' comes every flowwatch.api.streams.heartbeat (15 s)."
                    + " Open streams are bounded per caller and in all (429)." + FILTERS)
    @APIResponse(
            responseCode = "200",
            description = "The stream: events of violations (data: a Violation), at most one gap event first (data:"
                    + " lastEventId and detail), and keep-alive comments",
            content =
                    @Content(
                            mediaType = MediaType.SERVER_SENT_EVENTS,
                            schema = @Schema(implementation = Violation.class)))
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    @APIResponse(responseCode = "429", ref = ApiContract.TOO_MANY_REQUESTS)
    public Multi<OutboundSseEvent> stream(
            @QueryParam(LAST_EVENT_ID_PARAMETER) @Parameter(description = LAST_EVENT_ID) String lastEventId,
            @HeaderParam(LAST_EVENT_ID_HEADER) @Parameter(description = LAST_EVENT_ID + "; wins over the parameter")
                    String lastEventIdHeader,
            @Context Sse sse,
            @Context RoutingContext request) {
        Caller caller = Caller.of(request);
        ViolationFilter filter = TenantScope.filter(
                caller,
                parameters
                        .parse(request.request().query(), ViolationQueryParameters.Endpoint.STREAM, Instant.now())
                        .filter(),
                topology.current());
        StreamPosition after = resumeAfter(lastEventIdHeader, lastEventId);
        CallerLimits.Permit permit = limits.streams().acquire(caller.limitKey());
        try {
            return stream.subscribe(filter, after, limits.config().streams().heartbeat())
                    .map(e -> event(sse, caller, e))
                    .onTermination()
                    .invoke(permit::release);
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
    }

    private String bounded(String parameter, String value) {
        return Parameters.bounded(parameter, value, limits.config().maxParameterChars());
    }

    /** Where a stream resumes: after the header's id, else the parameter's; null when neither is given. */
    private StreamPosition resumeAfter(String header, String parameter) {
        StreamPosition fromParameter = position(LAST_EVENT_ID_PARAMETER, bounded(LAST_EVENT_ID_PARAMETER, parameter));
        StreamPosition fromHeader = position(LAST_EVENT_ID_HEADER, bounded(LAST_EVENT_ID_HEADER, header));
        return fromHeader != null ? fromHeader : fromParameter;
    }

    private static StreamPosition position(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return StreamPosition.parse(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badParameter(
                    name,
                    name + " '" + Parameters.shown(value) + "' is not an event id of this stream (<epoch>-<sequence>,"
                            + " as in mfq3x1k2-42): pass the id of the last event received unchanged");
        }
    }

    /** One stream event on the wire: a violation as the caller may see it, a notice of a gap, or a heartbeat. */
    private static OutboundSseEvent event(Sse sse, Caller caller, StreamEvent e) {
        if (e instanceof StreamEvent.Change c) {
            return sse.newEventBuilder()
                    .id(c.id())
                    .data(Violation.class, TenantScope.redact(caller, c.violation()))
                    .build();
        }
        if (e instanceof StreamEvent.Gap g) {
            return sse.newEventBuilder()
                    .name(GAP_EVENT)
                    .data(StreamEvent.Gap.class, g)
                    .build();
        }
        return sse.newEventBuilder().comment(KEEP_ALIVE).build();
    }

    @GET
    @Path("{id}")
    @Operation(
            operationId = "getViolation",
            summary = "One violation with its evidence",
            description = "A violation by id. Another tenant's violation is answered 404, as one that does not exist"
                    + " or was evicted.")
    @APIResponse(
            responseCode = "200",
            description = "The violation, as the token may see it",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Violation.class)))
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiContract.NOT_FOUND)
    public Violation get(
            @PathParam("id") @Parameter(description = "The violation's id (lower-case hex)") String id,
            @Context RoutingContext request) {
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
