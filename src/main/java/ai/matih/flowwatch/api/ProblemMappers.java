package ai.matih.flowwatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps failures of the REST API to {@code application/problem+json}. */
public class ProblemMappers {

    private static final Logger LOGGER = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return response(e);
    }

    /** The problem+json answer of this problem, with its {@code Retry-After} when it has one. */
    public static Response response(ProblemException e) {
        Response.ResponseBuilder r =
                Response.status(e.toProblem().status()).type(Problem.MEDIA_TYPE).entity(e.toProblem());
        if (e.retryAfterSeconds() >= 0) {
            r.header(HttpHeaders.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e) {
        String detail = e.getOriginalMessage() == null
                ? "the request body is not valid JSON"
                : "the request body is not valid JSON: "
                        + Parameters.shown(
                                e.getOriginalMessage().lines().findFirst().orElse(""));
        Problem p = new Problem("about:blank", "Invalid request body", 400, detail, "body");
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        Problem p = new Problem("about:blank", title, status, Parameters.shown(e.getMessage()), null);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    /** A failure no resource expected: logged once with its cause, answered without internals. */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOGGER.errorf(e, "Unexpected failure of an API request");
        Problem p = new Problem(
                "about:blank",
                "Internal Server Error",
                500,
                "the request failed unexpectedly; the service log has the cause",
                null);
        return Response.status(500).type(Problem.MEDIA_TYPE).entity(p).build();
    }
}
