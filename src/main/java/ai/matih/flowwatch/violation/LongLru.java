package ai.matih.flowwatch.violation;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An access-ordered set of {@code long} keys, each in a slot of its own, held in primitive arrays: no object per entry.
 * The replay memory keeps thousands of attempt keys and record fingerprints per violation and hundreds of thousands in
 * all; as map entries, boxed keys and values they were most of the heap's objects, which the garbage collector copied
 * while they were young and traced on every marking cycle after. Here a violation's memory is a dozen arrays whatever
 * it holds, and writing a key into them makes no reference for the collector to follow.
 *
 * <p>Keys are found through an open-addressing table (linear probing, at most half full) hashed with a seed of its own,
 * so that keys an attacker chose cannot be made to collide. Slots are linked from the least to the most recently used;
 * {@link #touch} moves one to the most recent end. Callers keep what a key stands for in arrays of their own, indexed
 * by slot and as long as {@link #slots()}. Not thread-safe: the store uses a memory under its violation's lock.
 */
final class LongLru {

    private static final int NONE = -1;

    private final long seed = ThreadLocalRandom.current().nextLong();
    private long[] keys;
    private int[] older;
    private int[] newer;
    /** Slot + 1 per table position; 0 when free. */
    private int[] table;

    private int size;
    private int used; // slots handed out at least once; those below it and not in the list are in the free chain
    private int free = NONE;
    private int eldest = NONE;
    private int newest = NONE;

    /** @param slots the slots to start with, rounded up as {@link #slotsFor} does */
    LongLru(int slots) {
        int n = slotsFor(slots);
        keys = new long[n];
        older = new int[n];
        newer = new int[n];
        table = new int[tableSize(n)];
    }

    /** The slots arrays of at least {@code wanted} slots hold: the least power of two, at least 2. */
    static int slotsFor(int wanted) {
        return Integer.highestOneBit(Math.max(2, wanted) - 1) << 1;
    }

    int size() {
        return size;
    }

    /** Grows the arrays to hold {@code wanted} slots at once, instead of doubling as they fill (callers follow). */
    void reserve(int wanted) {
        int n = slotsFor(wanted);
        if (n > keys.length) {
            resize(n);
        }
    }

    /** How many slots the arrays hold: callers size theirs to this. */
    int slots() {
        return keys.length;
    }

    /** The key in a slot in use. */
    long key(int slot) {
        return keys[slot];
    }

    /** The slot of {@code key}, or -1; does not count as a use. */
    int find(long key) {
        int mask = table.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            int s = table[i] - 1;
            if (s < 0) {
                return NONE;
            }
            if (keys[s] == key) {
                return s;
            }
        }
    }

    /** Makes a slot in use the most recently used. */
    void touch(int slot) {
        if (slot == newest) {
            return;
        }
        unlink(slot);
        link(slot);
    }

    /**
     * Adds {@code key}, which must be absent, as the most recently used, and returns its slot. The arrays grow
     * (doubling) when every slot is in use: check {@link #slots()} afterwards.
     */
    int add(long key) {
        int slot;
        if (free != NONE) {
            slot = free;
            free = newer[slot];
        } else {
            if (used == keys.length) {
                resize(keys.length * 2);
            }
            slot = used++;
        }
        keys[slot] = key;
        link(slot);
        place(slot);
        size++;
        return slot;
    }

    /** The least recently used slot, or -1 when empty. */
    int eldest() {
        return eldest;
    }

    /** The eldest of the {@code n} most recently used slots (all when n is the size or more), or -1 when n is 0. */
    int newest(int n) {
        if (n <= 0 || size == 0) {
            return NONE;
        }
        if (n >= size) {
            return eldest;
        }
        int slot = newest; // walked back from the newest: a write persists the newest 256 of up to 4,096
        for (int step = 1; step < n; step++) {
            slot = older[slot];
        }
        return slot;
    }

    /** The slot used next after {@code slot} (towards the most recent), or -1 after the most recent. */
    int newer(int slot) {
        return newer[slot];
    }

    /** Forgets the key in a slot in use; the slot is handed out again by a later {@link #add}. */
    void remove(int slot) {
        unplace(slot);
        unlink(slot);
        newer[slot] = free;
        older[slot] = NONE;
        free = slot;
        size--;
    }

    /**
     * Renumbers the slots in use from 0, least recently used first, into arrays of the least power of two that holds
     * {@code slots} and the size (so that, as when they double, the hash table has two positions per slot and every
     * slot is needed); {@code moved} is told each move (old slot, new slot), in that order, so that callers carry their
     * arrays along: size theirs to {@link #slots()} afterwards.
     */
    void compact(int slots, SlotMove moved) {
        int n = slotsFor(Math.max(slots, size));
        long[] k = new long[n];
        int[] o = new int[n];
        int[] w = new int[n];
        int i = 0;
        for (int s = eldest; s != NONE; s = newer[s], i++) {
            k[i] = keys[s];
            o[i] = i - 1;
            w[i] = i + 1;
            moved.moved(s, i);
        }
        if (i > 0) {
            w[i - 1] = NONE;
        }
        keys = k;
        older = o;
        newer = w;
        used = size;
        free = NONE;
        eldest = size == 0 ? NONE : 0;
        newest = size - 1;
        rehash();
    }

    /** Told where a slot's entry went by {@link #compact}. */
    interface SlotMove {
        void moved(int from, int to);
    }

    private void resize(int n) {
        keys = Arrays.copyOf(keys, n);
        older = Arrays.copyOf(older, n);
        newer = Arrays.copyOf(newer, n);
        rehash();
    }

    private void rehash() {
        table = new int[tableSize(keys.length)];
        for (int s = eldest; s != NONE; s = newer[s]) {
            place(s);
        }
    }

    /* A power of two, at least twice the slots: twice exactly, since slots are a power of two. */
    private static int tableSize(int slots) {
        return Integer.highestOneBit(Math.max(2, slots) - 1) << 2;
    }

    private void place(int slot) {
        int mask = table.length - 1;
        int i = hash(keys[slot]) & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = slot + 1;
    }

    /* Linear probing's deletion: later entries of the probe run move back into the hole, so no tombstones. */
    private void unplace(int slot) {
        int mask = table.length - 1;
        int i = hash(keys[slot]) & mask;
        while (table[i] != slot + 1) {
            i = (i + 1) & mask;
        }
        int hole = i;
        for (int j = (hole + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
            int home = hash(keys[table[j] - 1]) & mask;
            // the entry at j may fill the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = 0;
    }

    private void link(int slot) {
        older[slot] = newest;
        newer[slot] = NONE;
        if (newest != NONE) {
            newer[newest] = slot;
        } else {
            eldest = slot;
        }
        newest = slot;
    }

    private void unlink(int slot) {
        int o = older[slot];
        int w = newer[slot];
        if (o != NONE) {
            newer[o] = w;
        } else {
            eldest = w;
        }
        if (w != NONE) {
            older[w] = o;
        } else {
            newest = o;
        }
    }

    /* MurmurHash3's 64-bit finaliser over the seeded key. */
    private int hash(long key) {
        long h = key ^ seed;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93fe53a4ce5L;
        h ^= h >>> 33;
        return (int) h;
    }
}
