package ai.matih.flowwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kustomization of {@code deploy/kubernetes} (the base and each overlay), read in kustomize's order and loaded
 * with the fabric8 model types, applies on a first {@code kubectl apply -k}: the listed files exist, the Namespace
 * comes first, every custom kind is defined before use (or is prometheus-operator's, which must be installed first),
 * everything namespaced is in the flowwatch namespace, and the objects fit together (Service, ServiceMonitor and
 * PodDisruptionBudget select the Deployment's pods and ports, the probes name a declared port, the RBAC binding names
 * the Deployment's ServiceAccount, every patch changes an object that is there). Where {@code kubectl} is installed,
 * {@code kubectl kustomize} renders each one too and must give the same objects.
 */
class KustomizationTest {

    private static final Path ROOT = Path.of("deploy/kubernetes");
    private static final String NAMESPACE = "flowwatch";
    /** Custom kinds flowwatch uses but does not define: prometheus-operator's, installed with it. */
    private static final Set<String> EXTERNAL_GROUPS = Set.of("monitoring.coreos.com");
    /** Kinds without a namespace. */
    private static final Set<String> CLUSTER_SCOPED =
            Set.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding");

    static Stream<String> kustomizations() {
        return Stream.of(
                "base", "overlays/prometheus-operator", "overlays/informers", "overlays/prometheus-operator-informers");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void namespaceComesFirstAndCustomKindsAreDefinedBeforeUse(String name) {
        // Given
        Kustomization k = Kustomization.load(ROOT.resolve(name));
        List<HasMetadata> objects = typed(k);

        // Then
        assertThat(objects.get(0)).isInstanceOf(Namespace.class);
        assertThat(objects.get(0).getMetadata().getName()).isEqualTo(NAMESPACE);
        Map<String, Integer> definedAt = new HashMap<>();
        for (int i = 0; i < objects.size(); i++) {
            HasMetadata object = objects.get(i);
            if (object instanceof CustomResourceDefinition crd) {
                definedAt.put(
                        crd.getSpec().getGroup() + "/"
                                + crd.getSpec().getNames().getKind(),
                        i);
            }
            if (object instanceof GenericKubernetesResource custom) {
                String group = custom.getApiVersion().split("/")[0];
                String kind = group + "/" + custom.getKind();
                assertThat(definedAt.containsKey(kind) || EXTERNAL_GROUPS.contains(group))
                        .as(name + ": " + kind + " at " + i + " is defined by no CRD before it")
                        .isTrue();
            }
        }
        assertThat(definedAt).containsKey("flowwatch.matih.ai/EgressException");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyNamespacedObjectIsInTheFlowwatchNamespace(String name) {
        // Given
        List<HasMetadata> objects = typed(Kustomization.load(ROOT.resolve(name)));

        // Then
        for (HasMetadata object : objects) {
            String what =
                    name + ": " + object.getKind() + "/" + object.getMetadata().getName();
            if (CLUSTER_SCOPED.contains(object.getKind())) {
                assertThat(object.getMetadata().getNamespace()).as(what).isNull();
            } else {
                assertThat(object.getMetadata().getNamespace()).as(what).isEqualTo(NAMESPACE);
            }
        }
        assertThat(objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()))
                .doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void serviceAndDisruptionBudgetSelectTheDeploymentsPodsAndPorts(String name) {
        // Given
        Kustomization k = Kustomization.load(ROOT.resolve(name));
        Deployment deployment = as(k.get("Deployment", "flowwatch"), Deployment.class);
        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        Service service = as(k.get("Service", "flowwatch"), Service.class);
        PodDisruptionBudget budget = as(k.get("PodDisruptionBudget", "flowwatch"), PodDisruptionBudget.class);

        // Then
        assertThat(podLabels)
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(podLabels)
                .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        List<String> containerPorts =
                containerPorts(deployment).stream().map(ContainerPort::getName).toList();
        assertThat(service.getSpec().getPorts())
                .extracting(p -> p.getTargetPort().getStrVal())
                .allMatch(containerPorts::contains);
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void probesAskTheManagementPortTheContainerDeclares(String name) {
        // Given
        Deployment deployment =
                as(Kustomization.load(ROOT.resolve(name)).get("Deployment", "flowwatch"), Deployment.class);
        var container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, Integer> ports = containerPorts(deployment).stream()
                .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));

        // Then
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("/q/health/started", container.getStartupProbe());
        probes.put("/q/health/live", container.getLivenessProbe());
        probes.put("/q/health/ready", container.getReadinessProbe());
        probes.forEach((path, probe) -> {
            HTTPGetAction get = probe.getHttpGet();
            assertThat(get.getPath()).isEqualTo(path);
            String port = get.getPort().getStrVal();
            assertThat(ports).as(path + " names a declared port").containsKey(port);
            assertThat(ports.get(port))
                    .as(path + " is served on the management port")
                    .isEqualTo(9000);
        });
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void graceAndResourcesCoverTheShutdownPathAndTheMeasuredFootprint(String name) throws IOException {
        // Given
        Deployment deployment =
                as(Kustomization.load(ROOT.resolve(name)).get("Deployment", "flowwatch"), Deployment.class);
        var pod = deployment.getSpec().getTemplate().getSpec();
        var resources = pod.getContainers().get(0).getResources();
        Duration writeTimeout = documentedDefault("flowwatch.violations.write-timeout");
        Duration dlqTimeout = documentedDefault("flowwatch.ingest.dlq-timeout");
        Duration alertTimeout = documentedDefault("flowwatch.alertmanager.timeout");
        Duration shutdownTimeout = shutdownTimeout();

        // Then: the batch's writes, then the alert flush, within the grace; and Quarkus's own budget too
        long needed = Math.max(
                writeTimeout.plus(alertTimeout).toSeconds(),
                dlqTimeout.plus(alertTimeout).toSeconds());
        assertThat(pod.getTerminationGracePeriodSeconds())
                .as(
                        "grace: the longer of the writes plus the alert flush (%d s) and quarkus.shutdown.timeout (%d s),"
                                + " plus 10 s for the commit, leaving the group and the exit",
                        needed, shutdownTimeout.toSeconds())
                .isGreaterThanOrEqualTo(Math.max(needed, shutdownTimeout.toSeconds()) + 10);
        // docs/performance.md measured a 512 MB heap and an RSS high-water mark of 588 MB
        Quantity limit = resources.getLimits().get("memory");
        Quantity request = resources.getRequests().get("memory");
        assertThat(Quantity.getAmountInBytes(request))
                .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(new Quantity("588M")));
        assertThat(Quantity.getAmountInBytes(limit)).isGreaterThanOrEqualTo(Quantity.getAmountInBytes(request));
        assertThat(resources.getRequests()).containsKey("cpu");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void informersGetTheirRbacTokenAndSettingOnlyInTheirOverlays(String name) {
        // Given
        Kustomization k = Kustomization.load(ROOT.resolve(name));
        Deployment deployment = as(k.get("Deployment", "flowwatch"), Deployment.class);
        var pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, String> env = pod.getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> String.valueOf(e.getValue())));
        boolean informers = name.contains("informers");

        // Then
        assertThat(pod.getAutomountServiceAccountToken()).isEqualTo(informers);
        assertThat(k.all("ClusterRole")).hasSize(informers ? 1 : 0);
        if (!informers) {
            assertThat(env).doesNotContainKey("FLOWWATCH_TOPOLOGY_KUBERNETES_ENABLED");
            return;
        }
        assertThat(env).containsEntry("FLOWWATCH_TOPOLOGY_KUBERNETES_ENABLED", "true");
        assertThat(k.patches()).extracting(Kustomization.Patch::target).contains("Deployment/flowwatch");
        ClusterRoleBinding binding = as(k.get("ClusterRoleBinding", "flowwatch"), ClusterRoleBinding.class);
        assertThat(binding.getSubjects()).anySatisfy(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(pod.getServiceAccountName());
            assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
        });
        assertThat(k.get("ServiceAccount", pod.getServiceAccountName())).isNotNull();
        ClusterRole role = as(k.get("ClusterRole", binding.getRoleRef().getName()), ClusterRole.class);
        CustomResourceDefinition crd = as(
                k.get("CustomResourceDefinition", "egressexceptions.flowwatch.matih.ai"),
                CustomResourceDefinition.class);
        Map<String, List<String>> granted = new HashMap<>();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
            for (String group : rule.getApiGroups()) {
                granted.computeIfAbsent(group, g -> new ArrayList<>()).addAll(rule.getResources());
            }
        }
        assertThat(granted)
                .containsOnly(
                        Map.entry("", List.of("namespaces", "pods")),
                        Map.entry("networking.k8s.io", List.of("networkpolicies")),
                        Map.entry(
                                crd.getSpec().getGroup(),
                                List.of(crd.getSpec().getNames().getPlural())));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void serviceMonitorSelectsTheServiceByItsLabelsAndAPortItHas(String name) {
        // Given
        Kustomization k = Kustomization.load(ROOT.resolve(name));
        boolean operator = name.contains("prometheus-operator");
        assertThat(k.all("ServiceMonitor")).hasSize(operator ? 1 : 0);
        assertThat(k.all("PrometheusRule")).hasSize(operator ? 1 : 0);
        if (!operator) {
            return;
        }
        Service service = as(k.get("Service", "flowwatch"), Service.class);
        JsonNode monitor = k.get("ServiceMonitor", "flowwatch");
        JsonNode rule = k.get("PrometheusRule", "flowwatch");

        // Then
        assertThat(service.getMetadata().getLabels())
                .containsAllEntriesOf(labels(monitor.at("/spec/selector/matchLabels")));
        assertThat(service.getSpec().getPorts())
                .extracting(ServicePort::getName)
                .contains(monitor.at("/spec/endpoints/0/port").asText());
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(monitor.at("/spec/namespaceSelector/matchNames").toString()).contains(NAMESPACE);
        // kube-prometheus-stack's Prometheus selects ServiceMonitors and rules by this label
        assertThat(labels(monitor.at("/metadata/labels"))).containsEntry("release", "kube-prometheus-stack");
        assertThat(labels(rule.at("/metadata/labels"))).containsEntry("release", "kube-prometheus-stack");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void kubectlRendersTheSameObjectsWhereItIsInstalled(String name) throws Exception {
        // Given
        Kustomization k = Kustomization.load(ROOT.resolve(name));
        Map<String, JsonNode> expected = new LinkedHashMap<>();
        k.objects().forEach(r -> expected.put(r.key(), r.object()));
        String kubectl = kubectl();
        if (kubectl == null) {
            // kubectl is not a Debian package: where it is missing, the reading above is the whole check
            return;
        }

        // When
        Process process = new ProcessBuilder(
                        kubectl, "kustomize", ROOT.resolve(name).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).isZero();
        Path rendered = Files.createTempFile("kustomize", ".yaml");
        Files.write(rendered, out);
        Map<String, JsonNode> actual = new LinkedHashMap<>();
        for (JsonNode object : Kustomization.tree(rendered)) {
            actual.put(
                    object.path("kind").asText() + "/"
                            + object.at("/metadata/name").asText(),
                    object);
        }
        Files.delete(rendered);

        // Then: the same objects, field for field; kustomize orders them by kind, Namespace first
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, object) -> assertThat(actual.get(key)).as(key).isEqualTo(object));
        assertThat(actual.keySet().iterator().next()).isEqualTo("Namespace/" + NAMESPACE);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static List<HasMetadata> typed(Kustomization k) {
        return k.objects().stream()
                .map(r -> (HasMetadata) Kustomization.YAML.convertValue(r.object(), KubernetesResource.class))
                .toList();
    }

    private static <T> T as(JsonNode object, Class<T> type) {
        return Kustomization.YAML.convertValue(object, type);
    }

    private static List<ContainerPort> containerPorts(Deployment deployment) {
        return deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getPorts();
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        node.fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
        return labels;
    }

    /** A duration's default as docs/configuration.md states it (ConfigurationReferenceTest keeps it true). */
    private static Duration documentedDefault(String key) throws IOException {
        String doc = Files.readString(Path.of("docs/configuration.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\\| `" + Pattern.quote(key) + "` \\| `([^`]+)` \\|")
                .matcher(doc);
        assertThat(m.find()).as(key + " in docs/configuration.md").isTrue();
        return duration(m.group(1));
    }

    /** quarkus.shutdown.timeout of application.properties (no graceful wait when unset). */
    private static Duration shutdownTimeout() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        String value = properties.getProperty("quarkus.shutdown.timeout");
        return value == null ? Duration.ZERO : duration(value);
    }

    private static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(text.trim());
        assertThat(m.matches()).as("a duration: " + text).isTrue();
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "kubectl");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
