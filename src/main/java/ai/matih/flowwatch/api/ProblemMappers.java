package ai.matih.flowwatch.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps failures of the REST API to {@code application/problem+json}. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return Response.status(e.toProblem().status()).type(Problem.MEDIA_TYPE).entity(e.toProblem()).build();
    }

    @ServerExceptionMapper
    public Response unreadableBody(com.fasterxml.jackson.core.JsonProcessingException e) {
        String detail = e.getOriginalMessage() == null ? "the request body is not valid JSON"
                : "the request body is not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse("");
        Problem p = new Problem("about:blank", "Invalid request body", 400, detail, "body");
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        Problem p = new Problem("about:blank", title, status, e.getMessage(), null);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(p).build();
    }
}
