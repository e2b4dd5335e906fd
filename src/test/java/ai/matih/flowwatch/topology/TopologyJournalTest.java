package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.kafka.TopicsConfig;
import ai.matih.flowwatch.testing.KafkaBroker;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Audit-learnt topology changes survive a restart through the compacted topology topic (the real test broker). */
class TopologyJournalTest {

    static final String ACME = "matih-data-plane-acme-corp";

    private final String topic = "flowwatch-topology-test-" + UUID.randomUUID();
    private final List<TopologyJournal> journals = new ArrayList<>();

    @AfterEach
    void stop() {
        journals.forEach(TopologyJournal::stop);
    }

    @Test
    void auditLearntChangesSurviveARestart() throws Exception {
        // Given a running flowwatch without API access that learnt a relabel and a new policy from the audit stream
        TopologyHolder first = holder(false);
        TopologyJournal firstJournal = journal(first, false);
        assertThat(firstJournal.awaitRestored(Duration.ofSeconds(60))).isTrue();
        Instant at = Instant.parse("2026-12-05T04:00:00Z");
        first.apply(new TopologyChange.NamespaceLabels(ACME, Map.of("matih.ai/tenant", "acme-corp"), at));
        first.apply(new TopologyChange.PolicyUpserted(
                new NetworkPolicyBuilder()
                        .withNewMetadata()
                        .withNamespace(ACME)
                        .withName("deny-all")
                        .endMetadata()
                        .withNewSpec()
                        .withNewPodSelector()
                        .endPodSelector()
                        .withPolicyTypes("Ingress")
                        .endSpec()
                        .build(),
                at.plusSeconds(1)));
        first.apply(new TopologyChange.NamespaceLabels(
                ACME, Map.of("matih.ai/tenant", "acme-corp", "tier", "gold"), at.plusSeconds(2)));
        await().atMost(Duration.ofSeconds(30)).until(() -> firstJournal.written() == 3);
        firstJournal.stop();

        // When it restarts: a new holder and journal on the same topic
        TopologyHolder second = holder(false);
        TopologyJournal secondJournal = journal(second, false);
        assertThat(new TopologyReadinessCheck(second, secondJournal)
                        .call()
                        .getStatus()
                        .name())
                .isIn("DOWN", "UP");
        assertThat(secondJournal.awaitRestored(Duration.ofSeconds(60))).isTrue();

        // Then the latest change of each object is known again, and readiness waited for it
        Topology t = second.current();
        assertThat(secondJournal.restoredChanges()).isEqualTo(2);
        assertThat(t.namespaces().get(ACME).tenant()).isEqualTo("acme-corp");
        assertThat(t.namespaces().get(ACME).labels()).containsEntry("tier", "gold");
        assertThat(t.networkPolicies())
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("deny-all");
        assertThat(new TopologyReadinessCheck(second, secondJournal)
                        .call()
                        .getStatus()
                        .name())
                .isEqualTo("UP");
    }

    @Test
    void withTheApiWatchedNothingIsWrittenOrRead() throws Exception {
        // Given flowwatch watching the Kubernetes API
        TopologyHolder holder = holder(true);
        TopologyJournal journal = journal(holder, true);

        // When a change is learnt from the audit stream
        holder.apply(new TopologyChange.NamespaceLabels(ACME, Map.of("matih.ai/tenant", "acme-corp"), Instant.now()));

        // Then the journal is done at once and writes nothing (a restart resyncs from the API)
        assertThat(journal.restored()).isTrue();
        assertThat(journal.written()).isZero();
    }

    @Test
    void changesRoundTripThroughTheirJson() {
        // Given one change of each kind
        Instant at = Instant.parse("2026-12-05T04:00:00Z");
        List<TopologyChange> changes = List.of(
                new TopologyChange.NamespaceLabels(ACME, Map.of("a", "b"), at, 42L),
                new TopologyChange.NamespaceDeleted(ACME, at),
                new TopologyChange.PolicyDeleted(ACME, "p", at));

        for (TopologyChange change : changes) {
            // When written and read back
            TopologyChange back = TopologyJournal.read(
                    TopologyJournal.toJson(change).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));

            // Then it is the same change
            assertThat(back).isEqualTo(change);
        }
        assertThat(TopologyJournal.read("not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isNull();
    }

    private TopologyHolder holder(boolean kubernetes) {
        Map<String, String> properties = new HashMap<>();
        properties.put("flowwatch.topology.kubernetes.enabled", Boolean.toString(kubernetes));
        TestConfig config = TestConfig.of(properties);
        TopologyHolder holder =
                new TopologyHolder(config.tenancy(), config.cluster(), config.topology(), new SimpleMeterRegistry());
        holder.start();
        return holder;
    }

    private TopologyJournal journal(TopologyHolder holder, boolean kubernetes) {
        Map<String, String> properties = new HashMap<>();
        properties.put("flowwatch.topology.kubernetes.enabled", Boolean.toString(kubernetes));
        TopologyJournal journal = new TopologyJournal(
                holder,
                TestConfig.of(properties).topology(),
                topics(),
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()));
        journals.add(journal);
        journal.start();
        return journal;
    }

    private TopicsConfig topics() {
        return new TopicsConfig() {
            @Override
            public String calico() {
                return "calico-flows";
            }

            @Override
            public String hubble() {
                return "hubble-flows";
            }

            @Override
            public String audit() {
                return "k8s-audit";
            }

            @Override
            public String dlq() {
                return "flowwatch-dlq";
            }

            @Override
            public String violations() {
                return "flowwatch-violations";
            }

            @Override
            public String topology() {
                return topic;
            }
        };
    }
}
