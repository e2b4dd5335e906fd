package ai.matih.flowwatch.topology;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Where the topology comes from (design §3). */
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

    /** The Kubernetes API as a topology source. */
    Kubernetes kubernetes();

    /** Settings of the Kubernetes API source. */
    interface Kubernetes {

        /**
         * Watch namespaces, pods and NetworkPolicies through the Kubernetes API. Not yet implemented: informers
         * arrive with the policy-engine issue; setting it to true only logs a warning at start.
         */
        @WithDefault("false")
        boolean enabled();
    }

    /** True when {@link #path()} names manifests. */
    default boolean hasPath() {
        return !path().isBlank() && !NONE.equals(path().trim());
    }
}
