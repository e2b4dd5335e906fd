package ai.matih.flowwatch.policy.conformance;

import ai.matih.flowwatch.flow.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the case files of {@code src/test/resources/conformance/}: actions, probes and labels. A policy is written
 * {@code {namespace, name, spec}}; a reader may accept other forms through {@code policyForm}.
 */
final class CaseData {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A policy's identity and spec. */
    record NamedSpec(String namespace, String name, JsonNode spec) {}

    private final Function<JsonNode, NamedSpec> policyForm;

    CaseData(Function<JsonNode, NamedSpec> policyForm) {
        this.policyForm = policyForm;
    }

    static JsonNode read(String resource) {
        try (InputStream in = CaseData.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The raw form: {@code {namespace, name, spec}}. */
    static NamedSpec raw(JsonNode node) {
        return new NamedSpec(text(node, "namespace"), text(node, "name"), required(node, "spec"));
    }

    List<Action> actions(JsonNode list) {
        List<Action> actions = new ArrayList<>();
        for (JsonNode item : list) {
            if (item.size() != 1) {
                throw new IllegalArgumentException("an action has exactly one key: " + item);
            }
            String kind = item.fieldNames().next();
            JsonNode a = item.get(kind);
            actions.add(
                    switch (kind) {
                        case "createPolicy", "updatePolicy" -> {
                            NamedSpec p = policyForm.apply(a);
                            yield new Action.PutPolicy(p.namespace(), p.name(), p.spec(), kind.equals("updatePolicy"));
                        }
                        case "deletePolicy" -> new Action.DeletePolicy(text(a, "namespace"), text(a, "name"));
                        case "deleteAllPolicies" -> new Action.DeleteAllPolicies();
                        case "createNamespace" -> new Action.CreateNamespace(text(a, "namespace"), labels(a));
                        case "setNamespaceLabels" ->
                            new Action.SetNamespaceLabels(text(a, "namespace"), labels(a), false);
                        case "addNamespaceLabels" ->
                            new Action.SetNamespaceLabels(text(a, "namespace"), labels(a), true);
                        case "deleteNamespace" -> new Action.DeleteNamespace(text(a, "namespace"));
                        case "createPod" -> new Action.CreatePod(text(a, "namespace"), text(a, "name"), labels(a));
                        case "setPodLabels" -> new Action.SetPodLabels(text(a, "pod"), labels(a), false);
                        case "addPodLabels" -> new Action.SetPodLabels(text(a, "pod"), labels(a), true);
                        case "deletePod" -> new Action.DeletePod(text(a, "pod"));
                        default -> throw new IllegalArgumentException("unknown action " + kind);
                    });
        }
        return actions;
    }

    static List<ConformanceCase.Probe> probes(JsonNode list, List<String> pods) {
        List<ConformanceCase.Probe> probes = new ArrayList<>();
        for (JsonNode p : list) {
            List<String> expect = new ArrayList<>();
            p.path("expect").forEach(e -> expect.add(e.asText()));
            Protocol protocol = Protocol.parse(text(p, "protocol"));
            probes.add(new ConformanceCase.Probe(protocol, required(p, "port").asInt(), pods, expect));
        }
        return probes;
    }

    static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new LinkedHashMap<>();
        node.path("labels")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    static String text(JsonNode node, String field) {
        return required(node, field).asText();
    }

    static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("'" + field + "' is required in " + node);
        }
        return value;
    }
}
