package ai.matih.flowwatch.topology;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Where the topology comes from, and how much the audit stream may add to it. */
@ConfigMapping(prefix = "flowwatch.topology")
public interface TopologyConfig {

    /** Value of {@link #path()} meaning "no manifests": the topology starts (and stays) empty. */
    String NONE = "none";

    /**
     * A file or a directory (searched recursively for {@code *.yaml}, {@code *.yml}, {@code *.json}) of Kubernetes
     * manifests ({@code Namespace}, {@code Pod}, {@code NetworkPolicy}, {@code EgressException}), or
     * {@code classpath:<resource>} for a manifest file packaged with the application. {@code none} (the default)
     * or an empty value means no manifests: the topology is empty but counts as loaded.
     */
    @WithDefault(NONE)
    String path();

    /**
     * How often the files under {@link #path()} are checked for change (last-modified time and size); a change
     * triggers a reload. Classpath resources are never re-checked.
     */
    @WithDefault("5s")
    Duration reloadInterval();

    /**
     * The most objects (namespaces and NetworkPolicies) the overlay learnt from the audit stream holds on top of the
     * manifests. Beyond it, the learnt objects the manifests do not have that were changed least recently are
     * evicted for the newer change (counter {@code flowwatch_topology_overlay_evicted_total}); changes to objects the
     * manifests have are always taken, and a change that cannot fit at all is refused
     * ({@code flowwatch_topology_overlay_refused_total}).
     */
    @WithDefault("10000")
    int maxLearntObjects();

    /**
     * The most heap, in estimated bytes, the overlay learnt from the audit stream holds (labels and policies; a
     * parsed policy counts four times its JSON). Beyond it, learnt objects are evicted as past
     * {@link #maxLearntObjects()} (gauges {@code flowwatch_topology_overlay_objects} and
     * {@code flowwatch_topology_overlay_bytes}).
     */
    @WithDefault("33554432")
    long maxLearntBytes();

    /** The Kubernetes API as a topology source. */
    Kubernetes kubernetes();

    /** Settings of the Kubernetes API source. */
    interface Kubernetes {

        /**
         * Watch Namespaces, Pods, NetworkPolicies and EgressExceptions through the Kubernetes API (informers; API
         * server and credentials from the {@code quarkus.kubernetes-client.*} keys, in a pod its service account).
         * The API is then the topology's source and {@link TopologyConfig#path()} is ignored; readiness is DOWN
         * until the initial lists are synced. When false no Kubernetes client is created.
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * How long after a change reported by the API the snapshot is rebuilt; the changes meanwhile share one
         * rebuild (a rollout or a relist of many pods costs one).
         */
        @WithDefault("200ms")
        Duration rebuildDelay();

        /**
         * How long a deleted pod's IPs stay attributed to it (marked as deleted), so that flows reported late are
         * still placed; a live pod with the same IP takes it over at once. {@code 0s} forgets them at once.
         */
        @WithDefault("2m")
        Duration deletedPodGrace();
    }

    /** True when {@link #path()} names manifests. */
    default boolean hasPath() {
        return !path().isBlank() && !NONE.equals(path().trim());
    }
}
