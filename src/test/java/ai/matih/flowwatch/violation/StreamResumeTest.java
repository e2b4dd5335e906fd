package ai.matih.flowwatch.violation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A stream resumed after an event id: what was kept after it, in order, then live, with no gap and no duplicate. */
class StreamResumeTest {

    private static final int PER_THREAD = 4_000;
    private static final List<Violation> VIOLATIONS = ViolationStreamTest.violations(10);

    private final Set<String> stored =
            new HashSet<>(VIOLATIONS.stream().map(Violation::id).toList());
    private final ViolationStream stream = new ViolationStream("e1", 5, stored::contains);

    static List<Violation> changed(AssertSubscriber<StreamEvent> client) {
        return client.getItems().stream()
                .filter(StreamEvent.Change.class::isInstance)
                .map(e -> ((StreamEvent.Change) e).violation())
                .toList();
    }

    static List<String> ids(AssertSubscriber<StreamEvent> client) {
        return client.getItems().stream()
                .filter(StreamEvent.Change.class::isInstance)
                .map(e -> ((StreamEvent.Change) e).id())
                .toList();
    }

    /** The sequence numbers of the changes the client got, in the order it got them. */
    private List<Long> sequences(AssertSubscriber<StreamEvent> client) {
        return ids(client).stream().map(stream::sequence).toList();
    }

    private AssertSubscriber<StreamEvent> follow(String lastEventId) {
        StreamPosition after = lastEventId == null ? null : StreamPosition.parse(lastEventId);
        return stream.subscribe(ViolationFilter.ALL, after, null)
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
    }

