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
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The store's durable form: what a restart or another instance reads back from the violations topic. */
class DurableViolationStoreTest {

    private static final Topology TOPOLOGY = TestTopologies.seed();
    private final FlowClassifier classifier = new FlowClassifier(new IntentDerivedPolicyAxis());
    private final ViolationFactory factory =
            new ViolationFactory(Duration.ofMinutes(15), Duration.ofMinutes(5), "matih.ai/tenant");

    private Draft draft(int sourcePort, String uuid, String point) {
        return draft(sourcePort, uuid, point, 1);
    }

    /** A report standing for {@code connections} attempts of one attempt key (aggregated logs). */
    private Draft draft(int sourcePort, String uuid, String point, long connections) {
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
        Flow flow = new Flow(
                SourceFormat.HUBBLE,
                NOW,
                NOW,
                src,
                dst,
                Protocol.TCP,
                5432,
                sourcePort,
                Observed.DENIED,
                Initiation.INITIATING,
                point,
                "worker-2",
                List.of(),
                "POLICY_DENIED",
                connections,
                uuid);
        return factory.flagged(flow, (Outcome.Flagged) classifier.classify(flow, TOPOLOGY));
    }

    private static void copy(ViolationStore from, ViolationStore to, String id) {
        from.withDurableForm(id, 256, (v, memory) -> to.restore(v, memory));
    }

    @Test
    void aStoreRecognisesItsOwnWritesAndNoOtherStoresNorARestartedOne() {
        // Given two stores (two instances, or one before and after a restart)
        ViolationStore one = new ViolationStore(100, 16);
        ViolationStore other = new ViolationStore(100, 16);
        // When / Then: each knows its own writer id, and only its own
        assertThat(one.wroteItself(one.writerId())).isTrue();
        assertThat(one.wroteItself(other.writerId())).isFalse();
        assertThat(other.wroteItself(one.writerId())).isFalse();
        assertThat(one.wroteItself(null)).isFalse();
        assertThat(one.wroteItself(new byte[0])).isFalse();
        // and the id handed out is a copy: changing it changes nothing
        byte[] copy = one.writerId();
        copy[0] ^= 1;
        assertThat(one.wroteItself(copy)).isFalse();
    }

    @Test
    void aRecordRedeliveredAfterARestartIsNotCountedAgain() {
        // Given an instance that merged two records of partition 0, wrote the violation, and died
        ViolationStore before = new ViolationStore(1000, 4096);
        Merge first = before.merge(draft(40000, "u1", "TO_ENDPOINT"), "hubble-flows:0", 10L << 16);
        before.merge(draft(40001, "u2", "TO_ENDPOINT"), "hubble-flows:0", 11L << 16);
        String id = first.violation().id();
        ViolationStore after = new ViolationStore(1000, 4096);
        copy(before, after, id);

        // When both records are consumed again, then the next one
        Merge replay1 = after.merge(draft(40000, "u1", "TO_ENDPOINT"), "hubble-flows:0", 10L << 16);
        Merge replay2 = after.merge(draft(40001, "u2", "TO_ENDPOINT"), "hubble-flows:0", 11L << 16);
        Merge next = after.merge(draft(40002, "u3", "TO_ENDPOINT"), "hubble-flows:0", 12L << 16);

        // Then
        assertThat(replay1.replay()).isTrue();
        assertThat(replay2.replay()).isTrue();
        assertThat(next.countDelta()).isEqualTo(1);
        assertThat(after.get(id).count()).isEqualTo(3);
        assertThat(after.get(id).observations()).isEqualTo(3);
    }

    @Test
    void theOtherReportOfAnAttemptAfterARestartDoesNotCountAgain() {
        // Given the first observation point's report merged before the restart
        ViolationStore before = new ViolationStore(1000, 4096);
        String id = before.merge(draft(40000, "u1", "FROM_ENDPOINT"), "hubble-flows:0", 10L << 16)
                .violation()
                .id();
        ViolationStore after = new ViolationStore(1000, 4096);
        copy(before, after, id);

        // When the second observation point's report of the same attempt comes after it
        Merge second = after.merge(draft(40000, "u2", "TO_ENDPOINT"), "hubble-flows:1", 3L << 16);

        // Then
        assertThat(second.countDelta()).isZero();
        assertThat(after.get(id).count()).isEqualTo(1);
        assertThat(after.get(id).observations()).isEqualTo(2);
    }

