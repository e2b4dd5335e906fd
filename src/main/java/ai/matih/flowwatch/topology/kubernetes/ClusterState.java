package ai.matih.flowwatch.topology.kubernetes;

import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.ManifestException;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyChange;
import com.fasterxml.jackson.databind.JsonNode;
import inet.ipaddr.IPAddress;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What the informers reported, kept in the form the topology needs, and the snapshot built from it. Each informer
 * calls its own methods from its own thread; {@link #build} may run meanwhile and sees each map as it is then.
 *
 * <p>A deleted pod's IPs are remembered for a grace period (for flows reported late), unless a live pod has them.
 */
final class ClusterState {

    /** Origin of a snapshot built from the Kubernetes API. */
    static final String ORIGIN = "kubernetes";

    private static final Logger LOGGER = Logger.getLogger(ClusterState.class);
    private static final String NAME_LABEL = "kubernetes.io/metadata.name";

    private final Topology template;
    private final Duration deletedPodGrace;
    private final Map<String, NamespaceInfo> namespaces = new ConcurrentHashMap<>();
    private final Map<String, NetworkPolicy> policies = new ConcurrentHashMap<>();
    private final Map<String, PodInfo> pods = new ConcurrentHashMap<>();
    private final Map<String, Boolean> terminated = new ConcurrentHashMap<>();
    private final Map<String, String> hostIps = new ConcurrentHashMap<>();
    private final Map<String, PodInfo> deletedByIp = new ConcurrentHashMap<>();
    private final Map<String, EgressException> exceptions = new ConcurrentHashMap<>();
    private final Map<String, Long> versions = new ConcurrentHashMap<>();

    /**
     * @param template        an empty topology with the rules and cluster settings to build with
     * @param deletedPodGrace how long a deleted pod's IPs stay attributed to it
     */
    ClusterState(Topology template, Duration deletedPodGrace) {
        this.template = template;
        this.deletedPodGrace = deletedPodGrace;
    }

    void namespace(Namespace namespace) {
        String name = namespace.getMetadata().getName();
        Map<String, String> labels = new LinkedHashMap<>();
        if (namespace.getMetadata().getLabels() != null) {
            namespace.getMetadata().getLabels().forEach((k, v) -> labels.put(k, v == null ? "" : v));
        }
        labels.putIfAbsent(NAME_LABEL, name);
        namespaces.put(name, template.rules().describe(name, labels, true));
        version("namespace/" + name, namespace.getMetadata());
    }

    void namespaceGone(Namespace namespace) {
        String name = namespace.getMetadata().getName();
        namespaces.remove(name);
        versions.remove("namespace/" + name);
    }

    void policy(NetworkPolicy policy) {
        String key = policyKey(policy);
        policies.put(key, policy);
        version(key, policy.getMetadata());
    }

    void policyGone(NetworkPolicy policy) {
        String key = policyKey(policy);
        policies.remove(key);
        versions.remove(key);
    }

    void pod(Pod pod) {
        String key = podKey(pod.getMetadata());
        PodInfo info = info(pod);
        pods.put(key, info);
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            terminated.put(key, Boolean.TRUE);
        } else {
            terminated.remove(key);
        }
        String hostIp =
                pod.getStatus() == null ? null : canonical(pod.getStatus().getHostIP());
        if (hostIp != null && info.node() != null) {
            hostIps.put(key, Trim.share(hostIp));
        } else {
            hostIps.remove(key);
        }
    }

    /** Forgets a pod; its IPs stay attributed to it, marked deleted, for the grace period. */
    void podGone(Pod pod, Instant at) {
        String key = podKey(pod.getMetadata());
        PodInfo info = pods.remove(key);
        boolean wasTerminated = terminated.remove(key) != null;
        hostIps.remove(key);
        if (info != null && !info.hostNetwork() && !wasTerminated && !deletedPodGrace.isZero()) {
            PodInfo deleted = info.deletedAt(at);
            info.ips().forEach(ip -> deletedByIp.put(ip, deleted));
        }
    }

    void exception(EgressExceptionResource resource) {
        String key = resource.getMetadata().getNamespace() + "/"
                + resource.getMetadata().getName();
        try {
            JsonNode document = Serialization.jsonMapper().valueToTree(resource);
            exceptions.put(
                    key,
                    EgressException.fromDocument(
                            document, resource.getMetadata().getName(), "EgressException " + key));
        } catch (ManifestException | IllegalArgumentException e) {
            exceptions.remove(key);
            LOGGER.warnf("EgressException %s is ignored: %s", key, e.getMessage());
        }
    }

    void exceptionGone(EgressExceptionResource resource) {
        exceptions.remove(resource.getMetadata().getNamespace() + "/"
                + resource.getMetadata().getName());
    }

    /** The resourceVersion of each namespace and NetworkPolicy, by overlay key. */
    Map<String, Long> versions() {
        return new HashMap<>(versions);
    }

    /** Pods known, live ones only. */
    int podCount() {
        return pods.size();
    }

    /** The snapshot of what is known now; deleted pods past their grace period are forgotten. */
    Topology build(Instant now) {
        Instant forgetBefore = now.minus(deletedPodGrace);
        deletedByIp.values().removeIf(p -> p.deletedAt().isBefore(forgetBefore));
        Map<String, PodInfo> byIp = new HashMap<>(deletedByIp);
        Map<String, String> nodes = new HashMap<>();
        hostIps.forEach((key, ip) -> {
            PodInfo pod = pods.get(key);
            if (pod != null) {
                nodes.put(ip, pod.node());
            }
        });
        for (Map.Entry<String, PodInfo> e : pods.entrySet()) {
            PodInfo pod = e.getValue();
            if (pod.hostNetwork()) {
                if (pod.node() != null) {
                    pod.ips().forEach(ip -> nodes.put(ip, pod.node()));
                }
            } else if (!terminated.containsKey(e.getKey())) {
                pod.ips().forEach(ip -> byIp.put(ip, pod));
            }
        }
        byIp.keySet().forEach(nodes::remove);
        List<NetworkPolicy> policyList = new ArrayList<>(policies.values());
        return new Topology(
                namespaces,
                policyList,
                byIp,
                pods,
                new ArrayList<>(exceptions.values()),
                template.rules(),
                template.internalCidrs(),
                template.dnsNamespace(),
                template.dnsSelector(),
                now,
                ORIGIN,
                nodes,
                true);
    }

    /** When the next remembered IP of a deleted pod is due to be forgotten, or null. */
    Instant nextExpiry() {
        Instant next = null;
        for (PodInfo p : deletedByIp.values()) {
            Instant due = p.deletedAt().plus(deletedPodGrace);
            if (next == null || due.isBefore(next)) {
                next = due;
            }
        }
        return next;
    }

    private void version(String key, ObjectMeta meta) {
        Long version = TopologyChange.parseVersion(meta.getResourceVersion());
        if (version != null) {
            versions.put(key, version);
        } else {
            versions.remove(key);
        }
    }

    private static PodInfo info(Pod pod) {
        ObjectMeta meta = pod.getMetadata();
        List<PodInfo.ContainerPort> ports = new ArrayList<>();
        boolean hostNetwork = false;
        String node = null;
        if (pod.getSpec() != null) {
            hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
            node = pod.getSpec().getNodeName();
            if (pod.getSpec().getContainers() != null) {
                for (Container c : pod.getSpec().getContainers()) {
                    if (c.getPorts() != null) {
                        c.getPorts()
                                .forEach(p -> ports.add(new PodInfo.ContainerPort(
                                        Trim.share(p.getName()),
                                        p.getContainerPort() == null ? 0 : p.getContainerPort(),
                                        p.getProtocol() == null ? "TCP" : Trim.share(p.getProtocol()))));
                    }
                }
            }
        }
        List<String> ips = new ArrayList<>();
        if (pod.getStatus() != null) {
            if (pod.getStatus().getPodIPs() != null) {
                for (PodIP ip : pod.getStatus().getPodIPs()) {
                    addCanonical(ips, ip == null ? null : ip.getIp());
                }
            }
            addCanonical(ips, pod.getStatus().getPodIP());
        }
        String owner = null;
        if (meta.getOwnerReferences() != null) {
            for (OwnerReference ref : meta.getOwnerReferences()) {
                if (Boolean.TRUE.equals(ref.getController())) {
                    owner = Trim.share(ref.getKind() + "/" + ref.getName());
                }
            }
        }
        return new PodInfo(
                Trim.share(namespaceOf(meta)),
                meta.getName(),
                meta.getLabels() == null ? Map.of() : meta.getLabels(), // shared and immutable (Trim.pod)
                ips,
                Trim.share(node),
                hostNetwork,
                ports,
                owner,
                null);
    }

    private static void addCanonical(List<String> ips, String raw) {
        String ip = canonical(raw);
        if (ip != null && !ips.contains(ip)) {
            ips.add(ip);
        }
    }

    private static String canonical(String raw) {
        IPAddress ip = Topology.parseIp(raw);
        return ip == null ? null : ip.toCanonicalString();
    }

    private static String policyKey(NetworkPolicy policy) {
        return "networkpolicy/" + namespaceOf(policy.getMetadata()) + "/"
                + policy.getMetadata().getName();
    }

    private static String podKey(ObjectMeta meta) {
        return namespaceOf(meta) + "/" + meta.getName();
    }

    private static String namespaceOf(ObjectMeta meta) {
        return meta.getNamespace() == null || meta.getNamespace().isBlank() ? "default" : meta.getNamespace();
    }
}