    @Test
    void givenChangesAfterTheLastEventSeen_whenTheClientResumes_thenItGetsThemInOrderAndThenTheLiveOnes() {
        // Given a client that saw the first two changes before its connection dropped, and two changes since
        VIOLATIONS.subList(0, 4).forEach(v -> stream.changed(v, true));
        // When it resumes after the second, and one more change comes
        AssertSubscriber<StreamEvent> client = follow(stream.id(2));
        stream.changed(VIOLATIONS.get(4), true);
        // Then
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(sequences(client)).containsExactly(3L, 4L, 5L));
        assertThat(changed(client)).containsExactlyElementsOf(VIOLATIONS.subList(2, 5));
        assertThat(client.getItems()).noneMatch(StreamEvent.Gap.class::isInstance);
    }

    @Test
    void givenAViolationChangedTwiceSinceTheLastEventSeen_whenTheClientResumes_thenItGetsItsLatestChangeOnce() {
        // Given
        stream.changed(VIOLATIONS.get(0), true);
        stream.changed(VIOLATIONS.get(1), true);
        stream.changed(VIOLATIONS.get(0), false);
        // When
        AssertSubscriber<StreamEvent> client = follow(stream.id(1));
        // Then
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(sequences(client)).containsExactly(2L, 3L));
        assertThat(changed(client)).containsExactly(VIOLATIONS.get(1), VIOLATIONS.get(0));
    }

    static Stream<Arguments> lostPositions() {
        ViolationStream before = new ViolationStream("e0", 5, id -> true);
        ViolationStream sameEpochOtherKey = new ViolationStream("e1", 5, id -> true);
        return Stream.of(
                Arguments.of(before.id(3), "restarted"),
                Arguments.of(sameEpochOtherKey.id(3), "not issued by this stream"),
                Arguments.of("e1-" + "0".repeat(32), "not issued by this stream"),
                Arguments.of(null, "keeps"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lostPositions")
    void givenAnIdWhoseFollowingChangesAreNotAllKept_whenTheClientResumes_thenItIsToldAndGetsEveryKeptChange(
            String lastEventId, String why) {
        // Given seven changes, of which the stream keeps the last five
        VIOLATIONS.subList(0, 7).forEach(v -> stream.changed(v, true));
        String resumed = lastEventId == null ? stream.id(1) : lastEventId;
        // When
        AssertSubscriber<StreamEvent> client = follow(resumed);
        // Then: a notice first, then the five kept changes
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(client.getItems()).hasSize(6));
        assertThat(client.getItems().get(0)).isInstanceOfSatisfying(StreamEvent.Gap.class, g -> {
            assertThat(g.lastEventId()).isEqualTo(resumed);
            assertThat(g.detail()).contains(why);
        });
        assertThat(sequences(client)).containsExactly(3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void givenAViolationTheStoreNoLongerHolds_whenTheClientResumes_thenItsChangeIsNotSentAgain() {
        // Given
        VIOLATIONS.subList(0, 3).forEach(v -> stream.changed(v, true));
        stored.remove(VIOLATIONS.get(1).id());
        // When
        AssertSubscriber<StreamEvent> client = follow(stream.id(1));
        // Then
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(sequences(client)).containsExactly(3L));
    }

    @Test
    void givenAFilter_whenTheClientResumes_thenTheKeptChangesAreFilteredLikeTheLiveOnes() {
        // Given
        VIOLATIONS.subList(0, 3).forEach(v -> stream.changed(v, true));
        ViolationFilter nobody = ViolationFilter.tenant("nobody");
        // When
        AssertSubscriber<StreamEvent> client = stream.subscribe(nobody, StreamPosition.parse(stream.id(1)), null)
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        stream.changed(VIOLATIONS.get(3), true);
        // Then
        await().pollDelay(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(client.getItems()).isEmpty());
    }

    @Test
    void givenChangesArrivingWhileClientsResume_whenTheyCatchUp_thenEachSeesEveryLaterChangeExactlyOnceInOrder()
            throws Exception {
        // Given changes arriving from two threads, as from two input channels
        ViolationStream big = new ViolationStream("e1", 10_000, id -> true);
        ExecutorService producers = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 2; t++) {
            producers.submit(() -> {
                go.await();
                for (int i = 0; i < PER_THREAD; i++) {
                    big.changed(VIOLATIONS.get(i % VIOLATIONS.size()), false);
                }
                return null;
            });
        }
        go.countDown();
        // When clients resume after whatever id came last, while the changes go on
        Thread.sleep(1);
        AssertSubscriber<StreamEvent> first = big.subscribe(ViolationFilter.ALL, StreamPosition.parse(big.id(1)), null)
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        producers.shutdown();
        assertThat(producers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        // Then the ids only go up, and the client got the latest change of every violation
        int total = 2 * PER_THREAD;
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(ids(first)).last().isEqualTo(big.id(total)));
        List<Long> sequences = ids(first).stream().map(big::sequence).toList();
        assertThat(sequences).isSorted().doesNotHaveDuplicates();
        assertThat(first.getFailure()).isNull();
        AssertSubscriber<StreamEvent> latest = big.subscribe(ViolationFilter.ALL, StreamPosition.parse(big.id(1)), null)
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(ids(latest)).hasSize(VIOLATIONS.size()));
        assertThat(ids(first)).containsAll(ids(latest));
    }

    @Test
    void givenAHeartbeat_whenTheStreamIsQuiet_thenKeepAlivesArrive() {
        AssertSubscriber<StreamEvent> client = stream.subscribe(ViolationFilter.ALL, null, Duration.ofMillis(50))
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(client.getItems())
                        .hasSizeGreaterThanOrEqualTo(2)
                        .allMatch(StreamEvent.KeepAlive.class::isInstance));
        client.cancel();
    }

    static Stream<String> badIds() {
        String hex = "0123456789abcdef".repeat(2);
        return Stream.of(
                "",
                "e1",
                "e1-",
                "e1-3",
                "E1-" + hex,
                "e1--" + hex,
                "e1-" + hex + "0",
                "e1-" + hex.toUpperCase(Locale.ROOT),
                "a".repeat(14) + "-" + hex);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badIds")
    void aTextThatIsNotAnIdThisStreamIssuesIsRefused(String text) {
        assertThatThrownBy(() -> StreamPosition.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIdReadsBackAsItWasWrittenAndHidesItsNumber() {
        String id = stream.id(42);
        assertThat(StreamPosition.parse(id)).hasToString(id);
        assertThat(stream.sequence(id)).isEqualTo(42);
        assertThat(id).startsWith("e1-").doesNotEndWith("000000000000002a").isNotEqualTo(stream.id(43));
    }
}
