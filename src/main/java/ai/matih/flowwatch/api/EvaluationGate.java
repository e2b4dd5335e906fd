package ai.matih.flowwatch.api;

import ai.matih.flowwatch.security.Caller;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Admits a request to an {@link EvaluationPermit} method only with a permit of {@link ApiLimits#evaluations()},
 * taken on the event loop once the caller is authenticated and before the body is read: a caller over its share,
 * or everyone together over the global one, is answered 429 with {@code Retry-After} while its body is still
 * unread, so uploads waiting for a permit hold no memory. The permit is given back when the exchange ends, whether
 * answered, failed or abandoned by its client half-way through the body.
 */
public class EvaluationGate {

    /** Key of the permit in the Vert.x routing context of a request. */
    static final String KEY = "flowwatch.evaluation-permit";

    private final ApiLimits limits;

    public EvaluationGate(ApiLimits limits) {
        this.limits = limits;
    }

    /** Runs after authentication (which has the default priority), before the body is read. */
    @EvaluationPermit
    @ServerRequestFilter(priority = Priorities.USER + 100)
    public Response admit(RoutingContext http) {
        try {
            hold(limits, http);
            return null;
        } catch (ProblemException e) {
            return ProblemMappers.response(e);
        }
    }

    /**
     * The permit of this request: the one the filter took, or, should the filter not have run, one taken now with
     * the same release at the end of the exchange.
     *
     * @throws ProblemException 429 with {@code Retry-After} when no permit is free; 401 without a caller
     */
    public static CallerLimits.Permit hold(ApiLimits limits, RoutingContext http) {
        CallerLimits.Permit held = http.get(KEY);
        if (held != null) {
            return held;
        }
        CallerLimits.Permit permit = limits.evaluations().acquire(Caller.of(http).limitKey());
        try {
            http.put(KEY, permit);
            // the response's end, failure or its connection's close: whichever comes first
            http.addEndHandler(ended -> permit.release());
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
        return permit;
    }
}
