package ai.matih.flowwatch.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pods and connections of the demo topology ({@code src/main/resources/demo/topology.yaml}) that the demo traffic
 * generator reports on. Names, IPs, nodes and labels match the YAML (DemoTopologyTest checks it).
 */
final class DemoTopology {

    /** What the CNI did with a connection, and where. */
    enum Outcome {
        /** Let through end to end. */
        ALLOWED,
        /** Dropped by the source pod's egress policy (never reaches the destination). */
        DENIED_EGRESS,
        /** Dropped by the destination pod's ingress policy. */
        DENIED_INGRESS,
        /** Allowed, but a policy in audit/staged mode would deny it (Hubble AUDIT, Calico pending deny). */
        AUDIT
    }

    /** One end of a connection. */
    sealed interface Peer permits Pod, External {
        String ip();

        /** The namespace, or null outside the cluster. */
        String namespace();
    }

    /** A pod of the demo topology. Labels keep the YAML's order. */
    record Pod(
            String namespace,
            String name,
            String ip,
            String node,
            Map<String, String> labels,
            String workload,
            String workloadKind,
            String serviceAccount)
            implements Peer {

        Pod {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }

        /** Calico's aggregated name: the pod-name prefix shared by the workload's pods. */
        String aggregatedName() {
            return "StatefulSet".equals(workloadKind)
                    ? workload + "-*"
                    : name.substring(0, name.lastIndexOf('-')) + "-*";
        }

        /** Cilium security identity: one per label set. */
        int identity() {
            return 10_000 + Math.floorMod(Objects.hash(namespace, workload), 50_000);
        }

        /** Cilium endpoint ID on its node. */
        int endpointId() {
            return 100 + Math.floorMod(name.hashCode() + namespace.hashCode(), 3_900);
        }
    }

    /** An address outside the cluster. */
    record External(String ip) implements Peer {
        @Override
        public String namespace() {
            return null;
        }
    }

    /**
     * A connection the generator reports.
     *
     * @param srcPolicy the policy allowing it at the source (egress), null when no policy selects the source
     * @param dstPolicy the policy allowing it at the destination (ingress), null when none selects the destination
     */
    record Connection(
            Peer source,
            Peer destination,
            int port,
            String protocol,
            Outcome outcome,
            String srcPolicy,
            String dstPolicy) {

        /** The allowing policy at the {@code src} or {@code dst} reporter. */
        String allowingPolicy(String reporter) {
            return "src".equals(reporter) ? srcPolicy : dstPolicy;
        }
    }

    static final List<String> TENANTS = List.of("acme-corp", "globex", "initech");
    static final List<String> NODES = List.of("worker-1", "worker-2", "worker-3");
    static final List<Pod> PODS;
    static final List<Connection> NORMAL;
    static final List<Connection> VIOLATIONS;

    static final String INTERNET = "93.184.216.34";
    static final String ACME_PAYMENTS = "203.0.113.5";
    static final String GLOBEX_EXPIRED_PARTNER = "198.51.100.7";
    static final String SCANNER = "192.0.2.77";

    private static final String CONTROL_PLANE = "matih-control-plane";
    private static final String INGRESS = "matih-ingress";
    private static final String SHARED_INFRA = "matih-shared-infra";

