package ai.matih.flowwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoTopologyTest {

    @Test
    void podsAndNamespacesMatchTopologyYaml() throws Exception {
        // Given
        Map<String, JsonNode> pods = new HashMap<>();
        Map<String, JsonNode> namespaces = new HashMap<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (InputStream in = getClass().getResourceAsStream("/demo/topology.yaml")) {
            var documents = yaml.readerFor(JsonNode.class).<JsonNode>readValues(in);
            while (documents.hasNext()) {
                JsonNode doc = documents.next();
                String kind = doc.path("kind").asText();
                if ("Pod".equals(kind)) {
                    pods.put(
                            doc.at("/metadata/namespace").asText() + "/"
                                    + doc.at("/metadata/name").asText(),
                            doc);
                } else if ("Namespace".equals(kind)) {
                    namespaces.put(doc.at("/metadata/name").asText(), doc);
                }
            }
        }

        // Then
        assertThat(DemoTopology.PODS).hasSize(pods.size()).allSatisfy(pod -> {
            JsonNode yamlPod = pods.get(pod.namespace() + "/" + pod.name());
            assertThat(yamlPod).as(pod.namespace() + "/" + pod.name()).isNotNull();
            assertThat(pod.ip()).isEqualTo(yamlPod.at("/status/podIP").asText());
            assertThat(pod.node()).isEqualTo(yamlPod.at("/spec/nodeName").asText());
            assertThat(pod.labels()).containsExactlyEntriesOf(labels(yamlPod));
            assertThat(DemoTopology.namespaceLabels(pod.namespace()))
                    .containsExactlyInAnyOrderEntriesOf(labels(namespaces.get(pod.namespace())));
        });
    }

    private static Map<String, String> labels(JsonNode resource) {
        Map<String, String> labels = new LinkedHashMap<>();
        resource.at("/metadata/labels")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }
}
