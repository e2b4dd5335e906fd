package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.PartyResolver;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.ObservationSide;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.topology.Topology;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A recorded set of connections over the demo topology (src/main/resources/demo/topology.yaml), as the classifier
 * would report them to the memory: acme-corp's everyday traffic, which the isolation model permits, and three
 * connections it forbids (a resolver outside the cluster, another tenant's database, another tenant's ingress pod).
 */
final class RecordedConnections {

    static final String ACME = "matih-data-plane-acme-corp";
    static final String GLOBEX = "matih-data-plane-globex";
    static final Instant AT = Instant.parse("2026-12-05T00:00:00Z");

    static final Endpoint ACME_API = pod(ACME, "api-7d9f8c6b5-x1a2b", "api", "10.244.1.10");
    static final Endpoint ACME_WORKER = pod(ACME, "worker-5c7d9e8f6-y1c3d", "worker", "10.244.1.11");
    static final Endpoint ACME_DB = pod(ACME, "db-0", "db", "10.244.1.12");
    static final Endpoint GLOBEX_DB = pod(GLOBEX, "db-0", "db", null);
    static final Endpoint COREDNS = pod("kube-system", "coredns-559f6c778d-7xq2m", "coredns", "10.244.0.53");
    static final Endpoint POSTGRES = pod("matih-shared-infra", "postgres-0", "postgres", "10.244.0.20");
    static final Endpoint TENANT_MANAGER =
            pod("matih-control-plane", "tenant-manager-6d5f7c8b9d-k2x4p", "tenant-manager", "10.244.0.10");
    static final Endpoint ACME_INGRESS =
            pod("matih-ingress", "ingress-nginx-acme-corp-7f9c6b5d4-abcd1", "ingress-nginx", "10.244.9.1");
    static final Endpoint GLOBEX_INGRESS =
            pod("matih-ingress", "ingress-nginx-globex-7f9c6b5d4-abcd2", "ingress-nginx", null);
    static final Endpoint PAYMENTS = world("203.0.113.5");
    static final Endpoint OUTSIDE_RESOLVER = world("8.8.8.8");

    /** What the isolation model permits. */
    static final List<Flow> PERMITTED = List.of(
            flow(ACME_API, ACME_DB, Protocol.TCP, 5432, Observed.ALLOWED),
            flow(ACME_WORKER, ACME_API, Protocol.TCP, 8080, Observed.ALLOWED),
            flow(ACME_API, COREDNS, Protocol.UDP, 53, Observed.ALLOWED),
            flow(ACME_API, POSTGRES, Protocol.TCP, 5432, Observed.ALLOWED),
            flow(ACME_INGRESS, ACME_API, Protocol.TCP, 8080, Observed.ALLOWED),
            flow(TENANT_MANAGER, ACME_API, Protocol.TCP, 8080, Observed.ALLOWED),
            flow(ACME_API, PAYMENTS, Protocol.TCP, 443, Observed.ALLOWED));

    /** What it forbids. */
    static final List<Flow> FORBIDDEN = List.of(
            flow(ACME_API, OUTSIDE_RESOLVER, Protocol.UDP, 53, Observed.ALLOWED),
            flow(ACME_API, GLOBEX_DB, Protocol.TCP, 5432, Observed.DENIED),
            flow(GLOBEX_INGRESS, ACME_API, Protocol.TCP, 8080, Observed.DENIED));

    private RecordedConnections() {}

    /** A memory fed with every recorded connection, placed in this topology. */
    static RecentConnections remembered(Topology topology) {
        RecentConnections memory = new RecentConnections(1 << 22, 1 << 20);
        for (List<Flow> flows : List.of(PERMITTED, FORBIDDEN)) {
            for (Flow f : flows) {
                feed(memory, f, topology);
            }
        }
        return memory;
    }

    static void feed(RecentConnections memory, Flow f, Topology topology) {
        memory.observed(
                f, PartyResolver.resolve(f.source(), topology), PartyResolver.resolve(f.destination(), topology));
    }

    static Endpoint pod(String namespace, String pod, String workload, String ip) {
        return new Endpoint(EndpointKind.POD, namespace, pod, workload, ip, Map.of(), Map.of(), null);
    }

    static Endpoint world(String ip) {
        return new Endpoint(EndpointKind.WORLD, null, null, null, ip, Map.of(), Map.of(), null);
    }

    static Flow flow(Endpoint src, Endpoint dst, Protocol protocol, int port, Observed observed) {
        return flow(src, dst, protocol, port, observed, AT);
    }

    static Flow flow(Endpoint src, Endpoint dst, Protocol protocol, int port, Observed observed, Instant at) {
        return new Flow(
                SourceFormat.HUBBLE,
                at,
                at,
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
                ObservationSide.UNKNOWN);
    }
}
