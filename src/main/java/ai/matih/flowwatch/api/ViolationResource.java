package ai.matih.flowwatch.api;

import ai.matih.flowwatch.flow.KubernetesNames;
import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.StreamEvent;
import ai.matih.flowwatch.violation.StreamPosition;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationFilter;
import ai.matih.flowwatch.violation.ViolationOrder;
import ai.matih.flowwatch.violation.ViolationPage;
import ai.matih.flowwatch.violation.ViolationStore;
import ai.matih.flowwatch.violation.ViolationStream;
import ai.matih.flowwatch.violation.ViolationType;
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
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The REST API of recent violations. A tenant-scoped caller gets only violations with its tenant at either end, the
 * other tenant withheld ({@link TenantScope}); another tenant's violation is answered 404, as if it did not exist.
 * Every query parameter is bounded in length ({@code flowwatch.api.max-parameter-chars}) and every bad value is a
 * 400 problem naming it; open event streams are bounded per caller and in all ({@code flowwatch.api.streams.*}).
 */
@Path("/api/v1/violations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "violations", description = "Recent violations, one at a time, a page at a time or as a live stream")
public class ViolationResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{1,64}");
    /** The header a reconnecting event-stream client sends the id of the last event it got in. */
    static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";
    /** The same as a query parameter, for clients that cannot set headers. */
    static final String LAST_EVENT_ID_PARAMETER = "lastEventId";
    /** The name of the event telling a resuming client that changes may be missing. */
    static final String GAP_EVENT = "gap";
    /** The heartbeat's comment; the space makes the line {@code : keep-alive}. */
    static final String KEEP_ALIVE = " keep-alive";

    private static final String TENANT = "Violations with this tenant at either end";
    private static final String TYPE = "The violation type, e.g. ISOLATION_BREACH, BLOCKED_ATTEMPT";
    private static final String SEVERITY = "critical, warning or info";
    private static final String NAMESPACE = "Violations with this namespace at either end";
    private static final String LAST_EVENT_ID = "Resume after this event id (the id: of the last event received):"
            + " the kept changes after it come first, then the live ones";

    private final ViolationStore store;
    private final ViolationStream stream;
    private final TopologyHolder topology;
    private final ApiLimits limits;
    private final int maxChars;

    public ViolationResource(ViolationStore store, ViolationStream stream, TopologyHolder topology, ApiLimits limits) {
        this.store = store;
        this.stream = stream;
        this.topology = topology;
        this.limits = limits;
        this.maxChars = limits.config().maxParameterChars();
    }

    @GET
    @Operation(
            operationId = "listViolations",
            summary = "Recent violations, newest first",
            description = "A page of the stored violations matching the filters, newest first (by lastSeen). A "
                    + "tenant-scoped token gets only violations with its tenant at either end, the other tenant "
                    + "withheld; asking for another tenant, or a namespace not its tenant's, is a 403.")
    @APIResponse(
            responseCode = "200",
            description = "One page; pass nextCursor back as cursor for the next",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ViolationPage.class)))
    @APIResponse(responseCode = "400", ref = ApiContract.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiContract.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiContract.FORBIDDEN)
    public ViolationPage list(
            @QueryParam("tenant") @Parameter(description = TENANT) String tenant,
            @QueryParam("type") @Parameter(description = TYPE) String type,
            @QueryParam("severity") @Parameter(description = SEVERITY) String severity,
            @QueryParam("namespace") @Parameter(description = NAMESPACE) String namespace,
            @QueryParam("since")
                    @Parameter(
                            description = "Violations seen at or after this time (lastSeen): an ISO-8601 instant, or a"
                                    + " duration before now (15m, 2h, 7d, PT30S)")
                    String since,
            @QueryParam("until")
                    @Parameter(
                            description = "Violations that began at or before this time (firstSeen): an ISO-8601"
                                    + " instant, or a duration before now")
                    String until,
            @QueryParam("limit") @Parameter(description = "Violations per page, 1 to 1000 (default 100)") String limit,
            @QueryParam("cursor") @Parameter(description = "The nextCursor of the previous page, unchanged")
                    String cursor,
            @Context RoutingContext request) {
        Caller caller = Caller.of(request);
        ViolationFilter filter = filter(tenant, type, severity, namespace, since, until, Instant.now());
        if (filter.since() != null && filter.until() != null && filter.since().isAfter(filter.until())) {
            throw ProblemException.badParameter(
                    "since", "since (" + filter.since() + ") is after until (" + filter.until() + ")");
        }
        ViolationPage page = store.query(
                TenantScope.filter(caller, filter, topology.current()),
                limit(bounded("limit", limit)),
                cursor(bounded("cursor", cursor)));
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
                    + " Open streams are bounded per caller and in all (429).")
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
            @QueryParam("tenant") @Parameter(description = TENANT) String tenant,
            @QueryParam("type") @Parameter(description = TYPE) String type,
            @QueryParam("severity") @Parameter(description = SEVERITY) String severity,
            @QueryParam("namespace") @Parameter(description = NAMESPACE) String namespace,
            @QueryParam(LAST_EVENT_ID_PARAMETER) @Parameter(description = LAST_EVENT_ID) String lastEventId,
            @HeaderParam(LAST_EVENT_ID_HEADER) @Parameter(description = LAST_EVENT_ID + "; wins over the parameter")
                    String lastEventIdHeader,
            @Context Sse sse,
            @Context RoutingContext request) {
        Caller caller = Caller.of(request);
        ViolationFilter filter = TenantScope.filter(
                caller, filter(tenant, type, severity, namespace, null, null, null), topology.current());
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

    /** The filter the parameters name, checked in this order; durations in since and until count back from now. */
    private ViolationFilter filter(
            String tenant, String type, String severity, String namespace, String since, String until, Instant now) {
        return new ViolationFilter(
                name("tenant", bounded("tenant", tenant)),
                type(bounded("type", type)),
                severity(bounded("severity", severity)),
                name("namespace", bounded("namespace", namespace)),
                instant("since", bounded("since", since), now),
                instant("until", bounded("until", until), now));
    }

    private String bounded(String parameter, String value) {
        return Parameters.bounded(parameter, value, maxChars);
    }

    private static String name(String parameter, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!KubernetesNames.isDnsSubdomain(value)) {
            throw ProblemException.badParameter(
                    parameter,
                    parameter + " '" + Parameters.shown(value)
                            + "' is not a valid Kubernetes name (lower-case letters, digits, '-' and '.')");
        }
        return value;
    }

    private static ViolationType type(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        ViolationType t = ViolationType.parse(value);
        if (t == null) {
            throw ProblemException.badParameter(
                    "type",
                    "type '" + Parameters.shown(value) + "' is not one of " + Arrays.toString(ViolationType.values()));
        }
        return t;
    }

    private static Severity severity(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        Severity s = Severity.parse(value);
        if (s == null) {
            throw ProblemException.badParameter(
                    "severity", "severity '" + Parameters.shown(value) + "' is not one of critical, warning, info");
        }
        return s;
    }

    /** An ISO-8601 instant, or a duration before now such as {@code 15m}, {@code 2h}, {@code PT30S}. */
    static Instant instant(String parameter, String value, Instant now) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                Duration d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return now.minus(d);
            }
            if (value.startsWith("P") || value.startsWith("p")) {
                return now.minus(Duration.parse(value));
            }
            return Instant.parse(value);
        } catch (DateTimeException | ArithmeticException e) {
            // not a time, or a duration reaching before any instant: the same answer
            throw ProblemException.badParameter(
                    parameter,
                    parameter + " '" + Parameters.shown(value)
                            + "' is neither an ISO-8601 instant (2026-01-01T00:00:00Z) nor a duration (15m, 2h, 7d)");
        }
    }

    private static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the problem below
        }
        throw ProblemException.badParameter(
                "limit", "limit '" + Parameters.shown(value) + "' must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static ViolationOrder cursor(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return ViolationOrder.parseCursor(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badParameter(
                    "cursor", "cursor is not one this API issued: pass nextCursor unchanged");
        }
    }
}
