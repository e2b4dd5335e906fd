package ai.matih.flowwatch.isolation;

import static ai.matih.flowwatch.isolation.RecordedConnections.ACME;
import static ai.matih.flowwatch.isolation.RecordedConnections.ACME_API;
import static ai.matih.flowwatch.isolation.RecordedConnections.ACME_DB;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.classify.PartyResolver;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.topology.Topology;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The memory of recent connections: one entry per distinct connection and tenant, bounded, oldest forgotten first. */
class RecentConnectionsTest {

    static final Topology DEMO = IsolationAuditTest.topology(IsolationAuditTest.DEMO);
    static final String INITECH = "matih-data-plane-initech";

    static Flow apiToDb(int port, Observed observed, Instant at) {
        return RecordedConnections.flow(ACME_API, ACME_DB, Protocol.TCP, port, observed, at);
    }

    @Test
    void replicasOfOneWorkloadAreOneConnectionWithTheLastVerdictAndSighting() {
        // Given
        RecentConnections memory = new RecentConnections(1 << 20, 1 << 16);
        Instant t0 = RecordedConnections.AT;
        Flow first = apiToDb(5432, Observed.ALLOWED, t0);
        Flow otherReplica = RecordedConnections.flow(
                new Endpoint(
                        EndpointKind.POD,
                        ACME,
                        "api-7d9f8c6b5-zzzzz",
                        "api",
                        "10.244.1.99",
                        Map.of("app", "api", "pod-template-hash", "7d9f8c6b5"),
                        Map.of(),
                        null),
                ACME_DB,
                Protocol.TCP,
                5432,
                Observed.DENIED,
                t0.plusSeconds(5));
        // When
        RecordedConnections.feed(memory, first, DEMO);
        RecordedConnections.feed(memory, otherReplica, DEMO);
        RecordedConnections.feed(memory, apiToDb(5433, Observed.DENIED, t0), DEMO);
        // Then
        List<RecentConnection> acme = memory.of("acme-corp");
        assertThat(acme).hasSize(2);
        RecentConnection c =
                acme.stream().filter(x -> x.port() == 5432).findFirst().orElseThrow();
        assertThat(c.observed()).isEqualTo(Observed.DENIED);
        assertThat(c.lastSeen()).isEqualTo(t0.plusSeconds(5));
        assertThat(memory.of("globex")).isEmpty();
    }

    @Test
    void aCrossTenantConnectionIsKeptForEachTenantAndPlatformTrafficForNone() {
        // Given
        RecentConnections memory = new RecentConnections(1 << 20, 1 << 16);
        // When
        RecordedConnections.feed(
                memory,
                RecordedConnections.flow(ACME_API, RecordedConnections.GLOBEX_DB, Protocol.TCP, 5432, Observed.DENIED),
                DEMO);
        RecordedConnections.feed(
                memory,
                RecordedConnections.flow(
                        RecordedConnections.TENANT_MANAGER,
                        RecordedConnections.POSTGRES,
                        Protocol.TCP,
                        5432,
                        Observed.ALLOWED),
                DEMO);
        // Then
        assertThat(memory.tenants()).containsExactly("acme-corp", "globex");
        assertThat(memory.size()).isEqualTo(2);
    }

    @Test
    void aTenantOverItsBoundForgetsItsOldestConnectionsFirstAndLeavesTheOthers() {
        // Given
        long tenantBound = 64 * 1024;
        RecentConnections memory = new RecentConnections(1 << 20, tenantBound);
        RecordedConnections.feed(
                memory,
                RecordedConnections.flow(
                        RecordedConnections.GLOBEX_DB,
                        RecordedConnections.POSTGRES,
                        Protocol.TCP,
                        5432,
                        Observed.ALLOWED),
                DEMO);
        // When: acme-corp sees ever new ports, each later than the one before
        for (int port = 1000; port < 1400; port++) {
            RecordedConnections.feed(
                    memory, apiToDb(port, Observed.DENIED, RecordedConnections.AT.plusSeconds(port)), DEMO);
        }
        // Then
        List<RecentConnection> acme = memory.of("acme-corp");
        assertThat(acme).isNotEmpty().hasSizeLessThan(400);
        assertThat(acme.get(0).port()).isEqualTo(1399);
        int oldestKept = acme.get(acme.size() - 1).port();
        assertThat(acme).extracting(RecentConnection::port).allMatch(p -> p >= oldestKept);
        assertThat(acme).hasSize(1400 - oldestKept);
        assertThat(memory.of("globex")).hasSize(1);
        assertThat(memory.bytes()).isLessThanOrEqualTo(tenantBound + 4096 + 2 * RecentConnections.TENANT_BYTES);
    }

