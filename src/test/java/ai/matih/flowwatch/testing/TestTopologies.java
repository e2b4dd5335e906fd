package ai.matih.flowwatch.testing;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.ObservationSide;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A small seed-platform topology and flow builders for pure unit tests. */
public final class TestTopologies {

    public static final String ACME = "matih-data-plane-acme-corp";
    public static final String GLOBEX = "matih-data-plane-globex";
    public static final String CONTROL_PLANE = "matih-control-plane";
    public static final String INGRESS = "matih-ingress";
    public static final String SHARED = "matih-shared-infra";
    public static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");

    private TestTopologies() {}

    public static Topology seed() {
        TenancyRules rules = TenancyRules.defaults();
        Map<String, NamespaceInfo> ns = new HashMap<>();
        for (String[] n : new String[][] {
            {ACME, "matih.ai/tenant", "acme-corp"},
            {GLOBEX, "matih.ai/tenant", "globex"},
            {CONTROL_PLANE, "matih.ai/role", "control-plane"},
            {INGRESS, "matih.ai/role", "ingress"},
            {SHARED, "matih.ai/role", "shared-infra"},
            {"kube-system", "x", "y"},
            {"monitoring", "x", "y"}
        }) {
            ns.put(n[0], rules.describe(n[0], Map.of(n[1], n[2], "kubernetes.io/metadata.name", n[0]), true));
        }
        PodInfo dns = new PodInfo(
                "kube-system",
                "coredns-559f6c778d-7xq2m",
                Map.of("k8s-app", "kube-dns"),
                List.of("10.244.0.53"),
                "worker-1",
                false,
                List.of());
        PodInfo db =
                new PodInfo(GLOBEX, "db-0", Map.of("app", "db"), List.of("10.244.2.12"), "worker-2", false, List.of());
        EgressException payments = new EgressException(
                "acme-corp-payments",
                "acme-corp",
                List.of(EgressException.parseCidr("203.0.113.0/28")),
                List.of(new EgressException.PortRange(443, 443, null)),
                List.of(),
                "payments",
                Instant.parse("2030-01-01T00:00:00Z"),
                "gateway");
        EgressException expired = new EgressException(
                "globex-old",
                "globex",
                List.of(EgressException.parseCidr("198.51.100.7/32")),
                List.of(),
                List.of(),
                "partners",
                Instant.parse("2024-01-01T00:00:00Z"),
                "retired");
        return new Topology(
                ns,
                List.of(),
                Map.of("10.244.0.53", dns, "10.244.2.12", db),
                Map.of("kube-system/coredns-559f6c778d-7xq2m", dns, GLOBEX + "/db-0", db),
                List.of(payments, expired),
                rules,
                List.of(EgressException.parseCidr("10.0.0.0/8"), EgressException.parseCidr("fd00::/8")),
                "kube-system",
                Map.of("k8s-app", "kube-dns"),
                NOW,
                "test");
    }

    public static Endpoint pod(String namespace, String workload) {
        return pod(namespace, workload, Map.of("app", workload));
    }

    public static Endpoint pod(String namespace, String workload, Map<String, String> labels) {
        return new Endpoint(
                EndpointKind.POD, namespace, workload + "-7d9f8c6b5-x1a2b", workload, null, labels, Map.of(), null);
    }

    public static Endpoint world(String ip) {
        return new Endpoint(EndpointKind.WORLD, null, null, null, ip, Map.of(), Map.of(), null);
    }

    public static Endpoint ip(String ip) {
        return Endpoint.unknown(ip);
    }

    public static Endpoint host() {
        return new Endpoint(EndpointKind.HOST, null, null, null, "10.10.0.1", Map.of(), Map.of(), "host");
    }

    public static Flow flow(Endpoint src, Endpoint dst, Protocol protocol, int port, Observed observed) {
        return flow(src, dst, protocol, port, observed, ObservationSide.UNKNOWN);
    }

    public static Flow flow(
            Endpoint src, Endpoint dst, Protocol protocol, int port, Observed observed, ObservationSide side) {
        return new Flow(
                SourceFormat.HUBBLE,
                NOW,
                NOW,
                src,
                dst,
                protocol,
                port,
                40000,
                observed,
                Initiation.INITIATING,
                null,
                "worker-1",
                List.of(),
                null,
                1,
                null,
                side);
    }
}
