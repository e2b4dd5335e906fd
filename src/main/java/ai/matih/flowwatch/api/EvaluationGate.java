package ai.matih.flowwatch.api;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Admits a request to an {@link EvaluationPermit} method only with a permit of {@link ApiLimits#evaluations()},
 * taken on the event loop once the caller is authenticated and before the body is read: a caller over its share,
 * or everyone together over the global one, is answered 429 with {@code Retry-After} while its body is still
 * unread, so uploads waiting for a permit hold no memory. Once the evaluation itself has started, the permit is its
 * own and is given back only when the evaluation ends, however early its client went away: an evaluation cannot be
 * interrupted, so a client that drops its connection still holds its share until the work it asked for is done.
 * Until then, the permit is given back when the exchange ends, whether answered, failed or abandoned by its client
 * half-way through the body.
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
     * Runs an evaluation on {@link ApiLimits#evaluationPool()} under the permit of this request: the evaluation takes
     * the permit over as it starts (none starts once its client has gone) and gives it back as it ends; a full pool
     * is a 429. Checks that may fail before the evaluation starts belong before this call: the exchange's end gives
     * the permit back.
     */
    public static Uni<Response> evaluate(ApiLimits limits, RoutingContext http, Supplier<Response> evaluation) {
        Held permit = hold(limits, http);
        return Uni.createFrom()
                .item(() -> {
                    if (!permit.handOver()) {
                        throw new CancellationException("the client went away before the evaluation started");
                    }
                    try {
                        return evaluation.get();
                    } finally {
                        permit.release();
                    }
                })
                .runSubscriptionOn(limits.evaluationPool())
                .onFailure(RejectedExecutionException.class)
                .transform(e -> limits.busy());
    }

    /**
     * The permit of this request: the one the filter took, or, should the filter not have run, one taken now with
     * the same release at the end of the exchange.
     *
     * @throws ProblemException 429 with {@code Retry-After} when no permit is free; 401 without a caller
     */
    public static Held hold(ApiLimits limits, RoutingContext http) {
        Held held = http.get(KEY);
        if (held != null) {
            return held;
        }
        CallerLimits.Permit permit =
                limits.evaluations().acquire(Caller.of(http).limitKey());
        try {
            Held taken = new Held(permit);
            http.put(KEY, taken);
            // the response's end, failure or its connection's close: whichever comes first
            http.addEndHandler(ended -> taken.releaseUnlessHandedOver());
            return taken;
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
    }

    /**
     * The permit of one request, owned by its exchange until the evaluation starts and by the evaluation from then
     * on: whichever of the exchange's end and the evaluation's start comes first decides who gives it back.
     */
    public static final class Held {

        private final CallerLimits.Permit permit;
        private final AtomicBoolean handedOver = new AtomicBoolean();

        Held(CallerLimits.Permit permit) {
            this.permit = permit;
        }

        /**
         * Called by the evaluation as it starts: true when the permit is now the evaluation's, which must then
         * {@link #release()} it when it ends; false when the exchange has already ended (and given it back), in
         * which case nothing is to be evaluated.
         */
        public boolean handOver() {
            return handedOver.compareAndSet(false, true);
        }

        /** Gives the permit back (once, however often called). */
        public void release() {
            permit.release();
        }

        void releaseUnlessHandedOver() {
            if (handedOver.compareAndSet(false, true)) {
                permit.release();
            }
        }
    }
}
