package ai.matih.flowwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.topology.DnsSelector;
import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.ManifestLoader;
import ai.matih.flowwatch.topology.TenancyRules;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests of {@code deploy/kubernetes/} (all of them: the base with both components, as
 * {@code overlays/prometheus-operator-informers} renders them) parse, carry what each kind needs, and fit together: the
 * Service selects the Deployment's pods, the ServiceMonitor the Service's management port, the probes the
 * management port, the binding the ServiceAccount; the
 * topology ConfigMap loads as a topology; the NetworkPolicy allows exactly flowwatch's traffic; the PrometheusRule
 * holds the groups of {@code alerts/flowwatch-alerts.yaml}.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("deploy/kubernetes/overlays/prometheus-operator-informers");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Quarkus's default management port, where /q/health and /q/metrics are served. */
    private static final int MANAGEMENT_PORT = 9000;

    private final Map<String, JsonNode> byKindAndName = load();

    @Test
    void everyDocumentHasApiVersionKindAndName() {
        assertThat(byKindAndName.keySet())
                .containsExactlyInAnyOrder(
                        "Namespace/flowwatch",
                        "CustomResourceDefinition/egressexceptions.flowwatch.matih.ai",
                        "PodDisruptionBudget/flowwatch",
                        "ServiceAccount/flowwatch",
                        "ClusterRole/flowwatch",
                        "ClusterRoleBinding/flowwatch",
                        "ConfigMap/flowwatch-topology",
                        "Deployment/flowwatch",
                        "Service/flowwatch",
                        "ServiceMonitor/flowwatch",
                        "NetworkPolicy/default-deny-all",
                        "NetworkPolicy/flowwatch",
                        "PrometheusRule/flowwatch");
        byKindAndName.forEach((key, doc) -> {
            assertThat(doc.path("apiVersion").asText()).as(key).isNotBlank();
            if (!doc.path("kind").asText().startsWith("Cluster")
                    && !"Namespace".equals(doc.path("kind").asText())
                    && !"CustomResourceDefinition".equals(doc.path("kind").asText())) {
                assertThat(doc.path("metadata").path("namespace").asText())
                        .as(key)
                        .isEqualTo("flowwatch");
            }
        });
    }

    @Test
    void deploymentProbesPortsAndMounts() {
        JsonNode deployment = doc("Deployment/flowwatch");
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("apps/v1");
        JsonNode pod = deployment.path("spec").path("template");
        assertThat(labels(deployment.path("spec").path("selector").path("matchLabels")))
                .isEqualTo(labels(pod.path("metadata").path("labels")));
        assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo("flowwatch");
        JsonNode container = pod.path("spec").path("containers").get(0);
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
                .isEqualTo("/q/health/ready");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
                .isEqualTo("/q/health/live");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText())
                .isEqualTo("/q/health/started");
        Map<String, Integer> ports = new HashMap<>();
        container
                .path("ports")
                .forEach(p -> ports.put(
                        p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsExactlyInAnyOrderEntriesOf(Map.of("http", 8080, "management", MANAGEMENT_PORT));
        // health is served on the management port only
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertThat(container.path(probe).path("httpGet").path("port").asText())
                    .as(probe)
                    .isEqualTo("management");
        }
        assertThat(container.path("resources").path("requests").path("memory").asText())
                .isNotBlank();
        assertThat(container.path("resources").path("limits").path("memory").asText())
                .isNotBlank();
        Map<String, String> env = new HashMap<>();
        container
                .path("env")
                .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        assertThat(env)
                .containsKeys(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "FLOWWATCH_ALERTMANAGER_URLS",
                        "FLOWWATCH_ALERTMANAGER_EXTERNAL_URL");
        // The topology path is the ConfigMap's key under the mount
        String mountPath =
                container.path("volumeMounts").get(0).path("mountPath").asText();
        assertThat(container.path("volumeMounts").get(0).path("name").asText()).isEqualTo("topology");
        assertThat(pod.path("spec")
                        .path("volumes")
                        .get(0)
                        .path("configMap")
                        .path("name")
                        .asText())
                .isEqualTo("flowwatch-topology");
        ConfigMap configMap = as("ConfigMap/flowwatch-topology", ConfigMap.class);
        assertThat(configMap.getData()).hasSize(1);
        String key = configMap.getData().keySet().iterator().next();
        assertThat(env.get("FLOWWATCH_TOPOLOGY_PATH")).isEqualTo(mountPath + "/" + key);
    }

    @Test
    void topologyConfigMapLoadsAsATopology() {
        ConfigMap configMap = as("ConfigMap/flowwatch-topology", ConfigMap.class);
        ManifestLoader loader = new ManifestLoader(
                TenancyRules.defaults(),
                List.of(EgressException.parseCidr("10.0.0.0/8")),
                DnsSelector.parse("kube-system/k8s-app=kube-dns"));
        ManifestLoader.Result result = loader.parse(configMap.getData().get("topology.yaml"), "configmap");
        assertThat(result.topology().namespaces())
                .containsKeys("matih-control-plane", "matih-shared-infra", "matih-data-plane-acme-corp");
        assertThat(result.ignoredKinds()).isEmpty();
    }

    @Test
    void serviceServiceMonitorAndRbacFitTogether() {
        Service service = as("Service/flowwatch", Service.class);
        JsonNode podLabels = doc("Deployment/flowwatch")
                .path("spec")
                .path("template")
                .path("metadata")
                .path("labels");
        assertThat(labels(podLabels)).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getSpec().getPorts())
                .extracting(p -> p.getName() + "=" + p.getPort() + "->"
                        + p.getTargetPort().getStrVal())
                .containsExactlyInAnyOrder("http=8080->http", "management=" + MANAGEMENT_PORT + "->management");

        JsonNode monitor = doc("ServiceMonitor/flowwatch");
        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(service.getMetadata().getLabels())
                .containsAllEntriesOf(
                        labels(monitor.path("spec").path("selector").path("matchLabels")));
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo("management");
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        // The rules select job="flowwatch": the operator's job label is the Service's name
        assertThat(service.getMetadata().getName()).isEqualTo("flowwatch");

        ServiceAccount account = as("ServiceAccount/flowwatch", ServiceAccount.class);
        JsonNode subject = doc("ClusterRoleBinding/flowwatch").path("subjects").get(0);
        assertThat(subject.path("kind").asText()).isEqualTo("ServiceAccount");
        assertThat(subject.path("name").asText())
                .isEqualTo(account.getMetadata().getName());
        assertThat(subject.path("namespace").asText())
                .isEqualTo(account.getMetadata().getNamespace());
        assertThat(doc("ClusterRoleBinding/flowwatch")
                        .path("roleRef")
                        .path("name")
                        .asText())
                .isEqualTo("flowwatch");
    }

    @Test
    void clusterRoleGrantsOnlyTheInformersReads() {
        Map<String, List<String>> granted = new HashMap<>();
        for (JsonNode rule : doc("ClusterRole/flowwatch").path("rules")) {
            List<String> verbs = texts(rule.path("verbs"));
            assertThat(verbs).containsExactlyInAnyOrder("get", "list", "watch");
            for (String group : texts(rule.path("apiGroups"))) {
                granted.computeIfAbsent(group, g -> new ArrayList<>()).addAll(texts(rule.path("resources")));
            }
        }
        assertThat(granted).containsOnlyKeys("", "networking.k8s.io", "flowwatch.matih.ai");
        assertThat(granted.get("")).containsExactlyInAnyOrder("namespaces", "pods");
        assertThat(granted.get("networking.k8s.io")).containsExactly("networkpolicies");
        assertThat(granted.get("flowwatch.matih.ai")).containsExactly("egressexceptions");
    }

    @Test
    void networkPolicyDeniesByDefaultAndAllowsOnlyFlowwatchsTraffic() {
        NetworkPolicy deny = as("NetworkPolicy/default-deny-all", NetworkPolicy.class);
        assertThat(deny.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
        assertThat(deny.getSpec().getEgress()).isNullOrEmpty();

        NetworkPolicy policy = as("NetworkPolicy/flowwatch", NetworkPolicy.class);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        List<NetworkPolicyIngressRule> ingress = policy.getSpec().getIngress();
        assertThat(ingress)
                .extracting(r -> r.getFrom().get(0).getNamespaceSelector().getMatchLabels())
                .containsExactly(
                        Map.of("kubernetes.io/metadata.name", "monitoring"), Map.of("matih.ai/role", "control-plane"));
        // Prometheus (monitoring) reaches the management port; the control plane only the API
        assertThat(ports(ingress.get(0).getPorts())).containsExactlyInAnyOrder("TCP/" + MANAGEMENT_PORT, "TCP/8080");
        assertThat(ports(ingress.get(1).getPorts())).containsExactly("TCP/8080");

        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        assertThat(egress).hasSize(4);
        assertThat(egress.get(0).getTo().get(0).getNamespaceSelector().getMatchLabels())
                .isEqualTo(Map.of("matih.ai/role", "shared-infra"));
        assertThat(ports(egress.get(0).getPorts())).contains("TCP/9092");
        assertThat(egress.get(1).getTo().get(0).getNamespaceSelector().getMatchLabels())
                .isEqualTo(Map.of("kubernetes.io/metadata.name", "monitoring"));
        assertThat(ports(egress.get(1).getPorts())).containsExactly("TCP/9093");
        assertThat(egress.get(2).getTo().get(0).getPodSelector().getMatchLabels())
                .isEqualTo(Map.of("k8s-app", "kube-dns"));
        assertThat(ports(egress.get(2).getPorts())).containsExactlyInAnyOrder("UDP/53", "TCP/53");
        assertThat(egress.get(3).getTo().get(0).getIpBlock().getCidr()).isNotBlank();
        assertThat(ports(egress.get(3).getPorts())).contains("TCP/443", "TCP/6443");
    }

    @Test
    void prometheusRuleHoldsTheGroupsOfTheAlertsRules() throws IOException {
        JsonNode rule = doc("PrometheusRule/flowwatch");
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        JsonNode source = YAML.readTree(Path.of("alerts/flowwatch-alerts.yaml").toFile());
        assertThat(rule.path("spec").path("groups")).isEqualTo(source.path("groups"));
    }

    @Test
    void managementEndpointsHaveAPortOfTheirOwn() throws IOException {
        // Given
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        // Then: the application serves /q/* on the management port the manifests name, not on the API port
        assertThat(properties.getProperty("quarkus.management.enabled")).isEqualTo("true");
        assertThat(properties.getProperty("quarkus.management.port", Integer.toString(MANAGEMENT_PORT)))
                .isEqualTo(Integer.toString(MANAGEMENT_PORT));
        String prometheus = Files.readString(Path.of("alerts/prometheus/prometheus.example.yml"));
        assertThat(prometheus).contains("targets: ['flowwatch:" + MANAGEMENT_PORT + "']");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Map<String, JsonNode> load() {
        Map<String, JsonNode> out = new HashMap<>();
        for (Kustomization.Resource resource : Kustomization.load(DIR).objects()) {
            JsonNode doc = resource.object();
            assertThat(doc.path("kind").asText()).as(resource.file() + ": kind").isNotBlank();
            assertThat(doc.path("metadata").path("name").asText())
                    .as(resource.file() + ": metadata.name")
                    .isNotBlank();
            assertThat(out.put(resource.key(), doc))
                    .as(resource.file() + ": duplicate " + resource.key())
                    .isNull();
        }
        return out;
    }

    private JsonNode doc(String key) {
        assertThat(byKindAndName).containsKey(key);
        return byKindAndName.get(key);
    }

    private <T> T as(String key, Class<T> type) {
        return YAML.convertValue(doc(key), type);
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            labels.put(f.getKey(), f.getValue().asText());
        }
        return labels;
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    private static List<String> ports(List<NetworkPolicyPort> ports) {
        return ports.stream()
                .map(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .toList();
    }
}