    @Test
    void writesOfTwoInstancesAddUpInAnyOrder() {
        // Given two instances, each owning one partition, and a reader of their writes
        ViolationStore a = new ViolationStore(1000, 4096);
        ViolationStore b = new ViolationStore(1000, 4096);
        String id = a.merge(draft(40000, "u1", "TO_ENDPOINT"), "hubble-flows:0", 1L << 16)
                .violation()
                .id();
        a.merge(draft(40001, "u2", "TO_ENDPOINT"), "hubble-flows:0", 2L << 16);
        b.merge(draft(40002, "u3", "TO_ENDPOINT"), "hubble-flows:1", 1L << 16);
        ViolationStore reader1 = new ViolationStore(1000, 4096);
        ViolationStore reader2 = new ViolationStore(1000, 4096);

        // When each reads the writes in another order, and its own again
        copy(a, reader1, id);
        copy(b, reader1, id);
        copy(b, reader2, id);
        copy(a, reader2, id);
        copy(a, reader2, id);
        copy(b, a, id);

        // Then
        assertThat(reader1.get(id).count()).isEqualTo(3);
        assertThat(reader2.get(id).count()).isEqualTo(3);
        assertThat(a.get(id).count()).isEqualTo(3);
        assertThat(reader2.get(id).observations()).isEqualTo(3);
    }

    /** What a reader of the violations topic holds after reading these writes in this order. */
    private static ViolationStore readerOf(String id, ViolationStore... writes) {
        ViolationStore reader = new ViolationStore(1000, 4096);
        for (ViolationStore w : writes) {
            copy(w, reader, id);
        }
        return reader;
    }

    /** A snapshot of a store's durable form of one violation, as one write on the violations topic. */
    private static ViolationStore write(ViolationStore from, String id) {
        return readerOf(id, from);
    }

    @Test
    void anAttemptBothInstancesCountedBeforeSeeingTheOtherCountsOnceEverywhere() {
        // Given the two reports of one attempt on partitions owned by two instances, each counted before either saw
        // the other's write, and a third attempt seen by instance a only
        ViolationStore a = new ViolationStore(1000, 4096);
        ViolationStore b = new ViolationStore(1000, 4096);
        String id = a.merge(draft(40000, "u1", "FROM_ENDPOINT"), "hubble-flows:0", 1L << 16)
                .violation()
                .id();
        b.merge(draft(40000, "u2", "TO_ENDPOINT"), "hubble-flows:1", 1L << 16);
        a.merge(draft(40001, "u3", "FROM_ENDPOINT"), "hubble-flows:0", 2L << 16);
        ViolationStore a1 = write(a, id);
        ViolationStore b1 = write(b, id);

        // When each instance reads the other's write, writes again, and readers take the writes in every order
        copy(b1, a, id);
        copy(a1, b, id);
        a.merge(draft(40002, "u4", "FROM_ENDPOINT"), "hubble-flows:0", 3L << 16);
        b.merge(draft(40003, "u5", "TO_ENDPOINT"), "hubble-flows:1", 2L << 16);
        ViolationStore a2 = write(a, id);
        ViolationStore b2 = write(b, id);
        copy(b2, a, id);
        copy(a2, b, id);
        List<ViolationStore> readers = List.of(
                readerOf(id, a1, b1, a2, b2),
                readerOf(id, b1, a1, b2, a2),
                readerOf(id, a2, b2),
                readerOf(id, b2, a2),
                readerOf(id, a2, b1, b2, a1),
                readerOf(id, b1, a2, b2),
                readerOf(id, a1, a2, b1, b2),
                readerOf(id, b2, b1, a1, a2));

        // Then the attempt counts once, its two reports are two observations, on both instances and every reader
        assertThat(a.get(id).count()).isEqualTo(4);
        assertThat(b.get(id).count()).isEqualTo(4);
        assertThat(a.get(id).observations()).isEqualTo(5);
        assertThat(b.get(id).observations()).isEqualTo(5);
        assertThat(readers).allSatisfy(r -> {
            assertThat(r.get(id).count()).isEqualTo(4);
            assertThat(r.get(id).observations()).isEqualTo(5);
        });
    }

