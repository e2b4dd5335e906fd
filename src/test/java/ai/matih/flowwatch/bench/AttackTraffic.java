package ai.matih.flowwatch.bench;

import ai.matih.flowwatch.demo.DemoRecords;
import ai.matih.flowwatch.demo.DemoTopics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The "attack" mix of the throughput benchmark: Hubble exporter lines only (one topic), for pods the demo topology does
 * not list (workloads it has never seen, in the tenants' namespaces, each endpoint carrying 8–10 labels (Helm's,
 * Cilium's, and up to two more), one in ten label-heavy (35)), of which:
 *
 * <ul>
 *   <li>about 85 % of connections are permitted traffic inside a tenant namespace (three lines each, as Cilium reports
 *       them: egress, ingress, reply), or to the cluster DNS;
 *   <li>about 12 % are connections from one of 100 pods to one of 10 targets (six pods of the tenants, four addresses
 *       outside the cluster) that the CNI drops, each with a source port of its own, a third of them retried
 *       (the SYN dropped again a second later);
 *   <li>about 3 % are one pod scanning 1,000 ports of another tenant's pod, dropped at the destination.
 *   </ul>
 *
 * <p>So at least 5 % of the lines are denied forbidden connections, almost every one a distinct connection. Not
 * thread-safe: one per producer thread.
 */
final class AttackTraffic {

    private static final String[] TENANTS = {"acme-corp", "globex", "initech"};
    private static final String[] NODES = {"worker-1", "worker-2", "worker-3"};
    private static final int ATTACKERS = 100;
    private static final int WORKLOADS = 60;
    /** Addresses outside the cluster among the targets. */
    private static final String[] OUTSIDE = {"93.184.216.34", "192.0.2.77", "198.51.100.200", "8.8.8.8"};

    private static final String DNS_IP = "10.244.0.53";

    private final Random random;
    private final Clock clock;
    private final Endpoint[] attackers = new Endpoint[ATTACKERS];
    private final Endpoint[] workloads = new Endpoint[WORKLOADS];
    /** Six pods of the tenants, four addresses outside the cluster. */
    private final Endpoint[] targets = new Endpoint[10];

    private final Endpoint scanner;
    private final Endpoint dnsServer = new Endpoint(
            "kube-system",
            DNS_IP,
            "worker-1",
            "{\"ID\":1201,\"identity\":31544,\"cluster_name\":\"default\",\"namespace\":\"kube-system\",\"labels\":"
                    + "[\"k8s:k8s-app=kube-dns\",\"k8s:io.cilium.k8s.policy.cluster=default\","
                    + "\"k8s:io.kubernetes.pod.namespace=kube-system\"],\"pod_name\":\"coredns-559f6c778d-7xq2m\"}");
    private final Endpoint scanned;
    private int scanPort;

    AttackTraffic(Random random, Clock clock) {
        this.random = random;
        this.clock = clock;
        for (int i = 0; i < ATTACKERS; i++) {
            attackers[i] = endpoint(TENANTS[i % 3], "batch-" + i, 50 + i / 250, i % 250 + 1);
        }
        for (int i = 0; i < WORKLOADS; i++) {
            workloads[i] = endpoint(TENANTS[i % 3], "svc-" + i, 60 + i / 250, i % 250 + 1);
        }
        for (int i = 0; i < 6; i++) {
            targets[i] = endpoint(TENANTS[i % 3], new String[] {"db", "ledger", "vault"}[i / 2] + "-t", 80, i + 1);
        }
        for (int i = 0; i < OUTSIDE.length; i++) {
            targets[6 + i] = peer(OUTSIDE[i]);
        }
        scanner = endpoint("globex", "debug-shell", 70, 1);
        scanned = endpoint("acme-corp", "ledger", 70, 2);
    }

    /** The lines of the next connection. */
    List<DemoRecords.Output> next() {
        int pick = random.nextInt(100);
        Instant now = clock.instant();
        List<DemoRecords.Output> out = new ArrayList<>(3);
        if (pick < 12) {
            Endpoint from = attackers[random.nextInt(ATTACKERS)];
            Endpoint to = targets[random.nextInt(targets.length)];
            int port = new int[] {5432, 6379, 443, 8080, 22}[random.nextInt(5)];
            int sport = ephemeralPort();
            int attempts = random.nextInt(3) == 0 ? 2 : 1;
            for (int i = 0; i < attempts; i++) {
                out.add(line(now.plusSeconds(i), "DROPPED", from, to, sport, port, false, from.node, "EGRESS"));
            }
        } else if (pick < 15) {
            scanPort = scanPort % 1000 + 1;
            out.add(line(now, "DROPPED", scanner, scanned, ephemeralPort(), scanPort, false, scanned.node, "INGRESS"));
        } else {
            Endpoint from = workloads[random.nextInt(WORKLOADS)];
            boolean dns = random.nextInt(5) == 0;
            Endpoint to = dns ? dnsServer : sameNamespace(from);
            int port = dns ? 53 : 8080;
            int sport = ephemeralPort();
            out.add(line(now, "FORWARDED", from, to, sport, port, false, from.node, "EGRESS"));
            out.add(line(now.plusNanos(180_000), "FORWARDED", from, to, sport, port, false, to.node, "INGRESS"));
            out.add(line(now.plusNanos(410_000), "FORWARDED", to, from, port, sport, true, from.node, "EGRESS"));
        }
        return out;
    }

    private Endpoint sameNamespace(Endpoint from) {
        while (true) {
            Endpoint to = workloads[random.nextInt(WORKLOADS)];
            if (to != from && to.namespace.equals(from.namespace)) {
                return to;
            }
        }
    }

    private static Endpoint peer(String ip) {
        return new Endpoint(
                null,
                ip,
                NODES[Math.floorMod(ip.hashCode(), 3)],
                "{\"identity\":2,\"labels\":"
                        + (ip.startsWith("10.") ? "[\"reserved:cluster\"]" : "[\"reserved:world\"]") + "}");
    }

    /** A pod the topology does not list, with the labels a Helm chart and an operator leave on it. */
    private Endpoint endpoint(String tenant, String workload, int third, int fourth) {
        String namespace = "matih-data-plane-" + tenant;
        String hash =
                Integer.toHexString(0x10000000 | random.nextInt(0x0fffffff)).substring(0, 8);
        String pod = workload + "-" + hash + "-" + Integer.toString(36 * 36 + random.nextInt(36 * 36 * 35), 36);
        String ip = "10.244." + third + "." + fourth;
        String node = NODES[random.nextInt(NODES.length)];
        StringBuilder json = new StringBuilder(1200)
                .append("{\"ID\":")
                .append(100 + random.nextInt(3900))
                .append(",\"identity\":")
                .append(10_000 + random.nextInt(50_000))
                .append(",\"cluster_name\":\"default\",\"namespace\":\"")
                .append(namespace)
                .append("\",\"labels\":[");
        List<String> labels = new ArrayList<>();
        labels.add("k8s:app=" + workload);
        labels.add("k8s:app.kubernetes.io/name=" + workload);
        labels.add("k8s:pod-template-hash=" + hash);
        // one pod in ten is label-heavy: 27 more labels (35 in all), as Helm charts, operators and meshes leave them
        int extra = random.nextInt(10) == 0 ? 27 : random.nextInt(3);
        for (int i = 0; i < extra; i++) {
            labels.add("k8s:example.com/label-" + i + "=" + Integer.toHexString(random.nextInt()));
        }
        labels.add("k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=" + namespace);
        labels.add("k8s:io.cilium.k8s.namespace.labels.matih.ai/tenant=" + tenant);
        labels.add("k8s:io.cilium.k8s.policy.cluster=default");
        labels.add("k8s:io.cilium.k8s.policy.serviceaccount=" + workload);
        labels.add("k8s:io.kubernetes.pod.namespace=" + namespace);
        for (int i = 0; i < labels.size(); i++) {
            json.append(i == 0 ? "\"" : ",\"").append(labels.get(i)).append('"');
        }
        json.append("],\"pod_name\":\"")
                .append(pod)
                .append("\",\"workloads\":[{\"name\":\"")
                .append(workload)
                .append("\",\"kind\":\"Deployment\"}]}");
        return new Endpoint(namespace, ip, node, json.toString());
    }

    private DemoRecords.Output line(
            Instant time,
            String verdict,
            Endpoint from,
            Endpoint to,
            int fromPort,
            int toPort,
            boolean reply,
            String node,
            String direction) {
        String t = time.toString();
        boolean udp = toPort == 53 || (reply && fromPort == 53);
        StringBuilder b = new StringBuilder(2048)
                .append("{\"flow\":{\"time\":\"")
                .append(t)
                .append("\",\"uuid\":\"")
                .append(uuid())
                .append("\",\"emitter\":{\"name\":\"Hubble\",\"version\":\"1.19.1+gd0d0c879\"},\"verdict\":\"")
                .append(verdict)
                .append("\",");
        if ("DROPPED".equals(verdict)) {
            b.append("\"drop_reason\":133,");
        }
        b.append("\"IP\":{\"source\":\"")
                .append(from.ip)
                .append("\",\"destination\":\"")
                .append(to.ip)
                .append("\",\"ipVersion\":\"IPv4\"},\"l4\":{\"")
                .append(udp ? "UDP" : "TCP")
                .append("\":{\"source_port\":")
                .append(fromPort)
                .append(",\"destination_port\":")
                .append(toPort);
        if (!udp) {
            b.append(",\"flags\":{\"SYN\":true").append(reply ? ",\"ACK\":true}" : "}");
        }
        b.append("}},\"source\":")
                .append(from.json)
                .append(",\"destination\":")
                .append(to.json)
                .append(",\"Type\":\"L3_L4\",\"node_name\":\"")
                .append(node)
                .append("\",\"event_type\":{\"type\":")
                .append("DROPPED".equals(verdict) ? "1,\"sub_type\":133}" : "4}")
                .append(",\"traffic_direction\":\"")
                .append(direction)
                .append('"');
        if ("DROPPED".equals(verdict)) {
            b.append(",\"drop_reason_desc\":\"POLICY_DENIED\"");
        } else {
            b.append(",\"trace_observation_point\":\"")
                    .append(reply ? "TO_ENDPOINT" : "INGRESS".equals(direction) ? "TO_ENDPOINT" : "TO_STACK")
                    .append("\",\"trace_reason\":\"")
                    .append(reply ? "REPLY" : "NEW")
                    .append('"');
        }
        b.append(",\"is_reply\":")
                .append(reply)
                .append("},\"node_name\":\"")
                .append(node)
                .append("\",\"time\":\"")
                .append(t)
                .append("\"}");
        return new DemoRecords.Output(DemoTopics.HUBBLE, node, b.toString());
    }

    private int ephemeralPort() {
        return 32768 + random.nextInt(60999 - 32768);
    }

    private String uuid() {
        long hi = random.nextLong();
        long lo = random.nextLong();
        hi = (hi & ~0xF000L) | 0x4000L;
        lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    /** One end: its namespace (null outside the pods), address, node and Hubble endpoint object. */
    private record Endpoint(String namespace, String ip, String node, String json) {}
}
