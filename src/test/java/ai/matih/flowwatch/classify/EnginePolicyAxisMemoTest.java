package ai.matih.flowwatch.classify;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.DecodeSink;
import ai.matih.flowwatch.decode.FlowFormat;
import ai.matih.flowwatch.decode.Formats;
import ai.matih.flowwatch.decode.RecordDecoder;
import ai.matih.flowwatch.decode.Rejection;
import ai.matih.flowwatch.demo.DemoRecords;
import ai.matih.flowwatch.demo.DemoTopics;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.PolicyDecision;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.topology.DnsSelector;
import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.ManifestLoader;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The memoised policy axis decides exactly as the engine does, flow by flow, and forgets a replaced snapshot. */
class EnginePolicyAxisMemoTest {

    private static final ManifestLoader LOADER = new ManifestLoader(
            TenancyRules.defaults(),
            List.of(EgressException.parseCidr("10.0.0.0/8")),
            DnsSelector.parse("kube-system/k8s-app=kube-dns"));

    @Test
    void shouldDecideAsTheEngineForEveryDemoFlow() {
        // Given
        Topology topology = LOADER.load("classpath:demo/topology.yaml").topology();
        List<Flow> flows = demoFlows(3000);
        EnginePolicyAxis memoised = new EnginePolicyAxis(CniProfile.CONFORMANCE);

        // When
        List<PolicyDecision> first = decide(memoised, flows, topology);
        List<PolicyDecision> again = decide(memoised, flows, topology);

        // Then
        List<PolicyDecision> direct = new ArrayList<>();
        for (Flow f : flows) {
            Party src = PartyResolver.resolve(f.source(), topology);
            Party dst = PartyResolver.resolve(f.destination(), topology);
            direct.add(new EnginePolicyAxis(CniProfile.CONFORMANCE)
                    .evaluate(f, src, dst, topology)
                    .toDecision());
        }
        assertThat(first).isEqualTo(direct);
        assertThat(again).isEqualTo(direct);
        assertThat(direct).extracting(PolicyDecision::verdict).contains(PolicyVerdict.ALLOW, PolicyVerdict.DENY);
    }

    @Test
    void shouldNotReuseDecisionsOfAReplacedSnapshot() {
        // Given
        Topology withPolicies = LOADER.load("classpath:demo/topology.yaml").topology();
        Topology without = new Topology(
                withPolicies.namespaces(),
                List.of(),
                withPolicies.podsByIp(),
                withPolicies.podsByName(),
                withPolicies.egressExceptions(),
                withPolicies.rules(),
                withPolicies.internalCidrs(),
                withPolicies.dnsNamespace(),
                withPolicies.dnsSelector(),
                withPolicies.loadedAt(),
                "test");
        List<Flow> flows = demoFlows(500);
        EnginePolicyAxis axis = new EnginePolicyAxis(CniProfile.CONFORMANCE);
        decide(axis, flows, withPolicies);

        // When
        List<PolicyDecision> after = decide(axis, flows, without);

        // Then
        assertThat(after).extracting(PolicyDecision::verdict).doesNotContain(PolicyVerdict.DENY);
    }

    private static List<PolicyDecision> decide(EnginePolicyAxis axis, List<Flow> flows, Topology topology) {
        List<PolicyDecision> out = new ArrayList<>();
        for (Flow f : flows) {
            Party src = PartyResolver.resolve(f.source(), topology);
            Party dst = PartyResolver.resolve(f.destination(), topology);
            out.add(axis.decide(f, src, dst, null, topology));
        }
        return out;
    }

    private static List<Flow> demoFlows(int connections) {
        DemoRecords demo = new DemoRecords(new Random(7), Clock.systemUTC());
        RecordDecoder decoder = new RecordDecoder();
        List<Flow> flows = new ArrayList<>();
        DecodeSink sink = new DecodeSink() {
            @Override
            public void flow(Flow flow) {
                flows.add(flow);
            }

            @Override
            public void audit(AuditEvent event) {}

            @Override
            public void skipped(String kind, long lostEvents) {}

            @Override
            public void rejected(Rejection rejection) {}
        };
        Random random = new Random(11);
        for (int i = 0; i < connections; i++) {
            for (DemoRecords.Output o : demo.nextConnection(random.nextInt(4) == 0)) {
                FlowFormat kind = DemoTopics.HUBBLE.equals(o.topic()) ? Formats.HUBBLE : Formats.CALICO;
                decoder.decode(kind, o.value().getBytes(StandardCharsets.UTF_8), sink);
            }
        }
        return flows;
    }
}
