package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import inet.ipaddr.IPAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One end of a connection as NetworkPolicy sees it: a pod, or an address that is not a policy-managed pod. */
public sealed interface PolicyEndpoint permits PolicyEndpoint.Pod, PolicyEndpoint.Address {

    /** The label every namespace carries with its own name (R4.4). */
    String NAME_LABEL = "kubernetes.io/metadata.name";

    /** A short description for explanations: {@code ns/pod} or the address. */
    String describe();

    /**
     * The endpoint behind an IP as the topology knows it, when pods may exist that it does not know
     * ({@link PodKnowledge#PARTIAL}).
     */
    static PolicyEndpoint resolve(Topology topology, String ip) {
        return resolve(topology, ip, PodKnowledge.PARTIAL);
    }

    /**
     * The endpoint behind an IP as the topology knows it: its pod (hostNetwork pods are not indexed by IP and come
     * back as addresses); else, for an address no known pod has, an unresolved address when it might be a pod (in the
     * internal CIDRs while pods are not all known, or inside a declared pod CIDR when they are), a non-pod in-cluster
     * address when every pod is known, else an external one.
     */
    static PolicyEndpoint resolve(Topology topology, String ip, PodKnowledge pods) {
        PodInfo pod = topology.podByIp(ip);
        if (pod != null) {
            return Pod.of(pod, topology.namespaces().get(pod.namespace()));
        }
        IPAddress parsed = Topology.parseIp(ip);
        if (parsed == null) {
            return Address.external(ip);
        }
        boolean internal = topology.isInternal(parsed);
        if (pods.podsKnown()) {
            if (pods.mayBeUnlistedPod(parsed)) {
                return Address.unresolved(ip);
            }
            return internal ? new Address(ip, Address.Kind.NON_POD, null) : Address.external(ip);
        }
        return internal ? Address.unresolved(ip) : Address.external(ip);
    }

    /** The pod {@code namespace/name} as the topology knows it, or null when unknown. */
    static Pod resolve(Topology topology, String namespace, String name) {
        PodInfo pod = topology.pod(namespace, name);
        return pod == null ? null : Pod.of(pod, topology.namespaces().get(pod.namespace()));
    }

    /**
     * A pod. A {@code hostNetwork} pod is not policy-managed: the engine treats it as its node's IP (R4.9, R7.4).
     *
     * @param namespace       its namespace
     * @param name            pod name
     * @param labels          pod labels; <b>null when unknown</b> (selectors that need them are then undecidable)
     * @param namespaceLabels labels of its namespace; null when the Namespace object is unknown to the caller (the
     *                        engine then uses the namespaces it was compiled with, else knows only the name label,
     *                        R8.6). {@code kubernetes.io/metadata.name} is added when missing (R4.4)
     * @param ips             pod IPs (for a hostNetwork pod: its node's IPs); empty when unknown
     * @param hostNetwork     true for a hostNetwork pod
     * @param ports           declared container ports; <b>null when unknown</b> (named ports are then undecidable)
     * @param node            node name, or null when unknown
     */
    record Pod(
            String namespace,
            String name,
            Map<String, String> labels,
            Map<String, String> namespaceLabels,
            List<String> ips,
            boolean hostNetwork,
            List<PodInfo.ContainerPort> ports,
            String node)
            implements PolicyEndpoint {

        public Pod {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            labels = labels == null ? null : Map.copyOf(labels);
            if (namespaceLabels != null && namespaceLabels.containsKey(NAME_LABEL)) {
                // a known namespace's labels carry the name already: kept as they are when unmodifiable, so
                // that the per-record endpoint shares them and compares equal by identity
                namespaceLabels = Map.copyOf(namespaceLabels);
            } else if (namespaceLabels != null) {
                Map<String, String> withName = new LinkedHashMap<>(namespaceLabels);
                withName.putIfAbsent(NAME_LABEL, namespace);
                namespaceLabels = Map.copyOf(withName);
            }
            ips = ips == null ? List.of() : List.copyOf(ips);
            ports = ports == null ? null : List.copyOf(ports);
        }

        /** A pod from the topology; namespace labels from its NamespaceInfo, or unknown when that is null. */
        public static Pod of(PodInfo pod, NamespaceInfo namespace) {
            return new Pod(
                    pod.namespace(),
                    pod.name(),
                    pod.labels(),
                    namespace == null ? null : namespace.labels(),
                    pod.ips(),
                    pod.hostNetwork(),
                    pod.ports(),
                    pod.node());
        }

        /** A pod known only by namespace, name and IP: labels and ports unknown. */
        public static Pod unknownLabels(String namespace, String name, String ip) {
            return new Pod(namespace, name, null, null, ip == null ? List.of() : List.of(ip), false, null, null);
        }

        /** Same pod (namespace and name). */
        boolean samePod(Pod other) {
            return namespace.equals(other.namespace) && name.equals(other.name);
        }

        @Override
        public String describe() {
            return namespace + "/" + name;
        }
    }

    /**
     * An address that is not a policy-managed pod.
     *
     * @param ip   the IP (may be null or unparseable when unknown)
     * @param kind what it is
     * @param node for a node IP, the node's name (lets ingress from a pod's own node be recognized, R7.2); else null
     */
    record Address(String ip, Kind kind, String node) implements PolicyEndpoint {

        public Address {
            Objects.requireNonNull(kind, "kind");
        }

        /** An external (cluster-outside) IP. */
        public Address(String ip) {
            this(ip, Kind.EXTERNAL, null);
        }

        public static Address external(String ip) {
            return new Address(ip, Kind.EXTERNAL, null);
        }

        /** The IP of a node, by name. */
        public static Address node(String ip, String node) {
            return new Address(ip, Kind.NODE, node);
        }

        /** An in-cluster IP flowwatch cannot attribute (may be a pod or an unresolved Service VIP). */
        public static Address unresolved(String ip) {
            return new Address(ip, Kind.UNRESOLVED, null);
        }

        @Override
        public String describe() {
            return switch (kind) {
                case EXTERNAL -> "external " + ip;
                case NODE -> "node " + (node == null ? "" : node + " ") + ip;
                case UNRESOLVED -> "unresolved " + ip;
                case NON_POD -> "non-pod address " + ip;
            };
        }

        /** What an address is. */
        public enum Kind {
            /** Outside the cluster: never a pod. */
            EXTERNAL,
            /** A node's IP (also what a hostNetwork pod appears as): never matched by pod selectors. */
            NODE,
            /** In-cluster but not attributed: it might be a pod, so pod selectors cannot be decided. */
            UNRESOLVED,
            /** In-cluster, and no pod has it while every pod is known: never matched by pod selectors. */
            NON_POD
        }
    }
}
