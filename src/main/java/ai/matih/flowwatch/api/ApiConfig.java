package ai.matih.flowwatch.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Bounds on what one request to {@code /api/v1/**} may cost flowwatch: the what-if evaluations, the open event
 * streams and the size of query parameters. Whatever lies beyond a bound is refused with a problem+json naming the
 * parameter (4xx), never answered with a 500 or an exhausted heap.
 */
@ConfigMapping(prefix = "flowwatch.api")
public interface ApiConfig {

    /**
     * The longest value any query parameter may have, in characters; a longer one is a 400 naming the parameter
     * before it is parsed.
     */
    @WithDefault("256")
    int maxParameterChars();

    /** {@code POST /api/v1/policy/evaluate}. */
    Evaluate evaluate();

    /** {@code GET /api/v1/violations/stream}. */
    Streams streams();

    /** The filters of {@code GET /api/v1/violations}, its {@code /stream} and its {@code /summary}. */
    Filters filters();

    /** Bounds of the what-if evaluation. */
    interface Evaluate {

        /**
         * Evaluations admitted at once over all callers, each from the moment its headers are in (before its body
         * is read) to the end of its exchange: also the number of threads of their own pool (they never run on the
         * event loop nor on the shared worker pool). Beyond it a request is answered 429 with {@code Retry-After},
         * its body unread.
         */
        @WithDefault("2")
        int maxConcurrent();

        /**
         * Evaluations admitted at once for one caller (a tenant, whatever its tokens; an admin by subject), counted
         * like {@link #maxConcurrent()} from the moment the headers are in, while the body is still arriving. Beyond
         * it a request is answered 429 with {@code Retry-After}, its body unread.
         */
        @WithDefault("1")
        int maxConcurrentPerCaller();

        /**
         * The work one request may ask for: connections times the NetworkPolicies of its manifests. Beyond it the
         * request is answered 422 naming {@code connections}, before any connection is judged.
         */
        @WithDefault("2000000")
        long maxWork();

        /**
         * The largest answer, in bytes of JSON. An answer that would grow beyond it is abandoned and the request
         * answered 422 (naming {@code detail} when the full lists were asked for, else {@code connections}).
         */
        @WithDefault("8388608")
        int maxResponseBytes();

        /**
         * How many items of each list (deciding policies and rules, selecting policies, reasons) a result shows
         * unless {@code detail=full} is asked for; every list also has its full count.
         */
        @WithDefault("10")
        int listItems();

        /**
         * The longest reason line, in characters, unless {@code detail=full} is asked for; a longer one is cut and
         * ends with an ellipsis.
         */
        @WithDefault("1000")
        int textChars();

        /** The {@code Retry-After} of a 429, in seconds. */
        @WithDefault("1")
        int retryAfterSeconds();
    }

    /** Bounds of the server-sent-events stream of violations. */
    interface Streams {

        /** Open streams over all callers; one more is answered 429 with {@code Retry-After}. */
        @WithDefault("100")
        int maxOpen();

        /**
         * Open streams of one caller (a tenant, whatever its tokens; an admin by subject); one more is answered 429
         * with {@code Retry-After}. A stream counts until its client disconnects.
         */
        @WithDefault("4")
        int maxOpenPerCaller();

        /** The {@code Retry-After} of a 429, in seconds. */
        @WithDefault("5")
        int retryAfterSeconds();

        /**
         * How often an open stream sends a heartbeat, the comment line {@code : keep-alive}, so that proxies and load
         * balancers that cut idle connections keep it open, and a client can tell a quiet stream from a dead one.
         */
        @WithDefault("15s")
        Duration heartbeat();
    }

    /** Bounds of the filters of a query of violations, so that no request can make filtering expensive. */
    interface Filters {

        /**
         * The most values one filter parameter may have (repeated, ORed); one more is a 400 naming the parameter.
         */
        @WithDefault("32")
        int maxValuesPerParameter();

        /**
         * The most values all the query parameters of one request may have together; one more is a 400 naming the
         * parameter that went past it.
         */
        @WithDefault("128")
        int maxValues();
    }
}
