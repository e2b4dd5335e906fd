package ai.matih.flowwatch.topology.kubernetes;

import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyHolder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Watches Namespaces, Pods, NetworkPolicies and EgressExceptions through informers of one
 * {@link SharedInformerFactory} and keeps the {@link TopologyHolder}'s snapshot in step with them.
 *
 * <p>Until every informer has listed its objects the holder is not loaded (readiness DOWN); then each change schedules
 * one rebuild after {@code rebuildDelay}, so a burst of events (a rollout, a relist of 20,000 pods) costs one rebuild,
 * not one per event. A failed list or watch is retried by the informers, for ever, with the error shown by the
 * readiness check.
 */
public final class ClusterWatch implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(ClusterWatch.class);

    private final KubernetesClient client;
    private final TopologyHolder holder;
    private final Duration rebuildDelay;
    private final Clock clock;
    private final ClusterState state;
    private final List<Informed<?>> informers = new ArrayList<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong rebuilds = new AtomicLong();
    private final ScheduledExecutorService rebuilder;
    private SharedInformerFactory factory;
    private volatile boolean synced;
    private Instant expiryScheduled;

    /**
     * @param client          the API client (its configuration says which API server and credentials)
     * @param holder          the topology to keep in step
     * @param rebuildDelay    how long after a change the snapshot is rebuilt (changes meanwhile share the rebuild)
     * @param deletedPodGrace how long a deleted pod's IPs stay attributed to it
     * @param clock           the clock of the snapshots and of the grace period
     */
    public ClusterWatch(
            KubernetesClient client,
            TopologyHolder holder,
            Duration rebuildDelay,
            Duration deletedPodGrace,
            Clock clock) {
        this.client = client;
        this.holder = holder;
        this.rebuildDelay = rebuildDelay;
        this.clock = clock;
        this.state = new ClusterState(holder.loader().empty(ClusterState.ORIGIN), deletedPodGrace);
        this.rebuilder = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flowwatch-topology-kubernetes");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the informers; the holder becomes loaded when all of them have listed their objects. */
    public synchronized CompletableFuture<Void> start() {
        factory = client.informers();
        holder.sourceProblem("waiting for the initial lists of the Kubernetes API");
        inform(Namespace.class, ns -> state.namespace(Trim.namespace(ns)), (ns, at) -> state.namespaceGone(ns));
        inform(NetworkPolicy.class, p -> state.policy(Trim.policy(p)), (p, at) -> state.policyGone(p));
        inform(Pod.class, p -> state.pod(Trim.pod(p)), state::podGone);
        inform(
                EgressExceptionResource.class,
                e -> state.exception(Trim.exception(e)),
                (e, at) -> state.exceptionGone(e));
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (Informed<?> informed : informers) {
            started.add(informed.informer().start().toCompletableFuture());
        }
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
                .thenCompose(listed -> handedOver())
                .thenRun(() -> {
                    synced = true;
                    rebuild();
                    LOGGER.infof(
                            "Topology synced from the Kubernetes API: %d namespaces, %d network policies, %d pods, "
                                    + "%d egress exceptions",
                            holder.current().namespaces().size(),
                            holder.current().networkPolicies().size(),
                            state.podCount(),
                            holder.current().egressExceptions().size());
                });
    }

    /** Completes when the handlers have taken in every object of the initial lists (they run behind the caches). */
    private CompletableFuture<Void> handedOver() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (informers.stream().allMatch(Informed::handedOver)) {
                    done.complete(null);
                } else if (!rebuilder.isShutdown()) {
                    rebuilder.schedule(this, 20, TimeUnit.MILLISECONDS);
                }
            }
        };
        check.run();
        return done;
    }

    /** How many snapshots were built since start. */
    public long rebuilds() {
        return rebuilds.get();
    }

    /** Stops the informers. */
    @Override
    public synchronized void close() {
        rebuilder.shutdownNow();
        informers.forEach(i -> i.informer().stop());
        informers.clear();
    }

    /** Builds the snapshot now (tests; otherwise rebuilds follow the changes). */
    public synchronized void rebuild() {
        scheduled.set(false);
        try {
            Instant now = clock.instant();
            Topology topology = state.build(now);
            rebuilds.incrementAndGet();
            holder.replaceFromCluster(topology, state.versions());
            Instant expiry = state.nextExpiry();
            if (expiry != null
                    && (expiryScheduled == null || expiry.isBefore(expiryScheduled) || !expiryScheduled.isAfter(now))) {
                // a rebuild when the next remembered IP of a deleted pod is due to be forgotten
                expiryScheduled = expiry;
                if (!rebuilder.isShutdown()) {
                    rebuilder.schedule(
                            this::rebuild, Duration.between(now, expiry).toMillis() + 1, TimeUnit.MILLISECONDS);
                }
            }
        } catch (RuntimeException e) {
            LOGGER.warnf("Topology from the Kubernetes API not rebuilt: %s", e.toString());
        }
    }

    private <T extends HasMetadata> void inform(Class<T> type, Consumer<T> take, BiConsumer<T, Instant> delete) {
        SharedIndexInformer<T> informer = factory.sharedIndexInformerFor(type, 0);
        // the transform hook: the topology takes each object as the API reports it, the cache keeps its identity
        informer.itemStore(new TrimmingStore<>(take));
        informer.removeNamespaceIndex(); // looked up by nobody

        informer.exceptionHandler((started, error) -> {
            String problem = "Kubernetes API " + type.getSimpleName() + " " + (started ? "watch" : "list")
                    + " failed (retrying): " + error;
            LOGGER.warn(problem);
            if (!synced) {
                holder.sourceProblem(problem);
            }
            return true;
        });
        AtomicLong held = new AtomicLong();
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T object) {
                held.incrementAndGet();
                changed();
            }

            @Override
            public void onUpdate(T before, T after) {
                changed();
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                delete.accept(object, clock.instant());
                held.decrementAndGet();
                changed();
            }
        });
        informers.add(new Informed<>(informer, held));
    }

    /** An informer and how many objects its handler holds. */
    private record Informed<T>(SharedIndexInformer<T> informer, AtomicLong held) {
        boolean handedOver() {
            return held.get() >= informer.getStore().listKeys().size();
        }
    }

    private void changed() {
        if (synced) {
            schedule(rebuildDelay);
        }
    }

    private void schedule(Duration delay) {
        if (scheduled.compareAndSet(false, true)) {
            try {
                rebuilder.schedule(this::rebuild, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // closed
            }
        }
    }
}
