package ai.matih.flowwatch.topology.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A standalone Kubernetes API server for trying flowwatch by hand: the fabric8 test server in CRUD mode, with
 * watches, on a port (default 18080), with the EgressException CRD, a tenant namespace and its default-deny policy.
 * Change it with any Kubernetes client pointed at it ({@code kubectl --server http://localhost:18080}). Run from the
 * test classpath: {@code java -cp target/test-classes:<test classpath> ai.matih.flowwatch.topology.kubernetes.MockApiServer}.
 */
public final class MockApiServer {

    private MockApiServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18080;
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        KubernetesClient client = server.createClient();
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .load(Path.of("deploy/kubernetes/base/egressexceptions.flowwatch.matih.ai.yaml")
                        .toFile())
                .create();
        client.namespaces()
                .resource(KubeObjects.namespace("matih-data-plane-acme-corp", Map.of("matih.ai/tenant", "acme-corp")))
                .create();
        client.network()
                .networkPolicies()
                .resource(KubeObjects.denyAll("matih-data-plane-acme-corp", "default-deny-all"))
                .create();
        System.out.println("Kubernetes test API server (CRUD, watches) at " + server.url("/"));
        Thread.currentThread().join();
    }
}
