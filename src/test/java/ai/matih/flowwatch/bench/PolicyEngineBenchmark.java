package ai.matih.flowwatch.bench;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.Connection;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.policy.PolicyResult;
import ai.matih.flowwatch.topology.PodInfo;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-flow cost of the NetworkPolicy engine as the cluster grows: {@code namespaces} tenant namespaces with 5
 * policies each (the seed's three plus two selector-heavy ones), 4 pods each; each invocation judges one of
 * 4,096 pre-built connections between random pods (60 % cross-namespace, 30 % same-namespace, 10 % external).
 * Run with {@code ./mvnw -Pbench}; the cost at 10,000 namespaces should stay within 2x of the cost at 10.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx2g"})
public class PolicyEngineBenchmark {

    @Param({"10", "1000", "10000"})
    int namespaces;

    /**
     * {@code active}: the flows run between the pods of 10 namespaces while the others only hold policies (what
     * "unrelated namespaces" means: the working set is the same at every size); {@code all}: the flows are spread
     * over every namespace (the working set grows with the cluster, so CPU caches miss more).
     */
    @Param({"active", "all"})
    String traffic;

    private PolicyEngine engine;
    private Connection[] connections;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<NetworkPolicy> policies = new ArrayList<>(namespaces * 5);
        Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
        List<PolicyEndpoint.Pod> pods = new ArrayList<>();
        for (int n = 0; n < namespaces; n++) {
            String ns = "matih-data-plane-t" + n;
            namespaceLabels.put(
                    ns,
                    Map.of(
                            "kubernetes.io/metadata.name",
                            ns,
                            "matih.ai/tenant",
                            "t" + n,
                            "tier",
                            n % 3 == 0 ? "gold" : "silver"));
            policies.addAll(policiesFor(ns, "t" + n));
            for (int p = 0; p < 4; p++) {
                String app = p % 2 == 0 ? "api" : "db";
                pods.add(new PolicyEndpoint.Pod(
                        ns,
                        app + "-" + p,
                        Map.of("app", app, "tier", "backend"),
                        namespaceLabels.get(ns),
                        List.of("10." + (n / 250) + "." + (n % 250) + "." + p),
                        false,
                        List.of(new PodInfo.ContainerPort("http", 8080, "TCP")),
                        "node-" + (n % 50)));
            }
        }
        namespaceLabels.put("matih-shared-infra", Map.of("matih.ai/role", "shared-infra"));
        engine = PolicyEngine.compile(policies, namespaceLabels, CniProfile.CONFORMANCE);
        Random random = new Random(42);
        connections = new Connection[4096];
        int spread = "all".equals(traffic) ? pods.size() : Math.min(pods.size(), 40);
        for (int i = 0; i < connections.length; i++) {
            PolicyEndpoint.Pod src = pods.get(random.nextInt(spread));
            PolicyEndpoint dst;
            int kind = random.nextInt(10);
            if (kind < 6) {
                dst = pods.get(random.nextInt(spread));
            } else if (kind < 9) {
                dst = pods.get((pods.indexOf(src) / 4) * 4 + random.nextInt(4));
            } else {
                dst = PolicyEndpoint.Address.external("93.184.216." + random.nextInt(250));
            }
            connections[i] = new Connection(src, dst, Protocol.TCP, random.nextBoolean() ? 8080 : 5432);
        }
    }

    @Benchmark
    public PolicyResult evaluate() {
        Connection c = connections[next++ & (connections.length - 1)];
        return engine.evaluate(c);
    }

    private static List<NetworkPolicy> policiesFor(String ns, String tenant) {
        return List.of(
                new NetworkPolicyBuilder()
                        .withNewMetadata()
                        .withName("default-deny-all")
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withNewPodSelector()
                        .endPodSelector()
                        .withPolicyTypes("Ingress", "Egress")
                        .endSpec()
                        .build(),
                new NetworkPolicyBuilder()
                        .withNewMetadata()
                        .withName("allow-ingress")
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withNewPodSelector()
                        .endPodSelector()
                        .withPolicyTypes("Ingress")
                        .addNewIngress()
                        .withFrom(new NetworkPolicyPeerBuilder()
                                .withNewPodSelector()
                                .endPodSelector()
                                .build())
                        .endIngress()
                        .addNewIngress()
                        .withFrom(new NetworkPolicyPeerBuilder()
                                .withNamespaceSelector(new LabelSelectorBuilder()
                                        .addToMatchLabels("matih.ai/role", "control-plane")
                                        .build())
                                .build())
                        .endIngress()
                        .endSpec()
                        .build(),
                new NetworkPolicyBuilder()
                        .withNewMetadata()
                        .withName("allow-egress")
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withNewPodSelector()
                        .endPodSelector()
                        .withPolicyTypes("Egress")
                        .addNewEgress()
                        .withTo(new NetworkPolicyPeerBuilder()
                                .withNewPodSelector()
                                .endPodSelector()
                                .build())
                        .endEgress()
                        .addNewEgress()
                        .withTo(new NetworkPolicyPeerBuilder()
                                .withNamespaceSelector(new LabelSelectorBuilder()
                                        .addToMatchLabels("matih.ai/role", "shared-infra")
                                        .build())
                                .build())
                        .endEgress()
                        .addNewEgress()
                        .withPorts(new NetworkPolicyPortBuilder()
                                .withPort(new IntOrString(53))
                                .withProtocol("UDP")
                                .build())
                        .endEgress()
                        .endSpec()
                        .build(),
                new NetworkPolicyBuilder()
                        .withNewMetadata()
                        .withName("db-from-api")
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withPodSelector(new LabelSelectorBuilder()
                                .addToMatchLabels("app", "db")
                                .build())
                        .addNewIngress()
                        .withFrom(new NetworkPolicyPeerBuilder()
                                .withPodSelector(new LabelSelectorBuilder()
                                        .addToMatchLabels("app", "api")
                                        .build())
                                .build())
                        .withPorts(new NetworkPolicyPortBuilder()
                                .withPort(new IntOrString("http"))
                                .build())
                        .endIngress()
                        .endSpec()
                        .build(),
                new NetworkPolicyBuilder()
                        .withNewMetadata()
                        .withName("gold-partners")
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withPodSelector(new LabelSelectorBuilder()
                                .addNewMatchExpression()
                                .withKey("tier")
                                .withOperator("In")
                                .withValues("backend", "frontend")
                                .endMatchExpression()
                                .build())
                        .addNewIngress()
                        .withFrom(new NetworkPolicyPeerBuilder()
                                .withNamespaceSelector(new LabelSelectorBuilder()
                                        .addToMatchLabels("tier", "gold")
                                        .build())
                                .withPodSelector(new LabelSelectorBuilder()
                                        .addNewMatchExpression()
                                        .withKey("app")
                                        .withOperator("NotIn")
                                        .withValues("db")
                                        .endMatchExpression()
                                        .build())
                                .build())
                        .endIngress()
                        .endSpec()
                        .build());
    }
}
