package ai.matih.flowwatch.violation;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a violation remembers to stay replay-safe, also across restarts and rebalances: per input partition, the
 * position (offset and document ordinal) of the last record merged and what that partition contributed to the counts
 * ({@link Part}); the most recent connection-attempt keys, each with how many attempts it stands for and what each
 * partition added for it (reports of one attempt from several reporters count once); and raw-record fingerprints (a
 * re-produced record counts once). Attempts and fingerprints are kept in primitive arrays ({@link LongLru}), not as
 * objects: an attacker's distinct connections fill them by the thousand. Written with each violation to the
 * violations topic (header {@value ViolationStore#REPLAY_HEADER}); mutated only under the store's lock for its
 * violation.
 *
 * <p>The two-writer race: the reports of one attempt (source side, destination side) land on partitions owned by two
 * instances, and each counts it before the other's write reaches it. Whoever holds both writes sees the attempt
 * credited by two partitions for more than it stands for, and takes the surplus back (what it retracted).
 * Credits per partition only grow and are taken from the more advanced part, and the surplus is a function of
 * them, so every instance and every rebuild, reading the writes in any order, converges on one count per attempt.
 */
final class ReplayMemory {

    /**
     * Estimated heap bytes of one remembered attempt, at most: a slot holds its key, links and two hash-table
     * positions ({@link LongLru}, 24 bytes), the attempts it stands for, what was taken back and one partition's
     * credit (28 bytes), and the slots are a power of two, so at most twice the attempts (beyond the first two).
     */
    static final int ATTEMPT_BYTES = 104;
    /** Estimated heap bytes of one remembered fingerprint, at most: two slots of 24 bytes, as for attempts. */
    static final int FINGERPRINT_BYTES = 48;
    /** Estimated heap bytes of the credits of an attempt that two or more partitions credit (rare: two writers). */
    static final int SHARED_CREDITS_BYTES = 192;

    /** Attempts' numbers as variable-length integers (most are 0 or 1): half the bytes of version 2. */
    private static final byte VERSION = 3;
    /** Attempts' numbers as eight bytes each; still read. */
    private static final byte VERSION_FIXED = 2;

    private static final byte VERSION_WITHOUT_CREDITS = 1;
    private static final int INITIAL_SLOTS = 2;
    private static final int NO_PARTITION = -1;
    private static final int SEVERAL_PARTITIONS = -2;

    /**
     * What one input partition contributed.
     *
     * @param position     offset × 2^16 + ordinal of the document in the record, of the last record merged
     * @param count        connection attempts it added
     * @param observations raw records it added
     */
    record Part(long position, long count, long observations) {}

    private final int capacity;
    private final Map<String, Part> parts = new HashMap<>();
    /** Names of the partitions the attempts' credits refer to, by index (a few per violation). */
    private final List<String> partitions = new ArrayList<>(2);

    /*
     * The connection attempts (or, for aggregated logs, the attempts of one report interval), least recently used
     * first, and per slot: the most attempts a report of it stood for (what it should count), how much of the
     * credits' surplus over that was taken back from the count, and per input partition what that partition's
     * Part.count holds for it. One partition's credit is kept in creditPartition/credit; an attempt credited by
     * several (the two-writer race) has SEVERAL_PARTITIONS there and its credits in sharedCredits.
     */
    private final LongLru attempts = new LongLru(INITIAL_SLOTS);
    private long[] connections = new long[INITIAL_SLOTS];
    private long[] retracted = new long[INITIAL_SLOTS];
    private int[] creditPartition = new int[INITIAL_SLOTS];
    private long[] credit = new long[INITIAL_SLOTS];
    private final Map<Long, Map<String, Long>> sharedCredits = new HashMap<>(0);
    /** Raw-record fingerprints, least recently used first. */
    private final LongLru fingerprints = new LongLru(INITIAL_SLOTS);

    ReplayMemory(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /**
     * Estimated heap bytes of the remembered attempts and fingerprints: what {@link #trimTo} can give back (the memory
     * itself and its partition positions, a few per violation, are counted with the violation).
     */
    long bytes() {
        return (long) attempts.size() * ATTEMPT_BYTES
                + (long) fingerprints.size() * FINGERPRINT_BYTES
                + (long) sharedCredits.size() * SHARED_CREDITS_BYTES;
    }

    /**
     * Forgets the least recently used attempts and fingerprints beyond {@code limit} of each (at least one of each is
     * kept) and gives back the slots they held. What is forgotten can no longer be recognised: a later report of a
     * forgotten attempt from another reporter, or a re-produced copy of a forgotten record on another partition,
     * counts again. Redeliveries are still recognised by the partition positions, which are never trimmed.
     *
     * @return how many entries were forgotten
     */
    int trimTo(int limit) {
        int keep = Math.max(1, limit);
        int removed = 0;
        while (attempts.size() > keep) {
            forgetEldestAttempt();
            removed++;
        }
        while (fingerprints.size() > keep) {
            fingerprints.remove(fingerprints.eldest());
            removed++;
        }
        if (removed > 0) {
            compactAttempts();
            fingerprints.compact(fingerprints.size(), (from, to) -> {});
        }
        return removed;
    }

    /** True when the partition's last merged position is at or past this one: a redelivered record. */
    boolean applied(String partition, long position) {
        Part p = partition == null ? null : parts.get(partition);
        return p != null && position <= p.position();
    }

    /** True when a raw record with this fingerprint was remembered; counts as a use of it. */
    boolean seen(long fingerprint) {
        int slot = fingerprints.find(fingerprint);
        if (slot < 0) {
            return false;
        }
        fingerprints.touch(slot);
        return true;
    }

    /**
     * Remembers a raw record's fingerprint (as a use when it is remembered already).
     *
     * @return false when it was remembered already: the record was merged before
     */
    boolean remember(long fingerprint) {
        if (seen(fingerprint)) {
            return false;
        }
        if (fingerprints.size() >= capacity) {
            fingerprints.remove(fingerprints.eldest());
        }
        fingerprints.add(fingerprint);
        return true;
    }

    /**
     * How many attempts a report from {@code partition} (null: from no partition) adds: 0 when another report of the
     * same attempt(s) counted them.
     */
    long attemptDelta(long attemptKey, long reported, String partition) {
        int slot = attempts.find(attemptKey);
        long before = 0;
        if (slot >= 0) {
            attempts.touch(slot);
            before = connections[slot];
        }
        if (reported <= before) {
            return 0;
        }
        long delta = reported - before;
        if (slot < 0) {
            slot = addAttempt(attemptKey);
        }
        connections[slot] = reported;
        if (partition != null) {
            setCredit(slot, partition, credit(slot, partition) + delta);
        }
        return delta;
    }

    void contributed(String partition, long position, long count, long observations) {
        if (partition == null) {
            return;
        }
        Part p = parts.get(partition);
        parts.put(
                partition,
                p == null
                        ? new Part(position, count, observations)
                        : new Part(
                                Math.max(position, p.position()), p.count() + count, p.observations() + observations));
    }

    /**
     * What absorbing another writer's memory changed: whether a partition advanced, by how much the counts of the
     * partitions that advanced grew, how much of attempts counted twice was taken back, and for how many attempts.
     */
    record Absorbed(boolean advanced, long count, long observations, long retracted, int settled) {

        boolean changed() {
            return advanced || retracted != 0;
        }
    }

    /**
     * Takes in what another writer (another instance, or this one before a restart) knew: per partition the more
     * advanced part, with that partition's credits of its attempts, and its fingerprints. An attempt whose credits now
     * exceed what it stands for was counted by two writers: the surplus not yet taken back is.
     */
    Absorbed absorb(ReplayMemory other) {
        boolean advanced = false;
        long count = 0;
        long observations = 0;
        Set<String> adopted = new HashSet<>();
        for (Map.Entry<String, Part> e : other.parts.entrySet()) {
            Part mine = parts.get(e.getKey());
            Part theirs = e.getValue();
            if (mine == null || theirs.position() > mine.position()) {
                count += theirs.count() - (mine == null ? 0 : mine.count());
                observations += theirs.observations() - (mine == null ? 0 : mine.observations());
                parts.put(e.getKey(), theirs);
                adopted.add(e.getKey());
                advanced = true;
            }
        }
        long taken = 0;
        int settled = 0;
        for (int o = other.attempts.eldest(); o >= 0; o = other.attempts.newer(o)) {
            long key = other.attempts.key(o);
            int slot = attempts.find(key);
            if (slot >= 0) {
                attempts.touch(slot);
            }
            // only the credits of partitions taken over now are in this memory's counts (the others are its own)
            Map<String, Long> credits = slot < 0 ? Map.of() : credits(slot);
            boolean changed = slot < 0;
            for (Map.Entry<String, Long> c : other.credits(o).entrySet()) {
                if (adopted.contains(c.getKey()) && c.getValue() > credits.getOrDefault(c.getKey(), 0L)) {
                    credits = withCredit(credits, c.getKey(), c.getValue());
                    changed = true;
                }
            }
            long reported = Math.max(slot < 0 ? 0 : connections[slot], other.connections[o]);
            changed |= slot >= 0 && reported != connections[slot];
            long before = slot < 0 ? 0 : retracted[slot];
            long surplus = surplus(credits, reported);
            if (surplus > before) {
                taken += surplus - before;
                settled++;
                changed = true;
            }
            if (changed) {
                if (slot < 0) {
                    slot = addAttempt(key);
                }
                connections[slot] = reported;
                retracted[slot] = Math.max(before, surplus);
                setCredits(slot, credits);
            }
        }
        for (int f = other.fingerprints.eldest(); f >= 0; f = other.fingerprints.newer(f)) {
            remember(other.fingerprints.key(f));
        }
        return new Absorbed(advanced, count, observations, taken, settled);
    }

    /** The binary form: parts, then the most recent {@code newest} attempts and fingerprints. */
    byte[] encode(int newest) {
        int limit = Math.max(0, newest);
        BigEndianOutput out = BigEndianOutput.empty();
        out.writeByte(VERSION);
        out.writeInt(parts.size());
        Map<String, Integer> index = new HashMap<>();
        for (Map.Entry<String, Part> e : parts.entrySet()) {
            index.put(e.getKey(), index.size());
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().position());
            out.writeLong(e.getValue().count());
            out.writeLong(e.getValue().observations());
        }
        int[] known = new int[partitions.size()]; // per credited partition its part's index, or -1 (not written)
        for (int i = 0; i < known.length; i++) {
            known[i] = index.getOrDefault(partitions.get(i), -1);
        }
        int a = Math.min(limit, attempts.size());
        out.writeInt(a);
        for (int slot = attempts.newest(a); slot >= 0; slot = attempts.newer(slot)) {
            out.writeLong(attempts.key(slot));
            out.writeVarLong(connections[slot]);
            out.writeVarLong(retracted[slot]);
            int p = creditPartition[slot];
            if (p == SEVERAL_PARTITIONS) {
                writeShared(out, sharedCredits.get(attempts.key(slot)), index);
            } else if (p == NO_PARTITION || known[p] < 0) {
                // credits of partitions without a part are not written (nothing to read them against)
                out.writeVarLong(0);
            } else {
                out.writeVarLong(1);
                out.writeVarLong(known[p]);
                out.writeVarLong(credit[slot]);
            }
        }
        int f = Math.min(limit, fingerprints.size());
        out.writeInt(f);
        for (int slot = fingerprints.newest(f); slot >= 0; slot = fingerprints.newer(slot)) {
            out.writeLong(fingerprints.key(slot));
        }
        return out.toByteArray();
    }

    private static void writeShared(BigEndianOutput out, Map<String, Long> credits, Map<String, Integer> index) {
        int known = 0;
        for (String partition : credits.keySet()) {
            known += index.containsKey(partition) ? 1 : 0;
        }
        out.writeVarLong(known);
        for (Map.Entry<String, Long> c : credits.entrySet()) {
            Integer p = index.get(c.getKey());
            if (p != null) {
                out.writeVarLong(p);
                out.writeVarLong(c.getValue());
            }
        }
    }

    /** A new attempt, the most recently used, forgetting the least recently used one when the memory is full. */
    private int addAttempt(long key) {
        if (attempts.size() >= capacity) {
            forgetEldestAttempt();
        }
        int slot = attempts.add(key);
        if (attempts.slots() > connections.length) {
            int n = attempts.slots();
            connections = Arrays.copyOf(connections, n);
            retracted = Arrays.copyOf(retracted, n);
            creditPartition = Arrays.copyOf(creditPartition, n);
            credit = Arrays.copyOf(credit, n);
        }
        connections[slot] = 0;
        retracted[slot] = 0;
        creditPartition[slot] = NO_PARTITION;
        credit[slot] = 0;
        return slot;
    }

    private void forgetEldestAttempt() {
        int slot = attempts.eldest();
        if (creditPartition[slot] == SEVERAL_PARTITIONS) {
            sharedCredits.remove(attempts.key(slot));
        }
        attempts.remove(slot);
    }

    /** Renumbers the attempts' slots into arrays just large enough, carrying what each stands for along. */
    private void compactAttempts() {
        int slots = attempts.size();
        long[] c = new long[LongLru.slotsFor(slots)];
        long[] r = new long[c.length];
        int[] p = new int[c.length];
        long[] k = new long[c.length];
        attempts.compact(slots, (from, to) -> {
            c[to] = connections[from];
            r[to] = retracted[from];
            p[to] = creditPartition[from];
            k[to] = credit[from];
        });
        connections = c;
        retracted = r;
        creditPartition = p;
        credit = k;
    }

    /** What {@code partition} credited the attempt in {@code slot}. */
    private long credit(int slot, String partition) {
        int p = creditPartition[slot];
        if (p == SEVERAL_PARTITIONS) {
            return sharedCredits.get(attempts.key(slot)).getOrDefault(partition, 0L);
        }
        return p >= 0 && partitions.get(p).equals(partition) ? credit[slot] : 0;
    }

    /** Every partition's credit of the attempt in {@code slot}. */
    private Map<String, Long> credits(int slot) {
        int p = creditPartition[slot];
        if (p == SEVERAL_PARTITIONS) {
            return sharedCredits.get(attempts.key(slot));
        }
        return p == NO_PARTITION ? Map.of() : Map.of(partitions.get(p), credit[slot]);
    }

    private void setCredit(int slot, String partition, long value) {
        int p = creditPartition[slot];
        if (p == NO_PARTITION || (p >= 0 && partitions.get(p).equals(partition))) {
            creditPartition[slot] = partitionIndex(partition); // the common case: one partition credits it
            credit[slot] = value;
        } else {
            setCredits(slot, withCredit(credits(slot), partition, value));
        }
    }

    private void setCredits(int slot, Map<String, Long> credits) {
        long key = attempts.key(slot);
        if (credits.size() > 1) {
            creditPartition[slot] = SEVERAL_PARTITIONS;
            sharedCredits.put(key, credits);
            return;
        }
        if (creditPartition[slot] == SEVERAL_PARTITIONS) {
            sharedCredits.remove(key);
        }
        if (credits.isEmpty()) {
            creditPartition[slot] = NO_PARTITION;
            credit[slot] = 0;
        } else {
            Map.Entry<String, Long> only = credits.entrySet().iterator().next();
            creditPartition[slot] = partitionIndex(only.getKey());
            credit[slot] = only.getValue();
        }
    }

    private int partitionIndex(String partition) {
        for (int i = 0; i < partitions.size(); i++) {
            if (partitions.get(i).equals(partition)) {
                return i;
            }
        }
        partitions.add(partition);
        return partitions.size() - 1;
    }

    /** {@code credits} with {@code partition}'s credit set. */
    private static Map<String, Long> withCredit(Map<String, Long> credits, String partition, long value) {
        if (credits.isEmpty()) {
            return Map.of(partition, value);
        }
        Map<String, Long> more = new HashMap<>(credits);
        more.put(partition, value);
        return Map.copyOf(more);
    }

    /** How much the credits exceed what the attempt stands for. */
    private static long surplus(Map<String, Long> credits, long stands) {
        long sum = 0;
        for (long c : credits.values()) {
            sum += c;
        }
        return Math.max(0, sum - stands);
    }

    /** Reads {@link #encode}'s form (or version 1's, without credits); throws IllegalArgumentException otherwise. */
    static ReplayMemory decode(byte[] data, int capacity) {
        ReplayMemory m = new ReplayMemory(capacity);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION && version != VERSION_FIXED && version != VERSION_WITHOUT_CREDITS) {
                throw new IllegalArgumentException("unknown replay memory version " + version);
            }
            int n = count(in);
            List<String> names = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                names.add(name);
                m.parts.put(name, new Part(in.readLong(), natural(in.readLong()), natural(in.readLong())));
            }
            n = count(in);
            m.attempts.reserve(Math.min(n, capacity)); // the arrays sized once, not doubled from two
            for (int i = 0; i < n; i++) {
                long key = in.readLong();
                boolean compact = version == VERSION;
                long reported = natural(compact ? readVarLong(in) : in.readLong());
                long taken = 0;
                Map<String, Long> credits = Map.of();
                if (version != VERSION_WITHOUT_CREDITS) {
                    taken = natural(compact ? readVarLong(in) : in.readLong());
                    long k = compact ? readVarLong(in) : count(in);
                    if (k < 0) {
                        throw new IllegalArgumentException("negative count in replay memory: " + k);
                    }
                    Map<String, Long> read = new HashMap<>();
                    for (long j = 0; j < k; j++) {
                        long p = compact ? readVarLong(in) : in.readInt();
                        if (p < 0 || p >= names.size()) {
                            throw new IllegalArgumentException("replay memory credits an unknown partition " + p);
                        }
                        read.put(names.get((int) p), natural(compact ? readVarLong(in) : in.readLong()));
                    }
                    credits = read.isEmpty() ? Map.of() : Map.copyOf(read);
                }
                int slot = m.attempts.find(key);
                if (slot >= 0) {
                    m.attempts.touch(slot); // a key written twice: the later one stands, as a map's put would
                } else {
                    slot = m.addAttempt(key);
                }
                m.connections[slot] = reported;
                m.retracted[slot] = taken;
                m.setCredits(slot, credits);
            }
            n = count(in);
            m.fingerprints.reserve(Math.min(n, capacity));
            for (int i = 0; i < n; i++) {
                m.remember(in.readLong());
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("replay memory has " + in.available() + " bytes after its end");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated replay memory", e);
        }
        return m;
    }

    /** {@link BigEndianOutput#writeVarLong}'s form: seven bits a byte, least significant first, at most ten bytes. */
    static long readVarLong(DataInputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        int last = in.readUnsignedByte(); // the tenth byte holds the 64th bit only
        if (last > 1) {
            throw new IllegalArgumentException("malformed number in replay memory");
        }
        return v | (long) last << 63;
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IllegalArgumentException("negative count in replay memory: " + n);
        }
        return n;
    }

    private static long natural(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative number in replay memory: " + v);
        }
        return v;
    }
}
