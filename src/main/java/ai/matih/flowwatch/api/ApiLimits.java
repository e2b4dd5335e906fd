package ai.matih.flowwatch.api;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limits of {@link ApiConfig} as the resources use them: who may start an evaluation or open a stream, and the
 * small pool of threads evaluations run on (never the event loop, never the shared worker pool). Built at start, so
 * that limits below 1 stop the start rather than fail requests.
 */
@Startup
@ApplicationScoped
public class ApiLimits {

    private final ApiConfig config;
    private final CallerLimits evaluations;
    private final CallerLimits streams;
    private final ExecutorService evaluationPool;

    public ApiLimits(ApiConfig config) {
        this.config = config;
        ApiConfig.Evaluate e = config.evaluate();
        this.evaluations = new CallerLimits(
                "evaluations running", e.maxConcurrent(), e.maxConcurrentPerCaller(), e.retryAfterSeconds());
        ApiConfig.Streams s = config.streams();
        if (s.heartbeat().isNegative() || s.heartbeat().isZero()) {
            throw new IllegalArgumentException("flowwatch.api.streams.heartbeat must be positive: " + s.heartbeat());
        }
        this.streams = new CallerLimits("event streams open", s.maxOpen(), s.maxOpenPerCaller(), s.retryAfterSeconds());
        AtomicInteger n = new AtomicInteger();
        // nothing waits in a queue: an evaluation runs at once on a free thread or is refused (429). A thread
        // evaluates only while its evaluation holds a permit, so at most maxConcurrent evaluate at a time; the spare
        // threads only take a new evaluation in the moment a finished one's thread is on its way back to the pool
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                e.maxConcurrent(),
                2 * e.maxConcurrent(),
                60,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "flowwatch-evaluate-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                (r, executor) -> {
                    throw new RejectedExecutionException("every evaluation thread is busy");
                });
        pool.allowCoreThreadTimeOut(true);
        this.evaluationPool = pool;
    }

    /** Running evaluations. */
    public CallerLimits evaluations() {
        return evaluations;
    }

    /** Open event streams. */
    public CallerLimits streams() {
        return streams;
    }

    /** Where evaluations run. */
    public ExecutorService evaluationPool() {
        return evaluationPool;
    }

    /** The 429 of an evaluation the pool cannot take (its permit was granted, but a thread is not yet back). */
    public ProblemException busy() {
        return new ProblemException(429, "Too many requests", "the service is busy evaluating; retry later", null)
                .retryAfter(config.evaluate().retryAfterSeconds());
    }

    /** The bounds themselves. */
    public ApiConfig config() {
        return config;
    }

    @PreDestroy
    void stop() {
        evaluationPool.shutdownNow();
    }
}
