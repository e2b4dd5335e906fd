package ai.matih.flowwatch.violation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every violation gets into the store through the recorder: stored once, whole (with the change that explains it),
 * counted, told to the listeners and journaled; a replay changes nothing and is neither counted nor told.
 */
class ViolationRecorderTest {

    private static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");
    private static final String ACME = "matih-data-plane-acme-corp";
    private static final String GLOBEX = "matih-data-plane-globex";
    private static final String PARTITION = "hubble-flows:0";
    private static final AuditEvidence LABEL_CHANGE =
            new AuditEvidence("e1", "alice", "patch", "namespaces/" + GLOBEX, 200, "10.0.0.9", NOW.minusSeconds(30));

    private final ViolationStore store = new ViolationStore(1000, 4096);
    private final RecordingMeter meter = new RecordingMeter();
    private final RecordingListener listener = new RecordingListener();
    private final RecordingJournal journal = new RecordingJournal();
    private final AtomicInteger lookups = new AtomicInteger();
    private final ChangeEvidence changes = (source, destination, at) -> {
        lookups.incrementAndGet();
        return GLOBEX.equals(destination) && !at.isBefore(LABEL_CHANGE.at()) ? LABEL_CHANGE : null;
    };
    private final ViolationRecorder recorder =
            new ViolationRecorder(store, changes, meter, new ViolationListeners(List.of(listener)), journal);

    @Test
    void aNewFlowViolationIsStoredWithTheChangeThatExplainsItCountedToldAndJournaled() {
        // Given a label change of the destination's namespace 30 s before
        Draft draft = draft("v1", GLOBEX, 1, 101);

        // When
        Merge merge = recorder.record(draft, PARTITION, 10L << 16);

        // Then: what was stored is what was told, with its evidence from the first write
        Violation stored = store.get("v1");
        assertThat(merge.created()).isTrue();
        assertThat(stored).isSameAs(merge.violation());
        assertThat(stored.evidence().audit()).isEqualTo(LABEL_CHANGE);
        assertThat(stored.evidence().reporters()).containsExactly("TO_ENDPOINT");
        assertThat(stored.reason()).isEqualTo("cross-tenant (began 30 s after alice patch namespaces/" + GLOBEX + ")");
        assertThat(meter.counted).containsExactly("v1+1");
        assertThat(listener.told).containsExactly(new Told(stored, true));
        assertThat(journal.changed).containsExactly("v1");
        assertThat(lookups).hasValue(1);
    }

    @Test
    void aNewFlowViolationNoChangeExplainsKeepsItsReasonAndEvidence() {
        // Given no change of either namespace
        Draft draft = draft("v1", "matih-data-plane-initech", 1, 101);

        // When
        recorder.record(draft, PARTITION, 10L << 16);

        // Then
        Violation stored = store.get("v1");
        assertThat(stored.reason()).isEqualTo("cross-tenant");
        assertThat(stored.evidence().audit()).isNull();
        assertThat(listener.told).containsExactly(new Told(stored, true));
    }

    @Test
    void aReplayIsNeitherCountedNorToldNorJournaled() {
        // Given a report recorded once
        recorder.record(draft("v1", GLOBEX, 1, 101), PARTITION, 10L << 16);

        // When the same record is consumed again
        Merge replay = recorder.record(draft("v1", GLOBEX, 1, 101), PARTITION, 10L << 16);

        // Then
        assertThat(replay.replay()).isTrue();
        assertThat(meter.counted).containsExactly("v1+1");
        assertThat(listener.told).hasSize(1);
        assertThat(journal.changed).containsExactly("v1");
    }

    @Test
    void aLaterReportCountsItsNewAttemptsAndIsToldAsAChangeWithoutAskingForEvidenceAgain() {
        // Given
        recorder.record(draft("v1", GLOBEX, 1, 101), PARTITION, 10L << 16);

        // When another attempt of the same violation is reported
        Merge second = recorder.record(draft("v1", GLOBEX, 2, 102), PARTITION, 11L << 16);

        // Then
        assertThat(second.created()).isFalse();
        assertThat(second.violation().count()).isEqualTo(2);
        assertThat(second.violation().evidence().audit()).isEqualTo(LABEL_CHANGE);
        assertThat(meter.counted).containsExactly("v1+1", "v1+1");
        assertThat(listener.told).extracting(Told::created).containsExactly(true, false);
        assertThat(journal.changed).containsExactly("v1", "v1");
        assertThat(lookups).hasValue(1);
    }

