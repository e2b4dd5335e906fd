package ai.matih.flowwatch.violation;

import static ai.matih.flowwatch.testing.TestTopologies.ACME;
import static ai.matih.flowwatch.testing.TestTopologies.GLOBEX;
import static ai.matih.flowwatch.testing.TestTopologies.NOW;
import static ai.matih.flowwatch.testing.TestTopologies.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.matih.flowwatch.classify.FlowClassifier;
import ai.matih.flowwatch.classify.Outcome;
import ai.matih.flowwatch.classify.ViolationFactory;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.testing.IntentDerivedPolicyAxis;
import ai.matih.flowwatch.testing.TestTopologies;
import ai.matih.flowwatch.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViolationStoreTest {

    private static final Topology TOPOLOGY = TestTopologies.seed();
    private final FlowClassifier classifier = new FlowClassifier(new IntentDerivedPolicyAxis());
    private final ViolationFactory factory =
            new ViolationFactory(Duration.ofMinutes(15), Duration.ofMinutes(5), "matih.ai/tenant");
    private final ViolationStore store = new ViolationStore(1000, 4096);

    private Merge report(Flow flow) {
        Outcome outcome = classifier.classify(flow, TOPOLOGY);
        assertThat(outcome).isInstanceOf(Outcome.Flagged.class);
        return store.merge(factory.flagged(flow, (Outcome.Flagged) outcome));
    }

    private static Flow hubble(int sourcePort, String uuid, String observationPoint, Instant at) {
        Endpoint src = new Endpoint(
                EndpointKind.POD,
                ACME,
                "api-7d9f8c6b5-x1a2b",
                "api",
                "10.244.1.10",
                Map.of("app", "api"),
                Map.of(),
                null);
        Endpoint dst = new Endpoint(
                EndpointKind.POD, GLOBEX, "db-0", "db", "10.244.2.12", Map.of("app", "db"), Map.of(), null);
        return new Flow(
                SourceFormat.HUBBLE,
                at,
                at,
                src,
                dst,
                Protocol.TCP,
                5432,
                sourcePort,
                Observed.DENIED,
                Initiation.INITIATING,
                observationPoint,
                "worker-2",
                List.of(),
                "POLICY_DENIED",
                1,
                uuid);
    }

    private static Flow calico(String reporter, String host, long started, Instant start) {
        Endpoint src = new Endpoint(EndpointKind.POD, ACME, null, "api", null, Map.of(), Map.of(), null);
        Endpoint dst = new Endpoint(EndpointKind.POD, GLOBEX, null, "db", null, Map.of(), Map.of(), null);
        return new Flow(
                SourceFormat.CALICO,
                start,
                start.plusSeconds(300),
                src,
                dst,
                Protocol.TCP,
                5432,
                -1,
                Observed.DENIED,
                Initiation.INITIATING,
                reporter,
                host,
                List.of("globex/default-deny-all"),
                null,
                started,
                null);
    }

    @Test
    void mergesTheSourceAndDestinationReportsOfOneConnection() {
        // Given
        Flow src = calico("src", "worker-1", 3, NOW);
        Flow dst = calico("dst", "worker-2", 3, NOW.plusSeconds(7));
        // When
        Merge first = report(src);
        Merge second = report(dst);
        // Then
        assertThat(first.created()).isTrue();
        assertThat(second.violation().id()).isEqualTo(first.violation().id());
        assertThat(second.violation().count()).isEqualTo(3);
        assertThat(second.violation().observations()).isEqualTo(2);
        assertThat(second.countDelta()).isZero();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void countsRetransmitsAndObservationPointsOfOneAttemptOnce() {
        // Given: a policy-verdict event, a drop and two retransmitted drops of the same SYN
        List<Flow> reports = List.of(
                hubble(44916, "u1", "policy-verdict", NOW),
                hubble(44916, "u2", "drop", NOW),
                hubble(44916, "u3", "drop", NOW.plusSeconds(1)),
                hubble(44916, "u4", "drop", NOW.plusSeconds(3)));
        // When
        reports.forEach(this::report);
        // Then
        Violation v = store.query(ViolationFilter.ALL, 10, null).items().get(0);
        assertThat(v.type()).isEqualTo(ViolationType.BLOCKED_ATTEMPT);
        assertThat(v.count()).isEqualTo(1);
        assertThat(v.observations()).isEqualTo(4);
        assertThat(v.firstSeen()).isEqualTo(NOW);
        assertThat(v.lastSeen()).isEqualTo(NOW.plusSeconds(3));
    }

    @Test
    void countsDistinctAttemptsSeparately() {
        // When
        report(hubble(44916, "u1", "drop", NOW));
        Merge second = report(hubble(44917, "u2", "drop", NOW.plusSeconds(10)));
        // Then
        assertThat(second.violation().count()).isEqualTo(2);
        assertThat(second.countDelta()).isEqualTo(1);
    }

    @Test
    void aReplayedRecordChangesNothing() {
        // Given
        Flow flow = hubble(44916, "u1", "drop", NOW);
        Merge first = report(flow);
        // When
        Merge replay = report(flow);
        // Then
        assertThat(replay.replay()).isTrue();
        assertThat(replay.violation()).isEqualTo(first.violation());
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void aReplayedCalicoRecordWithoutIdChangesNothing() {
        // Given
        Flow flow = calico("dst", "worker-2", 4, NOW);
        report(flow);
        // When
        Merge replay = report(calico("dst", "worker-2", 4, NOW));
        // Then
        assertThat(replay.replay()).isTrue();
        assertThat(replay.violation().count()).isEqualTo(4);
        assertThat(replay.violation().observations()).isEqualTo(1);
    }

    @Test
    void idsAreStableAcrossStoresAndDifferAcrossWindows() {
        // Given
        ViolationStore other = new ViolationStore(1000, 4096);
        Flow flow = hubble(44916, "u1", "drop", NOW);
        Flow later = hubble(44916, "u9", "drop", NOW.plus(Duration.ofMinutes(20)));
        // When
        String id = report(flow).violation().id();
        String sameElsewhere = other.merge(factory.flagged(flow, (Outcome.Flagged) classifier.classify(flow, TOPOLOGY)))
                .violation()
                .id();
        String nextWindow = report(later).violation().id();
        // Then
        assertThat(sameElsewhere).isEqualTo(id);
        assertThat(nextWindow).isNotEqualTo(id);
    }

    @Test
    void carriesTheEvidenceTheUserNeeds() {
        // When
        Violation v = report(hubble(44916, "u1", "drop", NOW)).violation();
        // Then
        assertThat(v.tenant()).isEqualTo("acme-corp");
        assertThat(v.peerTenant()).isEqualTo("globex");
        assertThat(v.source())
                .isEqualTo(new EndpointView(
                        ACME, "api", "api-7d9f8c6b5-x1a2b", "10.244.1.10", "acme-corp", "tenant", false, null));
        assertThat(v.destination().tenant()).isEqualTo("globex");
        assertThat(v.protocol()).isEqualTo("TCP");
        assertThat(v.port()).isEqualTo(5432);
        assertThat(v.observed()).isEqualTo("DENIED");
        assertThat(v.intent()).isEqualTo("FORBIDDEN");
        assertThat(v.policy()).isEqualTo("DENY");
        assertThat(v.reason()).contains("acme-corp → globex");
        assertThat(v.sourceFormat()).isEqualTo("hubble");
        assertThat(v.node()).isEqualTo("worker-2");
        assertThat(v.evidence().verdictDetail()).isEqualTo("POLICY_DENIED");
    }

    @Test
    void pagesNewestFirstWithACursorAndFilters() {
        // Given: 5 violations a minute apart, in different windows per destination workload
        for (int i = 0; i < 5; i++) {
            Endpoint dst = pod(GLOBEX, "svc" + i);
            Flow f = TestTopologies.flow(pod(ACME, "api"), dst, Protocol.TCP, 80, Observed.DENIED);
            Flow at = new Flow(
                    f.format(),
                    NOW.plusSeconds(60L * i),
                    null,
                    f.source(),
                    f.destination(),
                    f.protocol(),
                    f.port(),
                    1000 + i,
                    f.observed(),
                    f.initiation(),
                    null,
                    null,
                    List.of(),
                    null,
                    1,
                    null);
            report(at);
        }
        // When
        ViolationPage page1 = store.query(ViolationFilter.ALL, 2, null);
        ViolationPage page2 = store.query(ViolationFilter.ALL, 2, ViolationOrder.parseCursor(page1.nextCursor()));
        ViolationPage page3 = store.query(ViolationFilter.ALL, 2, ViolationOrder.parseCursor(page2.nextCursor()));
        ViolationPage forGlobex = store.query(ViolationFilter.tenant("globex"), 10, null);
        ViolationPage forOther = store.query(ViolationFilter.tenant("initech"), 10, null);
        ViolationPage since = store.query(
                ViolationFilter.of(Criterion.anyOf(FilterField.SINCE, new FilterValue.Time(NOW.plusSeconds(150)))),
                10,
                null);
        // Then
        assertThat(page1.items()).extracting(v -> v.destination().workload()).containsExactly("svc4", "svc3");
        assertThat(page2.items()).extracting(v -> v.destination().workload()).containsExactly("svc2", "svc1");
        assertThat(page3.items()).extracting(v -> v.destination().workload()).containsExactly("svc0");
        assertThat(page3.nextCursor()).isNull();
        assertThat(forGlobex.items()).hasSize(5);
        assertThat(forOther.items()).isEmpty();
        assertThat(since.items()).extracting(v -> v.destination().workload()).containsExactly("svc4", "svc3");
    }

    @Test
    void evictsTheOldestPastTheBound() {
        // Given
        ViolationStore small = new ViolationStore(3, 16);
        // When
        for (int i = 0; i < 5; i++) {
            Flow f = TestTopologies.flow(pod(ACME, "api"), pod(GLOBEX, "svc" + i), Protocol.TCP, 80, Observed.DENIED);
            Flow at = new Flow(
                    f.format(),
                    NOW.plusSeconds(i),
                    null,
                    f.source(),
                    f.destination(),
                    f.protocol(),
                    f.port(),
                    1000 + i,
                    f.observed(),
                    f.initiation(),
                    null,
                    null,
                    List.of(),
                    null,
                    1,
                    null);
            small.merge(factory.flagged(at, (Outcome.Flagged) classifier.classify(at, TOPOLOGY)));
        }
        // Then
        assertThat(small.size()).isEqualTo(3);
        assertThat(small.query(ViolationFilter.ALL, 10, null).items())
                .extracting(v -> v.destination().workload())
                .containsExactly("svc4", "svc3", "svc2");
    }

    @Test
    void rejectsCursorsItDidNotIssue() {
        assertThatThrownBy(() -> ViolationOrder.parseCursor("not-a-cursor!"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