    @Test
    void allTenantsOverTheOverallBoundForgetTheOldestConnectionsOfAny() {
        // Given
        long bound = 64 * 1024;
        RecentConnections memory = new RecentConnections(bound, 48 * 1024);
        Endpoint initechApi = RecordedConnections.pod(INITECH, "api-7d9f8c6b5-x3a2b", "api", "10.244.3.10");
        Endpoint initechDb = RecordedConnections.pod(INITECH, "db-0", "db", "10.244.3.12");
        // When: globex's connection is the oldest, then acme-corp's and initech's pile up
        RecordedConnections.feed(
                memory,
                RecordedConnections.flow(
                        RecordedConnections.GLOBEX_DB,
                        RecordedConnections.POSTGRES,
                        Protocol.TCP,
                        5432,
                        Observed.ALLOWED,
                        RecordedConnections.AT.minusSeconds(60)),
                DEMO);
        for (int port = 1000; port < 1100; port++) {
            Instant at = RecordedConnections.AT.plusSeconds(port);
            RecordedConnections.feed(memory, apiToDb(port, Observed.DENIED, at), DEMO);
            RecordedConnections.feed(
                    memory,
                    RecordedConnections.flow(initechApi, initechDb, Protocol.TCP, port, Observed.ALLOWED, at),
                    DEMO);
        }
        // Then
        assertThat(memory.bytes()).isLessThanOrEqualTo(bound);
        assertThat(memory.of("globex")).isEmpty();
        assertThat(memory.tenants()).containsExactly("acme-corp", "initech");
        assertThat(memory.of("acme-corp").get(0).port()).isEqualTo(1099);
        assertThat(memory.of("initech").get(0).port()).isEqualTo(1099);
    }

    @Test
    void nothingIsRememberedWithABoundOfZero() {
        // Given
        RecentConnections memory = new RecentConnections(0, 0);
        // When
        RecordedConnections.feed(memory, apiToDb(5432, Observed.ALLOWED, RecordedConnections.AT), DEMO);
        // Then
        assertThat(memory.size()).isZero();
        assertThat(memory.bytes()).isZero();
    }

    /** Prints the cost of a connection the memory already knows, for the record; asserts it allocates nothing. */
    @Test
    void aKnownConnectionCostsALookupAndAllocatesNothing() {
        // Given
        RecentConnections memory = new RecentConnections(1 << 20, 1 << 16);
        Flow flow = apiToDb(5432, Observed.ALLOWED, RecordedConnections.AT);
        Party source = PartyResolver.resolve(flow.source(), DEMO);
        Party destination = PartyResolver.resolve(flow.destination(), DEMO);
        memory.observed(flow, source, destination);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 2_000_000;
        for (int i = 0; i < n; i++) {
            memory.observed(flow, source, destination); // warm up
        }
        // When
        long allocated = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            memory.observed(flow, source, destination);
        }
        long nanos = System.nanoTime() - start;
        allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
        // Then
        System.out.printf(
                "RecentConnections.observed, known connection: %.1f ns/op, %.3f bytes/op allocated%n",
                (double) nanos / n, (double) allocated / n);
        assertThat(memory.size()).isEqualTo(1);
        assertThat((double) allocated / n).isLessThan(1.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("times")
    void givenTimes_whenOrderedOldestFirst_thenTheOrderIsAStableSortOfThem(String what, long[] times) {
        // When
        int[] order = RecentConnections.oldestFirst(times);

        // Then
        int[] expected = IntStream.range(0, times.length)
                .boxed()
                .sorted(Comparator.comparingLong(i -> times[i]))
                .mapToInt(Integer::intValue)
                .toArray();
        assertThat(order).containsExactly(expected);
    }

    static Stream<Arguments> times() {
        SplittableRandom random = new SplittableRandom(3);
        long now = 1_700_000_000_000L;
        long[] mixed = new long[5_000];
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = random.nextInt(10) == 0
                    ? random.nextLong(-62_135_596_800_000L, 253_402_300_799_000L) // years 1 to 9999
                    : now + random.nextInt(2_000);
        }
        long[] planted = new long[200]; // one record time far in the past, then recent times newest first
        planted[0] = -100_000_000_000_000_000L;
        for (int i = 1; i < planted.length; i++) {
            planted[i] = now + planted.length - i;
        }
        long[] many = new long[300_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = i == 7 ? -62_135_596_800_000L : now - random.nextInt(1_000_000);
        }
        return Stream.of(
                Arguments.of("none", new long[0]),
                Arguments.of("one", new long[] {now}),
                Arguments.of("ties, and times centuries apart", mixed),
                Arguments.of("one planted far in the past", planted),
                Arguments.of("the whole range of long", new long[] {-1, Long.MIN_VALUE, now, Long.MAX_VALUE, 0}),
                Arguments.of("300,000 with one from year 1", many));
    }
}
