package ai.matih.flowwatch.violation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LongLruTest {

    @ParameterizedTest(name = "keys drawn from {0} values")
    @ValueSource(ints = {8, 64, 1000, 1_000_000})
    void givenRandomUses_whenComparedWithAnAccessOrderedMap_thenOrderMembershipAndSlotsAgree(int distinct) {
        // Given: the access-ordered map the replay memory used before, as the model
        SplittableRandom random = new SplittableRandom(distinct);
        LinkedHashMap<Long, Integer> model = new LinkedHashMap<>(16, 0.75f, true);
        LongLru lru = new LongLru(2);
        int bound = 300;

        // When: 50,000 finds, uses, adds (evicting the eldest at the bound), removals and compactions
        for (int step = 0; step < 50_000; step++) {
            long key = random.nextInt(distinct) * 0x9E3779B97F4A7C15L; // spread, and some collide in low bits
            int op = random.nextInt(100);
            int slot = lru.find(key);
            Integer expected = model.get(key); // a get is a use in the model
            assertThat(slot).isEqualTo(expected == null ? -1 : expected);
            if (slot >= 0 && op < 10) {
                lru.remove(slot);
                model.remove(key);
            } else if (slot >= 0) {
                lru.touch(slot);
            } else if (op < 97) {
                if (lru.size() >= bound) {
                    int eldest = lru.eldest();
                    assertThat(lru.key(eldest))
                            .isEqualTo(model.keySet().iterator().next());
                    model.remove(lru.key(eldest));
                    lru.remove(eldest);
                }
                model.put(key, lru.add(key));
            } else {
                Map<Integer, Integer> moves = new LinkedHashMap<>();
                lru.compact(lru.size() + random.nextInt(4), moves::put);
                model.replaceAll((k, s) -> moves.get(s));
            }

            // Then
            assertThat(lru.size()).isEqualTo(model.size());
        }
        assertThat(keysEldestFirst(lru)).containsExactlyElementsOf(model.keySet());
        model.forEach((k, s) -> assertThat(lru.find(k)).isEqualTo(s));
        assertThat(lru.slots()).isLessThanOrEqualTo(2 * bound).isEqualTo(Integer.highestOneBit(lru.slots()));
    }

    @Test
    void givenEveryKeyRemoved_whenKeysAreAddedAgain_thenFreedSlotsAreReusedBeforeTheArraysGrow() {
        // Given
        LongLru lru = new LongLru(4);
        for (long k = 0; k < 4; k++) {
            lru.add(k);
        }
        for (long k = 0; k < 4; k++) {
            lru.remove(lru.find(k));
        }

        // When
        for (long k = 10; k < 14; k++) {
            lru.add(k);
        }

        // Then
        assertThat(lru.slots()).isEqualTo(4);
        assertThat(keysEldestFirst(lru)).containsExactly(10L, 11L, 12L, 13L);
        assertThat(lru.find(0)).isEqualTo(-1);
    }

    @Test
    void givenAMemoryCompacted_whenItsSlotsAreRenumbered_thenTheyRunFromZeroEldestFirst() {
        // Given
        LongLru lru = new LongLru(2);
        for (long k = 0; k < 100; k++) {
            lru.add(k * 31);
        }
        for (long k = 0; k < 100; k += 2) {
            lru.remove(lru.find(k * 31));
        }
        lru.touch(lru.find(31));

        // When
        List<long[]> moves = new ArrayList<>();
        lru.compact(lru.size(), (from, to) -> moves.add(new long[] {from, to}));

        // Then: 64 slots, the least power of two for 50
        assertThat(lru.slots()).isEqualTo(64);
        assertThat(lru.key(0)).isEqualTo(3 * 31);
        assertThat(lru.key(49)).isEqualTo(31);
        assertThat(moves).extracting(m -> m[1]).containsExactlyElementsOf(range(50));
        assertThat(lru.find(99 * 31)).isEqualTo(48);
        assertThat(lru.key(lru.newest(1))).isEqualTo(31);
        assertThat(lru.newest(2)).isEqualTo(48);
        assertThat(lru.newest(0)).isEqualTo(-1);
        assertThat(lru.newest(500)).isEqualTo(lru.eldest());
    }

    private static List<Long> keysEldestFirst(LongLru lru) {
        List<Long> keys = new ArrayList<>();
        for (int s = lru.eldest(); s >= 0; s = lru.newer(s)) {
            keys.add(lru.key(s));
        }
        return keys;
    }

    private static List<Long> range(int n) {
        List<Long> r = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            r.add(i);
        }
        return r;
    }
}
