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
     * The object's {@code metadata.resourceVersion} after the change, when the audit event carried it; null otherwise.
     * Compared with what the Kubernetes API reports so that an older change never overrides a newer object.
     */
    default Long resourceVersion() {
        return null;
    }

    /** Parses a resourceVersion; null when absent or not a number (the API server's are etcd revisions). */
    static Long parseVersion(String text) {
        if (text == null || text.isEmpty() || text.length() > 19) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return null;
            }
        }
        return Long.parseLong(text);
    }

    /**
     * A namespace was created or relabelled.
     *
     * @param name   namespace name
     * @param labels its labels after the change
     * @param at     when
     * @param resourceVersion the namespace's resourceVersion after the change, or null when unknown
     */
    record NamespaceLabels(String name, Map<String, String> labels, Instant at, Long resourceVersion)
            implements TopologyChange {
        public NamespaceLabels {
            Objects.requireNonNull(name, "name");
            labels = Map.copyOf(labels);
        }

        /** A change without a known resourceVersion. */
        public NamespaceLabels(String name, Map<String, String> labels, Instant at) {
            this(name, labels, at, null);
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

        @Override
        public Long resourceVersion() {
            return TopologyChange.parseVersion(policy.getMetadata().getResourceVersion());
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
