package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pod index answers a lookup by namespace and name exactly as the map keyed {@code namespace/name} does. */
class PodIndexTest {

    private static final Map<String, PodInfo> PODS = Map.of(
            "red/web-1", pod("red", "web-1"),
            "red/db-0", pod("red", "db-0"),
            "blue/web-1", pod("blue", "web-1"),
            "odd/a/b", pod("odd", "a/b"),
            "noslash", pod("x", "noslash"));

    static Stream<Arguments> lookups() {
        return Stream.of(
                Arguments.of("red", "web-1"),
                Arguments.of("blue", "web-1"),
                Arguments.of("red", "db-0"),
                Arguments.of("blue", "db-0"),
                Arguments.of("green", "web-1"),
                Arguments.of("red", ""),
                Arguments.of("", "red/web-1"),
                Arguments.of("odd", "a/b"),
                Arguments.of("odd/a", "b"),
                Arguments.of("red/web-1", ""),
                Arguments.of("noslash", ""),
                Arguments.of("x", "noslash"));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("lookups")
    void givenPodsByKey_whenLookedUpByNamespaceAndName_thenTheAnswerIsTheKeyedMapsAnswer(
            String namespace, String name) {
        // Given
        PodIndex index = PodIndex.of(PODS);

        // When
        PodInfo found = index.get(namespace, name);

        // Then
        assertThat(found).isEqualTo(PODS.get(namespace + "/" + name));
    }

    @Test
    void givenAnIndex_whenUsedAsAMap_thenItEqualsTheMapItWasBuiltFromAndIsNotCopiedAgain() {
        // Given
        PodIndex index = PodIndex.of(new HashMap<>(PODS));

        // Then
        assertThat(index).isEqualTo(PODS).hasSameHashCodeAs(PODS).hasSize(5);
        assertThat(index.get("red/db-0")).isEqualTo(PODS.get("red/db-0"));
        assertThat(index.containsKey("noslash")).isTrue();
        assertThat(PodIndex.of(index)).isSameAs(index);
        assertThat(PodIndex.of(Map.of())).isEmpty();
    }

    @Test
    void givenALiveMapThatChangesWhileTheIndexIsBuilt_whenLookedUp_thenBothWaysGiveTheSameAnswer() {
        // Given a map that gains a pod after it has been read once (an informer thread adding it meanwhile)
        Map<String, PodInfo> live = new HashMap<>(PODS) {
            private int reads;

            @Override
            public Set<Map.Entry<String, PodInfo>> entrySet() {
                read();
                return super.entrySet();
            }

            @Override
            public void forEach(BiConsumer<? super String, ? super PodInfo> action) {
                read();
                super.forEach(action);
            }

            private void read() {
                if (++reads == 2) {
                    put("late/pod-9", pod("late", "pod-9"));
                }
            }
        };

        // When
        PodIndex index = PodIndex.of(live);

        // Then the lookup by namespace and name and the map agree, whichever read they saw
        assertThat(index.get("late", "pod-9")).isEqualTo(index.get("late/pod-9"));
        assertThat(index.get("red", "web-1")).isEqualTo(index.get("red/web-1")).isNotNull();
    }

    @Test
    void givenAnIndex_whenChanged_thenItRefuses() {
        PodIndex index = PodIndex.of(PODS);

        assertThatThrownBy(() -> index.put("red/new", pod("red", "new")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> index.remove("red/web-1")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(index.get("red", "web-1")).isNotNull();
    }

    private static PodInfo pod(String namespace, String name) {
        return new PodInfo(namespace, name, Map.of("app", name), List.of("10.0.0.1"), "node-a", false, List.of());
    }
}
