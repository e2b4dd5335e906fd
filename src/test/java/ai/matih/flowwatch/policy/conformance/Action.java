package ai.matih.flowwatch.policy.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** One change to the cluster, as the upstream suites make them. */
sealed interface Action {

    void apply(World world);

    /** Creates a NetworkPolicy, or replaces one ({@code update}). */
    record PutPolicy(String namespace, String name, JsonNode spec, boolean update) implements Action {
        @Override
        public void apply(World world) {
            world.putPolicy(namespace, name, spec, update);
        }
    }

    record DeletePolicy(String namespace, String name) implements Action {
        @Override
        public void apply(World world) {
            world.deletePolicy(namespace, name);
        }
    }

    /** Deletes every NetworkPolicy (the e2e suite's clean-up between checks). */
    record DeleteAllPolicies() implements Action {
        @Override
        public void apply(World world) {
            world.deleteAllPolicies();
        }
    }

    record CreateNamespace(String namespace, Map<String, String> labels) implements Action {
        @Override
        public void apply(World world) {
            world.createNamespace(namespace, labels);
        }
    }

    /** Replaces a namespace's labels, or adds to them ({@code merge}). */
    record SetNamespaceLabels(String namespace, Map<String, String> labels, boolean merge) implements Action {
        @Override
        public void apply(World world) {
            world.setNamespaceLabels(namespace, merged(merge ? world.namespaceLabels(namespace) : Map.of(), labels));
        }
    }

    record DeleteNamespace(String namespace) implements Action {
        @Override
        public void apply(World world) {
            world.deleteNamespace(namespace);
        }
    }

    record CreatePod(String namespace, String name, Map<String, String> labels) implements Action {
        @Override
        public void apply(World world) {
            world.createPod(namespace, name, labels);
        }
    }

    /** Replaces a pod's labels, or adds to them ({@code merge}). */
    record SetPodLabels(String pod, Map<String, String> labels, boolean merge) implements Action {
        @Override
        public void apply(World world) {
            world.setPodLabels(pod, merged(merge ? world.pod(pod).labels() : Map.of(), labels));
        }
    }

    record DeletePod(String pod) implements Action {
        @Override
        public void apply(World world) {
            world.deletePod(pod);
        }
    }

    private static Map<String, String> merged(Map<String, String> base, Map<String, String> added) {
        Map<String, String> labels = new LinkedHashMap<>(base);
        labels.putAll(added);
        return labels;
    }
}
