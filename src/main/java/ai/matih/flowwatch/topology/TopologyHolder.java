package ai.matih.flowwatch.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Holds the current {@link Topology} snapshot and keeps it fresh.
 *
 * <p>On start it loads {@code flowwatch.topology.path}; for files and directories it then checks every
 * {@code flowwatch.topology.reload-interval} whether any manifest changed (last-modified time and size, files added or
 * removed) and reloads. A failed load logs one WARN and keeps the previous snapshot; the same broken files are not
 * retried until they change again. When no path is configured the empty topology counts as loaded.
 *
 * <p>Until a load succeeds, {@link #current()} is the empty topology and {@link #loaded()} is false (readiness DOWN);
 * the application still starts, so fixing the files recovers without a restart.
 */
@ApplicationScoped
public class TopologyHolder {

    /** Gauge of known namespaces, tagged {@link #ROLE_TAG}. Exported as {@code flowwatch_topology_namespaces}. */
    public static final String NAMESPACES_METER = "flowwatch.topology.namespaces";
    /** Tag holding {@link Role#tag()}. */
    public static final String ROLE_TAG = "role";
    /** Gauge of objects in the audit-learnt overlay. Exported as {@code flowwatch_topology_overlay_objects}. */
    public static final String OVERLAY_OBJECTS_METER = "flowwatch.topology.overlay.objects";
    /** Gauge of the overlay's estimated heap bytes. Exported as {@code flowwatch_topology_overlay_bytes}. */
    public static final String OVERLAY_BYTES_METER = "flowwatch.topology.overlay.bytes";
    /** Counter of audit-learnt changes refused for a full overlay. Exported with {@code _total}. */
    public static final String OVERLAY_REFUSED_METER = "flowwatch.topology.overlay.refused";
    /**
     * Counter of learnt objects (not in the manifests) evicted from a full overlay to make room for a newer change.
     * Exported as {@code flowwatch_topology_overlay_evicted_total}.
     */
    public static final String OVERLAY_EVICTED_METER = "flowwatch.topology.overlay.evicted";

    private static final Logger LOGGER = Logger.getLogger(TopologyHolder.class);

    private final ManifestLoader loader;
    private final TopologyConfig config;
    private final Duration reloadInterval;
    private final AtomicReference<Topology> current;
    private volatile Topology base;
    private final TopologyOverlay overlay;
    private final Counter refused;
    private boolean warnedFull;
    private boolean warnedEvicting;
    private volatile boolean loaded;
    private volatile Instant lastLoadAttempt;
    private volatile String lastError;
    private Map<String, String> lastFingerprint;
    private ScheduledExecutorService watcher;
    private final CopyOnWriteArrayList<TopologyListener> listeners = new CopyOnWriteArrayList<>();
    /** resourceVersions of the objects of the last snapshot from the Kubernetes API (empty for manifests). */
    private Map<String, Long> versions = Map.of();
    /** For each audit-learnt object, the resourceVersion the API had reported when the change was learnt. */
    private final Map<String, Long> learntAgainst = new HashMap<>();

    private volatile Consumer<TopologyChange> onApplied;

    /**
     * @throws ConfigurationException naming the key and the value when a setting is invalid
     */
    @Inject
    public TopologyHolder(TenancyConfig tenancy, ClusterConfig cluster, TopologyConfig config, MeterRegistry registry) {
        this.loader = new ManifestLoader(tenancy.rules(), cluster.internalNetworks(), cluster.dnsSelector());
        this.config = config;
        this.reloadInterval = config.reloadInterval();
        if (reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new ConfigurationException(
                    "flowwatch.topology.reload-interval='" + reloadInterval + "' must be positive");
        }
        this.current = new AtomicReference<>(loader.empty(Topology.EMPTY_ORIGIN));
        this.overlay = new TopologyOverlay(config.maxLearntObjects(), config.maxLearntBytes());
        this.refused = Counter.builder(OVERLAY_REFUSED_METER)
                .description("Audit-learnt topology changes refused because the overlay reached "
                        + "flowwatch.topology.max-learnt-objects or max-learnt-bytes")
                .register(registry);
        FunctionCounter.builder(OVERLAY_EVICTED_METER, overlay, TopologyOverlay::evictions)
                .description("Audit-learnt objects the manifests do not have, evicted (least recently changed first) "
                        + "from the full overlay to make room for a newer change")
                .register(registry);
        Gauge.builder(OVERLAY_OBJECTS_METER, overlay, TopologyOverlay::size)
                .description("Objects (namespaces, NetworkPolicies) the audit stream changed on top of the manifests")
                .register(registry);
        Gauge.builder(OVERLAY_BYTES_METER, overlay, TopologyOverlay::bytes)
                .baseUnit("bytes")
                .description("Estimated heap bytes of the audit-learnt overlay")
                .register(registry);
        for (Role role : Role.values()) {
            Gauge.builder(NAMESPACES_METER, this, h -> h.current().namespaceCount(role))
                    .tag(ROLE_TAG, role.tag())
                    .description("Namespaces in the current topology snapshot, by tenancy role")
                    .strongReference(true)
                    .register(registry);
        }
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Loads the configured manifests and starts watching them. Idempotent. */
    public synchronized void start() {
        if (watcher != null || lastLoadAttempt != null) {
            return;
        }
        if (config.kubernetes().enabled()) {
            lastLoadAttempt = Instant.now();
            if (config.hasPath()) {
                LOGGER.warnf(
                        "flowwatch.topology.path=%s is ignored: the Kubernetes API is the topology source "
                                + "(flowwatch.topology.kubernetes.enabled=true)",
                        config.path());
            }
            LOGGER.info("Topology from the Kubernetes API: not ready until the informers' initial lists are synced");
            return;
        }
        if (!config.hasPath()) {
            lastLoadAttempt = Instant.now();
            loaded = true;
            LOGGER.info("No topology manifests configured (flowwatch.topology.path): starting with an empty topology");
            return;
        }
        String location = config.path().trim();
        if (location.startsWith(ManifestLoader.CLASSPATH_PREFIX)) {
            reload(location);
            return;
        }
        reloadIfChanged();
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flowwatch-topology-reload");
            t.setDaemon(true);
            return t;
        });
        long millis = reloadInterval.toMillis();
        watcher.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops watching the manifests. */
    public synchronized void stop() {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher = null;
        }
    }

    /** Tells {@code listener} of every snapshot swapped in from now on. */
    public void addListener(TopologyListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void swapped() {
        Topology now = current.get();
        for (TopologyListener listener : listeners) {
            try {
                listener.topologyChanged(now);
            } catch (RuntimeException e) {
                LOGGER.warnf("A topology listener failed: %s", e.toString());
            }
        }
    }

    /** The current snapshot; never null (the empty topology before the first load). */
    public Topology current() {
        return current.get();
    }

    /**
     * The snapshot of the manifests (or of {@link #replace}) that {@link #current()} is built on, without the changes
     * learnt from the audit stream; never null. Set before the current snapshot it goes with.
     */
    public Topology manifests() {
        Topology b = base;
        return b != null ? b : current.get();
    }

    /** True once a snapshot has been loaded (or no manifests are configured). */
    public boolean loaded() {
        return loaded;
    }

    /** Replaces the snapshot (for other sources, e.g. the audit stream) and marks the topology as loaded. */
    public synchronized void replace(Topology topology) {
        base = Objects.requireNonNull(topology, "topology");
        overlay.compactAgainst(topology);
        current.set(overlay.applyTo(topology));
        loaded = true;
        swapped();
    }

    /**
     * Replaces the snapshot with one from the Kubernetes API and marks the topology as loaded. {@code versions} holds
     * the resourceVersion of each object ({@code namespace/<name>}, {@code networkpolicy/<ns>/<name>}). An audit-learnt
     * change stands until the API reports its object again: it is dropped when the API's object is as new as the
     * change (same or higher resourceVersion) or, for a change without a resourceVersion, when the API reported the
     * object (or its deletion) after the change was learnt.
     */
    public synchronized void replaceFromCluster(Topology topology, Map<String, Long> versions) {
        Objects.requireNonNull(topology, "topology");
        this.versions = Map.copyOf(versions);
        for (String key : overlay.keys()) {
            if (superseded(key, overlay.entry(key).resourceVersion())) {
                overlay.forget(key);
            }
        }
        learntAgainst.keySet().retainAll(overlay.keys());
        replace(topology);
        lastError = null;
    }

    /** Who is told of each change {@link #apply} applied (e.g. to make it durable); null for nobody. */
    public void onApplied(Consumer<TopologyChange> listener) {
        onApplied = listener;
    }

    /** Says why the topology source is not (yet) loaded, shown by the readiness check; null clears it. */
    public void sourceProblem(String problem) {
        lastError = problem;
    }

    private boolean superseded(String key, Long changeVersion) {
        Long apiVersion = versions.get(key);
        boolean apiNewer = changeVersion != null && apiVersion != null && apiVersion >= changeVersion;
        boolean reportedSince = !Objects.equals(apiVersion, learntAgainst.get(key));
        boolean apiOlder = changeVersion != null && apiVersion != null && apiVersion < changeVersion;
        return apiNewer || (reportedSince && !apiOlder);
    }

    /**
     * Applies a change learnt from the audit stream on top of the manifests; it survives file reloads. A change
     * older than the one already known for the same object is ignored. When the overlay is full, the learnt objects
     * changed least recently give way (counted); a change that cannot fit at all is refused (counted). Returns true
     * when the snapshot changed. Costs the change's object and the evicted ones, not the overlay.
     */
    public synchronized boolean apply(TopologyChange change) {
        Topology b = base != null ? base : current.get();
        base = b;
        String key = change.key();
        Long apiVersion = versions.get(key);
        if (change.resourceVersion() != null && apiVersion != null && apiVersion >= change.resourceVersion()) {
            return false; // the Kubernetes API already reported this version of the object, or a newer one
        }
        boolean deletion = change instanceof TopologyChange.NamespaceDeleted
                || overlay.entry(key) instanceof TopologyChange.NamespaceDeleted;
        TopologyOverlay.Learnt learnt = overlay.learn(change, b);
        if (learnt == TopologyOverlay.Learnt.REFUSED) {
            refused.increment();
            if (!warnedFull) {
                warnedFull = true;
                LOGGER.warnf(
                        "The topology learnt from the audit stream is full (%d objects, %d estimated bytes) with "
                                + "objects the manifests have: a learnt change that cannot fit is refused and counted (%s)",
                        overlay.size(), overlay.bytes(), OVERLAY_REFUSED_METER);
            }
            return false;
        }
        if (learnt != TopologyOverlay.Learnt.APPLIED && learnt != TopologyOverlay.Learnt.APPLIED_EVICTING) {
            return false;
        }
        Topology next = current.get();
        if (learnt == TopologyOverlay.Learnt.APPLIED_EVICTING) {
            if (!warnedEvicting) {
                warnedEvicting = true;
                LOGGER.warnf(
                        "The topology learnt from the audit stream is full (%d objects, %d estimated bytes): "
                                + "the learnt objects changed least recently are evicted for newer changes and counted (%s)",
                        overlay.size(), overlay.bytes(), OVERLAY_EVICTED_METER);
            }
            for (String evicted : overlay.lastEvicted()) {
                next = overlay.applyChangeOf(evicted, false, next, b);
            }
        }
        current.set(overlay.applyChangeOf(key, deletion, next, b));
        swapped();
        if (apiVersion != null) {
            learntAgainst.put(key, apiVersion);
        } else {
            learntAgainst.remove(key);
        }
        Consumer<TopologyChange> listener = onApplied;
        if (listener != null) {
            listener.accept(change);
        }
        return true;
    }

    /** A copy of the audit-stream changes in force on top of the manifests. */
    public synchronized TopologyOverlay overlay() {
        return overlay.copy();
    }

    /** When a load was last attempted, or null before the first. */
    public Instant lastLoadAttempt() {
        return lastLoadAttempt;
    }

    /** Why the last load attempt failed, or null when it succeeded. */
    public String lastError() {
        return lastError;
    }

    /** The loader with this application's rules and cluster settings (e.g. for what-if evaluation). */
    public ManifestLoader loader() {
        return loader;
    }

    /** Reloads when the manifest files changed since the last attempt; true when a load was attempted. */
    synchronized boolean reloadIfChanged() {
        Map<String, String> fingerprint =
                ManifestLoader.fingerprint(Path.of(config.path().trim()));
        if (fingerprint.equals(lastFingerprint)) {
            return false;
        }
        lastFingerprint = fingerprint;
        reload(config.path().trim());
        return true;
    }

    private void checkQuietly() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            LOGGER.warnf("Topology change check failed: %s", e.toString());
        }
    }

    private void reload(String location) {
        lastLoadAttempt = Instant.now();
        try {
            ManifestLoader.Result result = loader.load(location);
            synchronized (this) {
                base = result.topology();
                overlay.compactAgainst(base);
                current.set(overlay.applyTo(base));
                swapped();
            }
            loaded = true;
            lastError = null;
            Topology t = result.topology();
            LOGGER.infof(
                    "Topology loaded from %s: %d namespaces, %d network policies, %d pods, %d egress exceptions",
                    location,
                    t.namespaces().size(),
                    t.networkPolicies().size(),
                    t.podsByName().size(),
                    t.egressExceptions().size());
        } catch (ManifestException e) {
            lastError = e.getMessage();
            LOGGER.warnf(
                    "Topology not (re)loaded, keeping the %s snapshot: %s",
                    loaded ? "previous" : "empty", e.getMessage());
        }
    }
}
