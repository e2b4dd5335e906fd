package ai.matih.flowwatch.violation;

import static ai.matih.flowwatch.testing.TestTopologies.ACME;
import static ai.matih.flowwatch.testing.TestTopologies.GLOBEX;
import static ai.matih.flowwatch.testing.TestTopologies.NOW;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The time and tenant indexes always hold exactly the stored violations, also under concurrent merges and evictions. */
class ViolationStoreIndexTest {

    private static final Topology TOPOLOGY = TestTopologies.seed();
    private static final long MIB = 1024 * 1024;
    private final FlowClassifier classifier = new FlowClassifier(new IntentDerivedPolicyAxis());
    private final ViolationFactory factory =
            new ViolationFactory(Duration.ofMinutes(15), Duration.ofMinutes(5), "matih.ai/tenant");

    @Test
    void shouldKeepOneCurrentEntryPerTenantAcrossUpdates() {
        // Given
        ViolationStore store = new ViolationStore(1000, 4096);
        Merge first = store.merge(draft(1, 1, NOW));

        // When: later reports of the same violation move it in the indexes
        for (int port = 2; port <= 5; port++) {
            store.merge(draft(1, port, NOW.plusSeconds(port)));
        }

        // Then
        Violation current = store.get(first.violation().id());
        assertThat(current.count()).isEqualTo(5);
        for (String tenant : List.of(
                first.violation().tenant(), first.violation().destination().tenant())) {
            assertThat(store.query(tenantFilter(tenant), 10, null).items())
                    .as(tenant)
                    .containsExactly(current);
        }
        assertThat(store.query(ViolationFilter.ALL, 10, null).items()).containsExactly(current);
    }

    @Test
    void shouldMoveTheTenantEntryOfAViolationReplacedWithOtherTenantsAtTheSamePosition() {
        // Given
        ViolationStore store = new ViolationStore(1000, 4096);
        Violation v = store.merge(draft(1, 1, NOW)).violation();
        String oldTenant = v.tenant();

        // When: the same id and lastSeen, another tenant
        Violation moved = withTenant(v, "initech");
        store.put(moved);

        // Then
        assertThat(store.query(tenantFilter("initech"), 10, null).items()).containsExactly(moved);
        assertThat(store.query(tenantFilter(oldTenant), 10, null).items())
                .as("the old tenant is still named by the destination only if it is the destination's")
                .allSatisfy(found -> assertThat(found).isEqualTo(moved));
        assertThat(store.query(tenantFilter(oldTenant), 10, null).items().isEmpty())
                .isEqualTo(!oldTenant.equals(moved.destination().tenant())
                        && !oldTenant.equals(moved.source().tenant()));
    }

    @Test
    void shouldDropATenantsEntriesWithItsLastViolation() {
        // Given
        ViolationStore store = new ViolationStore(1000, 4096);
        Violation v = store.merge(draft(1, 1, NOW)).violation();

        // When
        store.remove(v.id());

        // Then
        assertThat(store.query(tenantFilter(v.tenant()), 10, null).items()).isEmpty();
        assertThat(store.violationBytes()).isZero();
    }

    @Test
    void shouldIndexExactlyTheStoredViolationsUnderConcurrentMergesAndEvictions() throws Exception {
        // Given: 4 writers over 400 violations of one tenant pair, room for 100
        ViolationStore store =
                new ViolationStore(new ViolationStore.Limits(100, 256 * MIB, 64, 64 * MIB), new SimpleMeterRegistry());
        List<List<Draft>> work = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            List<Draft> drafts = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int v = 0; v < 100; v++) {
                    int violation = w * 100 + (v + round * 37) % 100;
                    drafts.add(draft(violation, 1_000 + round, NOW.plusSeconds(round * 100L + v)));
                }
            }
            work.add(drafts);
        }
        ExecutorService writers = Executors.newFixedThreadPool(4);

        // When
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (List<Draft> drafts : work) {
                done.add(CompletableFuture.runAsync(() -> drafts.forEach(store::merge), writers));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            writers.shutdownNow();
        }

        // Then
        List<Violation> all = store.query(ViolationFilter.ALL, 1_000, null).items();
        assertThat(all).hasSize(store.size()).hasSizeLessThanOrEqualTo(100);
        assertThat(all.stream().map(v -> store.get(v.id())).collect(Collectors.toList()))
                .isEqualTo(all);
        Violation any = all.get(0);
        for (String tenant : List.of(any.tenant(), any.destination().tenant())) {
            assertThat(store.query(tenantFilter(tenant), 1_000, null).items())
                    .as(tenant)
                    .containsExactlyElementsOf(all);
        }
    }

    private static ViolationFilter tenantFilter(String tenant) {
        return ViolationFilter.tenant(tenant);
    }

    private static Violation withTenant(Violation v, String tenant) {
        return v.toBuilder().tenant(tenant).build();
    }

    private Draft draft(int violation, int sourcePort, Instant at) {
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
                EndpointKind.POD,
                GLOBEX,
                "svc" + violation + "-0",
                "svc" + violation,
                "10.244.2." + (violation % 250),
                Map.of("app", "db"),
                Map.of(),
                null);
        Flow flow = new Flow(
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
                "drop",
                "worker-2",
                List.of(),
                "POLICY_DENIED",
                1,
                "u-" + violation + "-" + sourcePort);
        return factory.flagged(flow, (Outcome.Flagged) classifier.classify(flow, TOPOLOGY));
    }
}
