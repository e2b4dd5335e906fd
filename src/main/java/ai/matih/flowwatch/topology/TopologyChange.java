package ai.matih.flowwatch.topology;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One change to the cluster learnt from the audit stream, applied on top of the manifests so that a reload of the
 * files does not forget it.
 */
public sealed interface TopologyChange {

    /** When the API server completed the request; older changes of the same object are ignored. */
    Instant at();

    /** The object it changes: {@code namespace/<name>} or {@code networkpolicy/<ns>/<name>}. */
    String key();

    /** Estimated heap bytes of the change as the overlay holds it (texts at two bytes a char); computed on each call. */
    long bytes();

    /**
     * A namespace was created or relabelled.
     *
     * @param name   namespace name
     * @param labels its labels after the change
     * @param at     when
     */
    record NamespaceLabels(String name, Map<String, String> labels, Instant at) implements TopologyChange {
        public NamespaceLabels {
            Objects.requireNonNull(name, "name");
            labels = Map.copyOf(labels);
        }

        @Override
        public String key() {
            return "namespace/" + name;
        }

        @Override
        public long bytes() {
            return ChangeSizes.namespace(name, labels);
        }
    }

    /** A namespace was deleted. */
    record NamespaceDeleted(String name, Instant at) implements TopologyChange {
        @Override
        public String key() {
            return "namespace/" + name;
        }

        @Override
        public long bytes() {
            return ChangeSizes.namespace(name, Map.of());
        }
    }

    /** A NetworkPolicy was created, replaced or patched (the object after the change). */
    record PolicyUpserted(NetworkPolicy policy, Instant at) implements TopologyChange {
        @Override
        public String key() {
            return "networkpolicy/" + policy.getMetadata().getNamespace() + "/"
                    + policy.getMetadata().getName();
        }

        @Override
        public long bytes() {
            return ChangeSizes.policy(key(), policy);
        }
    }

    /** A NetworkPolicy was deleted. */
    record PolicyDeleted(String namespace, String name, Instant at) implements TopologyChange {
        @Override
        public String key() {
            return "networkpolicy/" + namespace + "/" + name;
        }

        @Override
        public long bytes() {
            return ChangeSizes.policy(key(), null);
        }
    }
}
