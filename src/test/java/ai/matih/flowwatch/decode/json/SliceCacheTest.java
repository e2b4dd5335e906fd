package ai.matih.flowwatch.decode.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SliceCacheTest {

    private final AtomicInteger decodes = new AtomicInteger();
    private final Function<byte[], String> decode = bytes -> {
        decodes.incrementAndGet();
        return new String(bytes, StandardCharsets.UTF_8);
    };

    @Test
    void givenTheSameBytesAtAnotherOffset_whenLookedUpAgain_thenTheyAreDecodedOnce() {
        SliceCache<String> cache = new SliceCache<>(64, 1024);
        byte[] a = bytes("xx{\"namespace\":\"red\"}yy");
        byte[] b = bytes("{\"namespace\":\"red\"}");
        assertThat(cache.get(a, 2, a.length - 2, decode)).isEqualTo("{\"namespace\":\"red\"}");
        assertThat(cache.get(b, 0, b.length, decode)).isEqualTo("{\"namespace\":\"red\"}");
        assertThat(decodes).hasValue(1);
    }

    @Test
    void givenAnyOneByteChangedAtAnyPosition_whenHashed_thenTheHashChanges() {
        // the hash reads words in two lanes and the last word again: every byte must still count
        for (int length = 1; length <= 48; length++) {
            byte[] base = new byte[length + 3];
            for (int i = 0; i < base.length; i++) {
                base[i] = (byte) ('a' + i % 26);
            }
            int original = SliceCache.hash(base, 3, base.length);
            for (int at = 3; at < base.length; at++) {
                byte[] changed = base.clone();
                changed[at] ^= 0x20;
                assertThat(SliceCache.hash(changed, 3, changed.length))
                        .as("length %d, byte %d", length, at - 3)
                        .isNotEqualTo(original);
            }
            byte[] shifted = new byte[length];
            System.arraycopy(base, 3, shifted, 0, length);
            assertThat(SliceCache.hash(shifted, 0, length))
                    .as("length %d at offset 0", length)
                    .isEqualTo(original);
        }
    }

    @Test
    void givenBytesThatDifferOrArePrefixes_whenLookedUp_thenEachIsDecodedFromItsOwnBytes() {
        SliceCache<String> cache = new SliceCache<>(1, 1024); // one slot: every key collides
        byte[] red = bytes("{\"ns\":\"red\"}");
        byte[] blue = bytes("{\"ns\":\"blu\"}");
        assertThat(cache.get(red, 0, red.length, decode)).isEqualTo("{\"ns\":\"red\"}");
        assertThat(cache.get(blue, 0, blue.length, decode)).isEqualTo("{\"ns\":\"blu\"}");
        assertThat(cache.get(red, 0, red.length - 1, decode)).isEqualTo("{\"ns\":\"red\"");
        assertThat(cache.get(red, 0, red.length, decode)).isEqualTo("{\"ns\":\"red\"}");
        assertThat(decodes).hasValue(4);
    }

    @Test
    void givenAKeyLongerThanTheLimit_whenLookedUpTwice_thenItIsDecodedBothTimesAndNotKept() {
        SliceCache<String> cache = new SliceCache<>(64, 8);
        byte[] longKey = bytes("0123456789");
        cache.get(longKey, 0, longKey.length, decode);
        cache.get(longKey, 0, longKey.length, decode);
        assertThat(decodes).hasValue(2);
    }

    @Test
    void givenADecoderThatFails_whenLookedUp_thenTheFailurePassesAndNothingIsCached() {
        SliceCache<String> cache = new SliceCache<>(64, 1024);
        byte[] bad = bytes("{bad");
        Function<byte[], String> failing = bytes -> {
            decodes.incrementAndGet();
            throw new IllegalArgumentException("not JSON");
        };
        assertThatThrownBy(() -> cache.get(bad, 0, bad.length, failing)).hasMessage("not JSON");
        assertThatThrownBy(() -> cache.get(bad, 0, bad.length, failing)).hasMessage("not JSON");
        assertThat(decodes).hasValue(2);
    }

    @Test
    void givenASlotCountThatIsNotAPowerOfTwo_whenCreated_thenItIsRefused() {
        assertThatThrownBy(() -> new SliceCache<String>(100, 1024)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
