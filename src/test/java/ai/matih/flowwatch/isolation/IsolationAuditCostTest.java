package ai.matih.flowwatch.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.topology.Topology;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the audit costs, printed for the record (no timing assertion: the machine varies): the demo topology, and a
 * generated one of 1,000 tenant namespaces shaped like the seed (three pods, the seed's three policies and an
 * ingress-controller pod each).
 */
class IsolationAuditCostTest {

    static String generated(int tenants) {
        StringBuilder y = new StringBuilder();
        y.append(IsolationAuditTest.DEMO);
        for (int i = 0; i < tenants; i++) {
            String t = "t" + i;
            String ns = "matih-data-plane-" + t;
            y.append("\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ")
                    .append(ns)
                    .append("\n  labels:\n    matih.ai/tenant: ")
                    .append(t)
                    .append('\n');
            y.append("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ingress-nginx-")
                    .append(t)
                    .append("\n  namespace: matih-ingress\n  labels:\n    app: ingress-nginx\n    matih.ai/tenant: ")
                    .append(t)
                    .append("\nspec:\n  containers:\n    - name: main\n      ports:\n        - containerPort: 443\n")
                    .append("status:\n  podIP: ")
                    .append(ip(200, i))
                    .append('\n');
            String[][] pods = {{"api", "8080"}, {"worker", null}, {"db", "5432"}};
            for (int p = 0; p < pods.length; p++) {
                y.append("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ")
                        .append(pods[p][0])
                        .append("-0\n  namespace: ")
                        .append(ns)
                        .append("\n  labels:\n    app: ")
                        .append(pods[p][0])
                        .append("\nspec:\n  containers:\n    - name: main\n");
                if (pods[p][1] != null) {
                    y.append("      ports:\n        - containerPort: ")
                            .append(pods[p][1])
                            .append('\n');
                }
                y.append("status:\n  podIP: ").append(ip(100 + p, i)).append('\n');
            }
            String seed = IsolationAuditTest.DEMO.substring(
                    IsolationAuditTest.DEMO.indexOf("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
                            + "  name: default-deny-all\n  namespace: matih-data-plane-initech"),
                    IsolationAuditTest.DEMO.indexOf("---\n# acme-corp's declared egress exception"));
            y.append("---\n")
                    .append(seed.replace("matih-data-plane-initech", ns).replace("initech", t));
        }
        return y.toString();
    }

    private static String ip(int b, int i) {
        return "10." + b + "." + (i / 250) + "." + (i % 250 + 1);
    }

    @Test
    void theAuditOfTheDemoAndOfAThousandTenantsIsMeasured() {
        for (int tenants : new int[] {0, 1_000}) {
            // Given
            Topology topology = IsolationAuditTest.topology(generated(tenants));
            PolicyEngine engine = PolicyEngine.compile(topology, CniProfile.CONFORMANCE);
            // When
            long start = System.nanoTime();
            IsolationReport report = IsolationAudit.audit(topology, CniProfile.CONFORMANCE, Instant.now());
            long all = System.nanoTime() - start;
            Auditor auditor = new Auditor(topology, engine, Instant.now());
            start = System.nanoTime();
            TenantIsolation one = auditor.audit("acme-corp", List.of("matih-data-plane-acme-corp"));
            long single = System.nanoTime() - start;
            // Then
            System.out.printf(
                    "isolation audit: %d tenants, %d namespaces, %d policies, %d pods: all tenants %d ms, "
                            + "one tenant %d ms%n",
                    report.tenants().size(),
                    topology.namespaces().size(),
                    topology.networkPolicies().size(),
                    topology.podsByName().size(),
                    all / 1_000_000,
                    single / 1_000_000);
            assertThat(report.tenants()).hasSize(3 + tenants);
            assertThat(one.status()).isEqualTo(IsolationStatus.BREACHABLE);
            assertThat(report.tenants())
                    .allSatisfy(t -> assertThat(t.findings())
                            .filteredOn(f -> f.kind() == FindingKind.PERMITS_FORBIDDEN)
                            .singleElement()
                            .satisfies(f -> assertThat(f.peer().peerClass()).isEqualTo(PeerClass.EXTERNAL)));
        }
    }

    @Test
    void theContinuousRecomputeOfOneChangedTenantAndOfAllIsMeasured() {
        // Given 1,000 tenants audited once (both views), then a policy added in one tenant that reaches no other
        Topology all = IsolationAuditTest.topology(generated(1_000));
        Topology changed = IsolationAuditTest.topology(generated(1_000) + API_FROM_WORKER);
        // When the first recompute (cold: the JIT has not compiled the diff yet), then the steady state: the policy
        // removed and added again, twenty times, each a real change of one tenant
        long start = System.nanoTime();
        Audited first = Recompute.of(null, all, CniProfile.CONFORMANCE, Instant.now());
        long full = System.nanoTime() - start;
        Affected affected = TopologyDiff.between(all, changed);
        start = System.nanoTime();
        Audited next = Recompute.of(first, changed, CniProfile.CONFORMANCE, Instant.now());
        long cold = System.nanoTime() - start;
        long[] steady = new long[20];
        Audited last = next;
        for (int i = 0; i < steady.length; i++) {
            Topology to = i % 2 == 0 ? all : changed;
            start = System.nanoTime();
            last = Recompute.of(last, to, CniProfile.CONFORMANCE, Instant.now());
            steady[i] = System.nanoTime() - start;
        }
        Arrays.sort(steady);
        // Then
        System.out.printf(
                "isolation recompute: %d tenants, both views, from nothing %d ms; after a change in one tenant "
                        + "(%s) first %d ms, then over %d changes median %d ms, max %d ms%n",
                first.report().tenants().size(),
                full / 1_000_000,
                affected,
                cold / 1_000_000,
                steady.length,
                steady[steady.length / 2] / 1_000_000,
                steady[steady.length - 1] / 1_000_000);
        assertThat(affected).isEqualTo(new Affected.Some(java.util.Set.of("t5")));
        assertThat(next.views()).hasSize(1_003);
        assertThat(next.report().tenants()).hasSize(1_003);
        assertThat(next.report().tenant("t6")).isSameAs(first.report().tenant("t6"));
        assertThat(last.report().tenant("t6")).isSameAs(first.report().tenant("t6"));
        assertThat(last.report().tenant("t5")).isNotSameAs(next.report().tenant("t5"));
    }

    private static final String API_FROM_WORKER = "\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            + "metadata:\n  name: api-from-worker\n  namespace: matih-data-plane-t5\nspec:\n  podSelector:\n"
            + "    matchLabels:\n      app: api\n  policyTypes:\n    - Ingress\n  ingress:\n    - from:\n"
            + "        - podSelector:\n            matchLabels:\n              app: worker\n";
}
