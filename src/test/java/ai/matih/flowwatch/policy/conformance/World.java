package ai.matih.flowwatch.policy.conformance;

import ai.matih.flowwatch.flow.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster a case runs in, as the upstream suites build it: namespaces {@code x}, {@code y}, {@code z} labelled
 * {@code ns=<name>} (and {@code kubernetes.io/metadata.name}, as the API server does), pods {@code a}, {@code b},
 * {@code c} in each, labelled {@code pod=<name>}, each serving ports 80 and 81 over TCP, UDP and SCTP with container
 * ports named {@code serve-<port>-<protocol>}. The pod {@code n}-th in the {@code m}-th namespace has IP
 * {@code 10.0.<m>.<10n>} and runs on node {@code node-<m>}. Cases change it with {@link Action}s.
 */
final class World {

    static final List<String> NAMESPACES = List.of("x", "y", "z");
    static final List<String> PODS = List.of("a", "b", "c");
    static final List<Integer> SERVED_PORTS = List.of(80, 81);
    /** The ports every truth table covers: the served ones, and one on each side for port ranges. */
    static final List<Integer> PROBED_PORTS = List.of(79, 80, 81, 82);

    static final List<Protocol> PROTOCOLS = List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP);
    static final String NAME_LABEL = "kubernetes.io/metadata.name";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CIDR_OF_POD = Pattern.compile("\\{cidr:([a-z0-9-]+/[a-z0-9-]+)/(\\d+)}");

    private final Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
    private final Map<String, Integer> namespaceIndex = new LinkedHashMap<>();
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final Map<String, Policy> policies = new LinkedHashMap<>();

    /** A pod of the cluster. */
    record Pod(String namespace, String name, Map<String, String> labels, String ip, String node) {

        Pod {
            labels = Map.copyOf(labels);
        }

        String id() {
            return namespace + "/" + name;
        }
    }

    /** A NetworkPolicy as written (not defaulted). */
    record Policy(String namespace, String name, JsonNode spec) {}

    /** The initial cluster of both upstream suites. */
    static World initial() {
        World world = new World();
        for (String ns : NAMESPACES) {
            world.createNamespace(ns, Map.of("ns", ns));
            for (String pod : PODS) {
                world.createPod(ns, pod, Map.of("pod", pod));
            }
        }
        return world;
    }

    Collection<Pod> pods() {
        return pods.values();
    }

    Collection<Policy> policies() {
        return policies.values();
    }

    Pod pod(String id) {
        Pod pod = pods.get(id);
        if (pod == null) {
            throw new IllegalArgumentException("no pod " + id);
        }
        return pod;
    }

    Map<String, String> namespaceLabels(String namespace) {
        Map<String, String> labels = namespaces.get(namespace);
        if (labels == null) {
            throw new IllegalArgumentException("no namespace " + namespace);
        }
        return labels;
    }

    /** Every pod serves the served ports over every protocol, under the name {@code serve-<port>-<protocol>}. */
    static boolean declares(Pod pod, String portName, Protocol protocol, int port) {
        return SERVED_PORTS.contains(port)
                && portName.equals("serve-" + port + "-" + protocol.name().toLowerCase(Locale.ROOT));
    }

    void createNamespace(String name, Map<String, String> labels) {
        if (namespaces.containsKey(name)) {
            throw new IllegalStateException("namespace " + name + " exists");
        }
        namespaceIndex.putIfAbsent(name, namespaceIndex.size() + 1);
        setNamespaceLabels(name, labels);
    }

    /** Replaces a namespace's labels; the API server keeps its name label. */
    void setNamespaceLabels(String name, Map<String, String> labels) {
        Map<String, String> withName = new LinkedHashMap<>(labels);
        withName.put(NAME_LABEL, name);
        namespaces.put(name, Map.copyOf(withName));
    }

    void deleteNamespace(String name) {
        namespaceLabels(name);
        namespaces.remove(name);
        pods.values().removeIf(p -> p.namespace().equals(name));
        policies.values().removeIf(p -> p.namespace().equals(name));
    }

    void createPod(String namespace, String name, Map<String, String> labels) {
        namespaceLabels(namespace);
        String id = namespace + "/" + name;
        if (pods.containsKey(id)) {
            throw new IllegalStateException("pod " + id + " exists");
        }
        int ns = namespaceIndex.get(namespace);
        long inNamespace = pods.values().stream()
                .filter(p -> p.namespace().equals(namespace))
                .count();
        pods.put(id, new Pod(namespace, name, labels, "10.0." + ns + "." + (10 * (inNamespace + 1)), "node-" + ns));
    }

    void setPodLabels(String id, Map<String, String> labels) {
        Pod pod = pod(id);
        pods.put(id, new Pod(pod.namespace(), pod.name(), labels, pod.ip(), pod.node()));
    }

    void deletePod(String id) {
        pod(id);
        pods.remove(id);
    }

    void putPolicy(String namespace, String name, JsonNode spec, boolean update) {
        String id = namespace + "/" + name;
        if (update != policies.containsKey(id)) {
            throw new IllegalStateException("policy " + id + (update ? " does not exist" : " exists"));
        }
        namespaceLabels(namespace);
        policies.put(id, new Policy(namespace, name, resolve(spec)));
    }

    void deletePolicy(String namespace, String name) {
        if (policies.remove(namespace + "/" + name) == null) {
            throw new IllegalStateException("no policy " + namespace + "/" + name);
        }
    }

    void deleteAllPolicies() {
        policies.clear();
    }

    /** A copy of {@code node} where {@code {cidr:<ns>/<pod>/<bits>}} is the block of that many bits around the pod's IP. */
    private JsonNode resolve(JsonNode node) {
        if (node.isTextual()) {
            Matcher m = CIDR_OF_POD.matcher(node.asText());
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                int bits = Integer.parseInt(m.group(2));
                m.appendReplacement(sb, Ipv4.network(pod(m.group(1)).ip(), bits) + "/" + bits);
            }
            m.appendTail(sb);
            return TextNode.valueOf(sb.toString());
        }
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), resolve(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(e -> copy.add(resolve(e)));
            return copy;
        }
        return node;
    }

    /** The cluster as manifests (JSON documents, which are YAML), as a what-if request would send them. */
    String manifests() {
        List<String> documents = new ArrayList<>();
        namespaces.forEach((name, labels) -> {
            ObjectNode doc = document("v1", "Namespace", name, null);
            ((ObjectNode) doc.get("metadata")).set("labels", JSON.valueToTree(labels));
            documents.add(doc.toString());
        });
        for (Pod pod : pods.values()) {
            ObjectNode doc = document("v1", "Pod", pod.name(), pod.namespace());
            ((ObjectNode) doc.get("metadata")).set("labels", JSON.valueToTree(pod.labels()));
            ObjectNode spec = doc.putObject("spec");
            spec.put("nodeName", pod.node());
            ArrayNode containers = spec.putArray("containers");
            for (int port : SERVED_PORTS) {
                for (Protocol protocol : PROTOCOLS) {
                    String suffix = port + "-" + protocol.name().toLowerCase(Locale.ROOT);
                    ObjectNode container = containers.addObject();
                    container.put("name", "cont-" + suffix);
                    container.put("image", "agnhost");
                    ObjectNode containerPort = container.putArray("ports").addObject();
                    containerPort.put("name", "serve-" + suffix);
                    containerPort.put("containerPort", port);
                    containerPort.put("protocol", protocol.name());
                }
            }
            doc.putObject("status").put("podIP", pod.ip());
            documents.add(doc.toString());
        }
        for (Policy policy : policies.values()) {
            ObjectNode doc = document("networking.k8s.io/v1", "NetworkPolicy", policy.name(), policy.namespace());
            doc.set("spec", policy.spec());
            documents.add(doc.toString());
        }
        return String.join("\n---\n", documents) + "\n";
    }

    private static ObjectNode document(String apiVersion, String kind, String name, String namespace) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("apiVersion", apiVersion);
        doc.put("kind", kind);
        ObjectNode metadata = doc.putObject("metadata");
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        return doc;
    }
}