    static {
        List<Pod> pods = new ArrayList<>();
        pods.add(deployment(CONTROL_PLANE, "tenant-manager", "6d5f7c8b9d-k2x4p", "10.244.0.10", "worker-1", Map.of()));
        pods.add(new Pod(
                "kube-system",
                "coredns-559f6c778d-7xq2m",
                "10.244.0.53",
                "worker-1",
                labels("k8s-app", "kube-dns", "pod-template-hash", "559f6c778d"),
                "coredns",
                "Deployment",
                "coredns"));
        pods.add(statefulSet(SHARED_INFRA, "postgres", "10.244.0.20", "worker-2"));
        pods.add(statefulSet(SHARED_INFRA, "redis", "10.244.0.21", "worker-2"));
        pods.add(new Pod(
                "monitoring",
                "prometheus-0",
                "10.244.0.30",
                "worker-1",
                labels("app", "prometheus"),
                "prometheus",
                "StatefulSet",
                "prometheus"));
        String[] suffix = {"1", "2", "3"};
        String[] node = {"worker-1", "worker-2", "worker-3"};
        for (int i = 0; i < TENANTS.size(); i++) {
            String tenant = TENANTS.get(i);
            pods.add(new Pod(
                    INGRESS,
                    "ingress-nginx-" + tenant + "-7f9c6b5d4-abcd" + suffix[i],
                    "10.244.9." + suffix[i],
                    "worker-1",
                    labels("app", "ingress-nginx", "matih.ai/tenant", tenant, "pod-template-hash", "7f9c6b5d4"),
                    "ingress-nginx-" + tenant,
                    "Deployment",
                    "ingress-nginx"));
            String ns = tenantNamespace(tenant);
            String net = "10.244." + (i + 1) + ".";
            pods.add(deployment(ns, "api", "7d9f8c6b5-x" + suffix[i] + "a2b", net + "10", node[i], Map.of()));
            pods.add(deployment(ns, "worker", "5c7d9e8f6-y" + suffix[i] + "c3d", net + "11", node[i], Map.of()));
            pods.add(statefulSet(ns, "db", net + "12", node[i]));
        }
        PODS = List.copyOf(pods);

        List<Connection> normal = new ArrayList<>();
        for (String tenant : TENANTS) {
            String ns = tenantNamespace(tenant);
            normal.add(allowed(pod(ns, "api"), pod(ns, "db"), 5432, "TCP", "allow-egress", "allow-ingress"));
            normal.add(allowed(pod(ns, "worker"), pod(ns, "api"), 8080, "TCP", "allow-egress", "allow-ingress"));
            normal.add(
                    allowed(pod(CONTROL_PLANE, "tenant-manager"), pod(ns, "api"), 8080, "TCP", null, "allow-ingress"));
            normal.add(allowed(ingressPod(tenant), pod(ns, "api"), 8080, "TCP", null, "allow-ingress"));
            normal.add(allowed(pod(ns, "api"), pod(SHARED_INFRA, "postgres"), 5432, "TCP", "allow-egress", null));
            normal.add(allowed(pod(ns, "worker"), pod(SHARED_INFRA, "redis"), 6379, "TCP", "allow-egress", null));
            normal.add(allowed(pod(ns, "worker"), pod("kube-system", "coredns"), 53, "UDP", "allow-egress", null));
            normal.add(allowed(pod(ns, "api"), pod("kube-system", "coredns"), 53, "UDP", "allow-egress", null));
        }
        // Permitted by the acme-corp-payments EgressException (203.0.113.0/28:443).
        normal.add(allowed(
                pod(tenantNamespace("acme-corp"), "api"),
                new External(ACME_PAYMENTS),
                443,
                "TCP",
                "allow-payments-gateway",
                null));
        // Platform to platform: not judged.
        normal.add(allowed(pod("monitoring", "prometheus"), pod("kube-system", "coredns"), 9153, "TCP", null, null));
        NORMAL = List.copyOf(normal);

        String acme = tenantNamespace("acme-corp");
        String globex = tenantNamespace("globex");
        String initech = tenantNamespace("initech");
        VIOLATIONS = List.of(
                // ISOLATION_BREACH: cross-tenant, allowed by a too-open policy.
                allowed(pod(acme, "api"), pod(globex, "db"), 5432, "TCP", "allow-partner-sync", "allow-partner-sync"),
                // BLOCKED_ATTEMPT cross-tenant.
                new Connection(
                        pod(globex, "worker"), pod(initech, "api"), 8080, "TCP", Outcome.DENIED_EGRESS, null, null),
                // BLOCKED_ATTEMPT tenant-to-control-plane.
                new Connection(
                        pod(initech, "api"),
                        pod(CONTROL_PLANE, "tenant-manager"),
                        8080,
                        "TCP",
                        Outcome.DENIED_EGRESS,
                        null,
                        null),
                // UNEXPECTED_EGRESS: to the internet, and through globex's expired exception.
                allowed(pod(globex, "worker"), new External(INTERNET), 443, "TCP", "allow-egress-https", null),
                allowed(
                        pod(globex, "api"),
                        new External(GLOBEX_EXPIRED_PARTNER),
                        443,
                        "TCP",
                        "allow-partner-feed",
                        null),
                // BLOCKED_ATTEMPT external-egress.
                new Connection(
                        pod(initech, "worker"), new External(INTERNET), 443, "TCP", Outcome.DENIED_EGRESS, null, null),
                // BLOCKED_ATTEMPT external-ingress.
                new Connection(
                        new External(SCANNER), pod(acme, "api"), 8080, "TCP", Outcome.DENIED_INGRESS, null, null),
                // BLOCKED_ATTEMPT cross-tenant: another tenant's ingress pod.
                new Connection(ingressPod("globex"), pod(acme, "api"), 8080, "TCP", Outcome.DENIED_INGRESS, null, null),
                // UNEXPECTED_DENY: DNS blocked.
                new Connection(
                        pod(initech, "worker"),
                        pod("kube-system", "coredns"),
                        53,
                        "UDP",
                        Outcome.DENIED_EGRESS,
                        null,
                        null),
                // ISOLATION_BREACH that went through under a Hubble AUDIT verdict / a Calico allow with a pending
                // staged deny.
                new Connection(
                        pod(initech, "api"),
                        pod(acme, "db"),
                        5432,
                        "TCP",
                        Outcome.AUDIT,
                        "allow-partner-sync",
                        "allow-partner-sync"),
                new Connection(
                        pod(globex, "api"),
                        pod(initech, "db"),
                        5432,
                        "TCP",
                        Outcome.AUDIT,
                        "allow-partner-sync",
                        "allow-partner-sync"));
    }