    @Test
    void aRaceSettledOnceIsNotTakenBackAgainByLaterWrites() {
        // Given an attempt both instances counted, settled by instance a (which then wrote again)
        ViolationStore a = new ViolationStore(1000, 4096);
        ViolationStore b = new ViolationStore(1000, 4096);
        String id = a.merge(draft(40000, "u1", "FROM_ENDPOINT"), "hubble-flows:0", 1L << 16)
                .violation()
                .id();
        b.merge(draft(40000, "u2", "TO_ENDPOINT"), "hubble-flows:1", 1L << 16);
        copy(b, a, id);
        a.merge(draft(40001, "u3", "FROM_ENDPOINT"), "hubble-flows:0", 2L << 16);

        // When b, which has not yet read a's writes, counts more on its partition and the two exchange writes
        // several times
        b.merge(draft(40002, "u4", "TO_ENDPOINT"), "hubble-flows:1", 2L << 16);
        for (int i = 0; i < 3; i++) {
            copy(b, a, id);
            copy(a, b, id);
        }

        // Then
        assertThat(a.get(id).count()).isEqualTo(3);
        assertThat(b.get(id).count()).isEqualTo(3);
    }

    @Test
    void aReplayMemoryWrittenBeforeCreditsWereRecordedIsStillRead() {
        // Given the version-1 form (no credit partition per attempt, no retractions) of one attempt on partition 0
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(1);
            out.writeUTF("hubble-flows:0");
            out.writeLong(5L << 16);
            out.writeLong(1);
            out.writeLong(1);
            out.writeInt(1);
            out.writeLong(42L);
            out.writeLong(1);
            out.writeInt(1);
            out.writeLong(7L);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        // When it is decoded
        ReplayMemory memory = ReplayMemory.decode(bytes.toByteArray(), 16);

        // Then its partition position, attempt and fingerprint hold
        assertThat(memory.applied("hubble-flows:0", 5L << 16)).isTrue();
        assertThat(memory.attemptDelta(42L, 1, "hubble-flows:1")).isZero();
        assertThat(memory.seen(7L)).isTrue();
    }

    @Test
    void reportsStandingForDifferentNumbersOfAttemptsConvergeOnTheLargest() {
        // Given one attempt key reported for 1 attempt on partition 0 (instance a) and 3 on partition 1 (instance b)
        ViolationStore a = new ViolationStore(1000, 4096);
        ViolationStore b = new ViolationStore(1000, 4096);
        String id = a.merge(draft(40000, "u1", "FROM_ENDPOINT", 1), "hubble-flows:0", 1L << 16)
                .violation()
                .id();
        b.merge(draft(40000, "u2", "TO_ENDPOINT", 3), "hubble-flows:1", 1L << 16);
        ViolationStore a1 = write(a, id);
        ViolationStore b1 = write(b, id);

        // When b reads a's first write, a reports 2 for it before reading b's, and they exchange again
        copy(a1, b, id);
        a.merge(draft(40000, "u3", "FROM_ENDPOINT", 2), "hubble-flows:0", 2L << 16);
        ViolationStore a2 = write(a, id);
        copy(a2, b, id);
        copy(b1, a, id);
        ViolationStore b2 = write(b, id);
        copy(b2, a, id);
        copy(write(a, id), b, id);
        List<ViolationStore> readers = List.of(
                readerOf(id, a1, b1, a2, b2),
                readerOf(id, b1, a2, a1, b2),
                readerOf(id, a2, b2),
                readerOf(id, b2, a2),
                readerOf(id, b1, a1),
                readerOf(id, a1, a2, b1));

        // Then every instance and reader counts the largest report: 3 attempts
        assertThat(a.get(id).count()).isEqualTo(3);
        assertThat(b.get(id).count()).isEqualTo(3);
        assertThat(readers).allSatisfy(r -> assertThat(r.get(id).count()).isEqualTo(3));
    }

    static Stream<Arguments> malformedMemories() {
        return Stream.of(
                Arguments.of("unknown version", new byte[] {9}),
                Arguments.of("truncated", new byte[] {2, 0, 0}),
                Arguments.of("negative part count", new byte[] {2, -1, -1, -1, -1}),
                Arguments.of("negative attempt count", new byte[] {2, 0, 0, 0, 0, -1, -1, -1, -1}),
                Arguments.of("bytes after the end", new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7}),
                Arguments.of("credit of an unknown partition", new byte[] {
                    2, 0, 0, 0, 0, // no parts
                    0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // one credit, partition 0
                    0, 0, 0, 0
                }),
                Arguments.of("negative connections", new byte[] {
                    2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 42, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0,
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedMemories")
    void aMalformedReplayMemoryIsRejectedWithAnIllegalArgument(String what, byte[] bytes) {
        // When / Then
        Assertions.assertThatThrownBy(() -> ReplayMemory.decode(bytes, 16))
                .as(what)
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWellFormedEmptyMemoryDecodes() {
        // Given the encoded form with no parts, attempts or fingerprints; When / Then
        assertThat(ReplayMemory.decode(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 16)
                        .applied("p:0", 0))
                .isFalse();
    }
}
