package ai.matih.flowwatch.topology.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The informers' transforms: what flowwatch keeps of each object, so that memory is bounded by what it needs. The
 * informers' caches keep identities and resourceVersions; the topology keeps the fields the engine and attribution
 * need. Annotations, managed fields, container images, commands and environments are dropped. Label keys and values,
 * which repeat across the pods of a workload, are shared.
 */
final class Trim {

    /** Most distinct texts shared; beyond it texts are kept as they come (a bound on the table itself). */
    private static final int MAX_SHARED = 100_000;

    private static final Map<String, String> SHARED = new ConcurrentHashMap<>();

    private Trim() {}

    /** The object reduced to its name, namespace and resourceVersion: what an informer's cache holds. */
    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> T identity(T object) {
        T copy;
        try {
            copy = (T) object.getClass().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot copy a " + object.getClass().getName(), e);
        }
        ObjectMeta meta = object.getMetadata();
        ObjectMeta id = new ObjectMeta();
        id.setName(meta.getName());
        id.setNamespace(share(meta.getNamespace()));
        id.setResourceVersion(meta.getResourceVersion());
        id.setOwnerReferences(null);
        id.setFinalizers(null);
        id.setManagedFields(null);
        copy.setMetadata(id);
        return copy;
    }

    /**
     * A pod as the topology keeps it: name, namespace, labels, resourceVersion, controller, node,
     * hostNetwork, declared ports, phase, host IP and pod IPs.
     */
    static Pod pod(Pod pod) {
        ObjectMeta meta = pod.getMetadata();
        ObjectMeta trimmedMeta = new ObjectMetaBuilder()
                .withName(meta.getName())
                .withNamespace(share(meta.getNamespace()))
                .withResourceVersion(meta.getResourceVersion())
                .withOwnerReferences(controller(meta))
                .build();
        trimmedMeta.setLabels(labels(meta.getLabels())); // immutable: the pod's PodInfo holds the same map
        PodBuilder trimmed = new PodBuilder().withMetadata(trimmedMeta);
        if (pod.getSpec() != null) {
            List<Container> containers = new ArrayList<>();
            if (pod.getSpec().getContainers() != null) {
                for (Container c : pod.getSpec().getContainers()) {
                    if (c.getPorts() != null && !c.getPorts().isEmpty()) {
                        containers.add(new ContainerBuilder()
                                .withPorts(ports(c.getPorts()))
                                .build());
                    }
                }
            }
            trimmed.withNewSpec()
                    .withNodeName(share(pod.getSpec().getNodeName()))
                    .withHostNetwork(pod.getSpec().getHostNetwork())
                    .withContainers(containers)
                    .endSpec();
        }
        if (pod.getStatus() != null) {
            List<PodIP> ips = new ArrayList<>();
            if (pod.getStatus().getPodIPs() != null) {
                pod.getStatus().getPodIPs().forEach(ip -> ips.add(new PodIP(ip == null ? null : ip.getIp())));
            }
            trimmed.withNewStatus()
                    .withPhase(share(pod.getStatus().getPhase()))
                    .withPodIP(pod.getStatus().getPodIP())
                    .withPodIPs(ips)
                    .withHostIP(share(pod.getStatus().getHostIP()))
                    .endStatus();
        }
        return trimmed.build();
    }

    /** A namespace as the informer's cache keeps it: name, labels, resourceVersion. */
    static Namespace namespace(Namespace namespace) {
        ObjectMeta meta = namespace.getMetadata();
        return new NamespaceBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(meta.getName())
                        .withResourceVersion(meta.getResourceVersion())
                        .withLabels(labels(meta.getLabels()))
                        .build())
                .build();
    }

    /** An EgressException without annotations and managed fields. */
    static EgressExceptionResource exception(EgressExceptionResource exception) {
        ObjectMeta meta = exception.getMetadata();
        EgressExceptionResource trimmed = new EgressExceptionResource();
        trimmed.setMetadata(new ObjectMetaBuilder()
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withResourceVersion(meta.getResourceVersion())
                .build());
        trimmed.setSpec(exception.getSpec());
        return trimmed;
    }

    private static List<OwnerReference> controller(ObjectMeta meta) {
        if (meta.getOwnerReferences() == null) {
            return null;
        }
        for (OwnerReference owner : meta.getOwnerReferences()) {
            if (Boolean.TRUE.equals(owner.getController())) {
                return List.of(new OwnerReferenceBuilder()
                        .withKind(share(owner.getKind()))
                        .withName(share(owner.getName()))
                        .withController(true)
                        .build());
            }
        }
        return null;
    }

    private static List<ContainerPort> ports(List<ContainerPort> ports) {
        List<ContainerPort> trimmed = new ArrayList<>(ports.size());
        for (ContainerPort p : ports) {
            trimmed.add(new ContainerPortBuilder()
                    .withName(share(p.getName()))
                    .withContainerPort(p.getContainerPort())
                    .withProtocol(share(p.getProtocol()))
                    .build());
        }
        return trimmed;
    }

    /** A NetworkPolicy without annotations (e.g. the last applied configuration) and managed fields. */
    static NetworkPolicy policy(NetworkPolicy policy) {
        ObjectMeta meta = policy.getMetadata();
        return new NetworkPolicy(
                policy.getApiVersion(),
                policy.getKind(),
                new ObjectMetaBuilder()
                        .withName(meta.getName())
                        .withNamespace(meta.getNamespace())
                        .withResourceVersion(meta.getResourceVersion())
                        .withLabels(meta.getLabels())
                        .build(),
                policy.getSpec());
    }

    /** Labels with shared keys and values, immutable; empty for none. */
    static Map<String, String> labels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return Map.of();
        }
        Map<String, String> shared = new LinkedHashMap<>();
        labels.forEach((k, v) -> shared.put(share(k), share(v == null ? "" : v)));
        return Map.copyOf(shared);
    }

    /** One instance per distinct text (labels repeat across the pods of a workload), within a bound. */
    static String share(String text) {
        if (text == null) {
            return null;
        }
        String shared = SHARED.get(text);
        if (shared != null) {
            return shared;
        }
        if (SHARED.size() >= MAX_SHARED) {
            return text;
        }
        shared = SHARED.putIfAbsent(text, text);
        return shared == null ? text : shared;
    }
}