    @Test
    void anAuditDetectionIsStoredCountedToldAndJournaledOnceThoughItsEventComesTwice() {
        // Given
        Violation detection = Violation.builder()
                .id("a1")
                .type(ViolationType.POLICY_TAMPERING)
                .severity(Severity.CRITICAL)
                .tenant("acme-corp")
                .reason("bob deleted default-deny-all")
                .sourceFormat("audit")
                .seen(NOW)
                .count(1)
                .observations(1)
                .evidence(Violation.Evidence.ofAudit(LABEL_CHANGE))
                .build();

        // When
        boolean first = recorder.detected(detection);
        boolean again =
                recorder.detected(detection.toBuilder().reason("replayed").build());

        // Then
        assertThat(first).isTrue();
        assertThat(again).isFalse();
        assertThat(store.get("a1")).isSameAs(detection);
        assertThat(meter.counted).containsExactly("a1+1");
        assertThat(listener.told).containsExactly(new Told(detection, true));
        assertThat(journal.changed).containsExactly("a1");
    }

    @ParameterizedTest(name = "cluster {0}: a new flow violation and an audit detection carry {0}")
    @NullSource
    @ValueSource(strings = {"eu-prod-1"})
    void everyNewViolationCarriesTheClusterName(String cluster) {
        // Given a recorder of a cluster named so (or not named)
        ViolationRecorder named = new ViolationRecorder(
                store, changes, meter, new ViolationListeners(List.of(listener)), journal, cluster);
        Violation detection = Violation.builder()
                .id("a1")
                .type(ViolationType.TOPOLOGY_DRIFT)
                .severity(Severity.WARNING)
                .tenant("acme-corp")
                .sourceFormat("audit")
                .seen(NOW)
                .count(1)
                .observations(1)
                .build();

        // When
        named.record(draft("v1", GLOBEX, 1, 101), PARTITION, 10L << 16);
        named.record(draft("v1", GLOBEX, 2, 102), PARTITION, 11L << 16);
        named.detected(detection);

        // Then: stored, told and kept through merges with the name
        assertThat(store.get("v1").cluster()).isEqualTo(cluster);
        assertThat(store.get("v1").count()).isEqualTo(2);
        assertThat(store.get("a1").cluster()).isEqualTo(cluster);
        assertThat(listener.told).extracting(t -> t.violation().cluster()).containsOnly(cluster);
    }

    @Test
    void aBatchIsJournaledThroughTheRecorder() {
        // Given
        recorder.begin();
        recorder.record(draft("v1", GLOBEX, 1, 101), PARTITION, 10L << 16);

        // When
        List<CompletableFuture<?>> writes = recorder.flush();

        // Then
        assertThat(journal.batches).isEqualTo(1);
        assertThat(writes).hasSize(1);
    }

    /** A report of one attempt from acme-corp's api to {@code destination}'s db. */
    private static Draft draft(String id, String destination, long attemptKey, long fingerprint) {
        Violation template = Violation.builder()
                .id(id)
                .type(ViolationType.ISOLATION_BREACH)
                .severity(Severity.CRITICAL)
                .category(Category.CROSS_TENANT)
                .tenant("acme-corp")
                .peerTenant("globex")
                .source(new EndpointView(ACME, "api", "api-0", "10.244.1.10", "acme-corp", "tenant", false, null))
                .destination(
                        new EndpointView(destination, "db", "db-0", "10.244.2.12", "globex", "tenant", false, null))
                .protocol("TCP")
                .port(5432)
                .observed("ALLOWED")
                .reason("cross-tenant")
                .sourceFormat("hubble")
                .seen(NOW)
                .evidence(new Violation.Evidence(null, List.of(), List.of("TO_ENDPOINT"), null, null))
                .build();
        return new Draft(template, NOW, attemptKey, 1, fingerprint, "TO_ENDPOINT");
    }

    private record Told(Violation violation, boolean created) {}

    private static final class RecordingListener implements ViolationListener {
        private final List<Told> told = new ArrayList<>();

        @Override
        public void changed(Violation violation, boolean created) {
            told.add(new Told(violation, created));
        }
    }

    private static final class RecordingMeter implements ViolationMeter {
        private final List<String> counted = new ArrayList<>();

        @Override
        public void counted(Violation violation, long attempts) {
            counted.add(violation.id() + "+" + attempts);
        }

        @Override
        public void writeSkipped(String reason) {
            counted.add("skipped " + reason);
        }
    }

    private static final class RecordingJournal implements ViolationJournal {
        private final List<String> changed = new ArrayList<>();
        private int batches;
        private boolean open;
        private final List<String> pending = new ArrayList<>();

        @Override
        public void begin() {
            open = true;
        }

        @Override
        public List<CompletableFuture<?>> flush() {
            batches++;
            open = false;
            List<CompletableFuture<?>> writes = pending.stream()
                    .distinct()
                    .<CompletableFuture<?>>map(id -> CompletableFuture.completedFuture(id))
                    .toList();
            pending.clear();
            return writes;
        }

        @Override
        public void changed(String id) {
            changed.add(id);
            if (open) {
                pending.add(id);
            }
        }
    }
}