    private DemoTopology() {}

    static String tenantNamespace(String tenant) {
        return "matih-data-plane-" + tenant;
    }

    /** The pod of {@code workload} in {@code namespace}. */
    static Pod pod(String namespace, String workload) {
        for (Pod pod : PODS) {
            if (pod.namespace().equals(namespace) && pod.workload().equals(workload)) {
                return pod;
            }
        }
        throw new IllegalArgumentException("No demo pod " + workload + " in " + namespace);
    }

    /** The labels of a namespace, as in topology.yaml. */
    static Map<String, String> namespaceLabels(String namespace) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/metadata.name", namespace);
        switch (namespace) {
            case CONTROL_PLANE -> labels.put("matih.ai/role", "control-plane");
            case INGRESS -> labels.put("matih.ai/role", "ingress");
            case SHARED_INFRA -> labels.put("matih.ai/role", "shared-infra");
            default -> {
                if (namespace.startsWith("matih-data-plane-")) {
                    labels.put("matih.ai/tenant", namespace.substring("matih-data-plane-".length()));
                }
            }
        }
        return labels;
    }

    private static Pod ingressPod(String tenant) {
        return pod(INGRESS, "ingress-nginx-" + tenant);
    }

    private static Connection allowed(
            Peer source, Peer destination, int port, String protocol, String srcPolicy, String dstPolicy) {
        return new Connection(source, destination, port, protocol, Outcome.ALLOWED, srcPolicy, dstPolicy);
    }

    private static Pod deployment(
            String namespace, String app, String suffix, String ip, String node, Map<String, String> extra) {
        Map<String, String> labels = labels("app", app, "pod-template-hash", suffix.substring(0, suffix.indexOf('-')));
        labels.putAll(extra);
        return new Pod(namespace, app + "-" + suffix, ip, node, labels, app, "Deployment", app);
    }

    private static Pod statefulSet(String namespace, String app, String ip, String node) {
        return new Pod(
                namespace,
                app + "-0",
                ip,
                node,
                labels("app", app, "statefulset.kubernetes.io/pod-name", app + "-0"),
                app,
                "StatefulSet",
                app);
    }

    private static Map<String, String> labels(String... keyValues) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            labels.put(keyValues[i], keyValues[i + 1]);
        }
        return labels;
    }
}
