package ai.matih.flowwatch.topology.kubernetes;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/** Objects for the Kubernetes test server. */
final class KubeObjects {

    private KubeObjects() {}

    static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build();
    }

    static NetworkPolicy denyAll(String namespace, String name) {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .endSpec()
                .build();
    }

    static Pod pod(String namespace, String name, String ip, String node, boolean hostNetwork) {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .withLabels(Map.of("app", "web", "pod-template-hash", "7d9f8c6b5"))
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("ReplicaSet")
                .withName("web-7d9f8c6b5")
                .withUid("u-1")
                .withController(true)
                .endOwnerReference()
                .withAnnotations(Map.of("kubectl.kubernetes.io/restartedAt", "2026-11-26T08:00:00Z"))
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .withHostNetwork(hostNetwork)
                .addNewContainer()
                .withName("web")
                .withImage("registry.example/web:1.2.3")
                .withArgs("--port=8080", "--verbose")
                .addNewPort()
                .withName("http")
                .withContainerPort(8080)
                .withProtocol("TCP")
                .endPort()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(ip)
                .addNewPodIP(ip)
                .withHostIP(hostNetwork ? ip : "192.168.0.11")
                .endStatus()
                .build();
    }

    static EgressExceptionResource exception(String namespace, String name, String tenant, String cidr) {
        EgressExceptionResource resource = new EgressExceptionResource();
        resource.getMetadata().setNamespace(namespace);
        resource.getMetadata().setName(name);
        EgressExceptionSpec spec = new EgressExceptionSpec();
        spec.setTenant(tenant);
        spec.setCidrs(List.of(cidr));
        spec.setOwner("payments-team");
        spec.setExpires("2030-01-01");
        resource.setSpec(spec);
        return resource;
    }

    /** Creates a pod with its status (the test server keeps what it is given). */
    static void create(KubernetesClient client, Pod pod) {
        client.pods().resource(pod).create();
    }
}
