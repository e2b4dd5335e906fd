package ai.matih.flowwatch.decode.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A bounded, lock-free memo from a byte range (the exact bytes of a JSON sub-document, such as a Hubble endpoint
 * object) to what was decoded from it. Flow logs repeat the same few thousand endpoint descriptions millions of
 * times; decoding each one once saves most of the decoding work.
 *
 * <p>Direct-mapped: a slot holds one immutable entry; a collision replaces it. Readers and writers race only on
 * which entry a slot holds, and every entry is complete when published (final fields), so no lock is needed.
 * A hit compares the whole byte range, never only its hash.
 *
 * @param <V> the decoded value (null is a valid value)
 */
public final class SliceCache<V> {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Object[] slots;
    private final int mask;
    private final int maxKeyBytes;

    /**
     * @param slots       number of slots, a power of two
     * @param maxKeyBytes longest byte range kept (longer ones are decoded every time)
     */
    public SliceCache(int slots, int maxKeyBytes) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.slots = new Object[slots];
        this.mask = slots - 1;
        this.maxKeyBytes = maxKeyBytes;
    }

    /**
     * The value decoded from {@code bytes[from, to)}: from the cache when the same bytes were decoded before,
     * otherwise from {@code decode} (which may throw; nothing is then cached).
     */
    public V get(byte[] bytes, int from, int to, Function<byte[], V> decode) {
        int length = to - from;
        if (length > maxKeyBytes) {
            return decode.apply(Arrays.copyOfRange(bytes, from, to));
        }
        int hash = hash(bytes, from, to);
        int slot = hash & mask;
        @SuppressWarnings("unchecked")
        Entry<V> entry = (Entry<V>) slots[slot];
        if (entry != null && entry.hash == hash && Arrays.equals(entry.key, 0, entry.key.length, bytes, from, to)) {
            return entry.value;
        }
        byte[] key = Arrays.copyOfRange(bytes, from, to);
        V value = decode.apply(key);
        slots[slot] = new Entry<>(key, hash, value);
        return value;
    }

    /** Two independent lanes of eight bytes (so the multiplications overlap) and an overlapping last word. */
    static int hash(byte[] b, int from, int to) {
        int length = to - from;
        long h1 = 0x9E3779B97F4A7C15L ^ length;
        long h2 = 0xC2B2AE3D27D4EB4FL;
        int i = from;
        for (; i + 16 <= to; i += 16) {
            h1 = (h1 ^ (long) LONGS.get(b, i)) * 0xBF58476D1CE4E5B9L;
            h2 = (h2 ^ (long) LONGS.get(b, i + 8)) * 0x94D049BB133111EBL;
            h1 ^= h1 >>> 31;
            h2 ^= h2 >>> 29;
        }
        if (length >= 8) {
            if (i + 8 <= to) {
                h1 = (h1 ^ (long) LONGS.get(b, i)) * 0xBF58476D1CE4E5B9L;
                h1 ^= h1 >>> 31;
            }
            h2 = (h2 ^ (long) LONGS.get(b, to - 8)) * 0x94D049BB133111EBL; // the last bytes, read again if need be
        } else {
            for (; i < to; i++) {
                h2 = (h2 ^ b[i]) * 0x94D049BB133111EBL;
            }
        }
        long h = (h1 ^ Long.rotateLeft(h2, 27)) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32));
    }

    private record Entry<V>(byte[] key, int hash, V value) {}
}
