package ai.matih.flowwatch.violation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a violation remembers to stay replay-safe, also across restarts and rebalances: per input partition, the
 * position (offset and document ordinal) of the last record merged and what that partition contributed to the counts
 * ({@link Part}); the most recent connection-attempt keys, each with how many attempts it stands for and what each
 * partition added for it ({@link Attempt}: reports of one attempt from several reporters count once); and raw-record
 * fingerprints (a re-produced record counts once). Written with each violation to the violations topic (header
 * {@value ViolationStore#REPLAY_HEADER}); mutated only under the store's lock for its violation.
 *
 * <p>The two-writer race: the reports of one attempt (source side, destination side) land on partitions owned by two
 * instances, and each counts it before the other's write reaches it. Whoever holds both writes sees the attempt
 * credited by two partitions for more than it stands for, and takes the surplus back ({@link Attempt#retracted}).
 * Credits per partition only grow and are taken from the more advanced part, and the surplus is a function of
 * them, so every instance and every rebuild, reading the writes in any order, converges on one count per attempt.
 */
final class ReplayMemory {

    /**
     * Estimated heap bytes of one remembered attempt: its access-ordered map entry, boxed key, the {@link Attempt} and
     * a credits map of up to two partitions (the partition names are shared).
     */
    static final int ATTEMPT_BYTES = 184;
    /** Estimated heap bytes of one remembered fingerprint: its access-ordered map entry and boxed key. */
    static final int FINGERPRINT_BYTES = 80;

    private static final byte VERSION = 2;
    private static final byte VERSION_WITHOUT_CREDITS = 1;

    /**
     * What one input partition contributed.
     *
     * @param position     offset × 2^16 + ordinal of the document in the record, of the last record merged
     * @param count        connection attempts it added
     * @param observations raw records it added
     */
    record Part(long position, long count, long observations) {}

    /**
     * One connection attempt (or, for aggregated logs, the attempts of one report interval).
     *
     * @param connections the most attempts a report of it stood for: what it should count
     * @param credits     per input partition, what that partition's {@link Part#count} holds for it
     * @param retracted   how much of the credits' surplus over {@code connections} was taken back from the count
     */
    record Attempt(long connections, Map<String, Long> credits, long retracted) {

        long surplus() {
            long sum = 0;
            for (long c : credits.values()) {
                sum += c;
            }
            return Math.max(0, sum - connections);
        }
    }

    private final Map<String, Part> parts = new HashMap<>();
    private final LinkedHashMap<Long, Attempt> attempts;
    private final LinkedHashMap<Long, Boolean> fingerprints;

    ReplayMemory(int capacity) {
        this.attempts = lru(capacity);
        this.fingerprints = lru(capacity);
    }

    private static <V> LinkedHashMap<Long, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Estimated heap bytes of the remembered attempts and fingerprints: what {@link #trimTo} can give back (the memory
     * itself and its partition positions, a few per violation, are counted with the violation).
     */
    long bytes() {
        return (long) attempts.size() * ATTEMPT_BYTES + (long) fingerprints.size() * FINGERPRINT_BYTES;
    }

    /**
     * Forgets the least recently used attempts and fingerprints beyond {@code limit} of each (at least one of each is
     * kept). What is forgotten can no longer be recognised: a later report of a forgotten attempt from another
     * reporter, or a re-produced copy of a forgotten record on another partition, counts again. Redeliveries are still
     * recognised by the partition positions, which are never trimmed.
     *
     * @return how many entries were forgotten
     */
    int trimTo(int limit) {
        int keep = Math.max(1, limit);
        return trim(attempts, keep) + trim(fingerprints, keep);
    }

    private static int trim(LinkedHashMap<Long, ?> map, int keep) {
        int removed = 0;
        Iterator<Long> eldest = map.keySet().iterator();
        while (map.size() > keep && eldest.hasNext()) {
            eldest.next();
            eldest.remove();
            removed++;
        }
        return removed;
    }

    /** True when the partition's last merged position is at or past this one: a redelivered record. */
    boolean applied(String partition, long position) {
        Part p = partition == null ? null : parts.get(partition);
        return p != null && position <= p.position();
    }

    boolean seen(long fingerprint) {
        return fingerprints.get(fingerprint) != null;
    }

    void remember(long fingerprint) {
        fingerprints.put(fingerprint, Boolean.TRUE);
    }

    /**
     * How many attempts a report from {@code partition} (null: from no partition) adds: 0 when another report of the
     * same attempt(s) counted them.
     */
    long attemptDelta(long attemptKey, long connections, String partition) {
        Attempt seen = attempts.get(attemptKey);
        long before = seen == null ? 0 : seen.connections();
        if (connections <= before) {
            return 0;
        }
        long delta = connections - before;
        Map<String, Long> credits = seen == null ? Map.of() : seen.credits();
        if (partition != null) {
            credits = withCredit(credits, partition, credits.getOrDefault(partition, 0L) + delta);
        }
        attempts.put(attemptKey, new Attempt(connections, credits, seen == null ? 0 : seen.retracted()));
        return delta;
    }

    /** {@code credits} with {@code partition}'s credit set; compact (thousands are kept per violation). */
    private static Map<String, Long> withCredit(Map<String, Long> credits, String partition, long credit) {
        if (credits.isEmpty()) {
            return Map.of(partition, credit); // the common case
        }
        Map<String, Long> more = new HashMap<>(credits);
        more.put(partition, credit);
        return Map.copyOf(more);
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
        long retracted = 0;
        int settled = 0;
        for (Map.Entry<Long, Attempt> e : other.attempts.entrySet()) {
            Attempt mine = attempts.get(e.getKey());
            Attempt theirs = e.getValue();
            // only the credits of partitions taken over now are in this memory's counts (the others are its own)
            Map<String, Long> credits = mine == null ? Map.of() : mine.credits();
            for (Map.Entry<String, Long> c : theirs.credits().entrySet()) {
                if (adopted.contains(c.getKey()) && c.getValue() > credits.getOrDefault(c.getKey(), 0L)) {
                    credits = withCredit(credits, c.getKey(), c.getValue());
                }
            }
            long connections = Math.max(mine == null ? 0 : mine.connections(), theirs.connections());
            long taken = mine == null ? 0 : mine.retracted();
            Attempt merged = mine != null && credits == mine.credits() && connections == mine.connections()
                    ? mine
                    : new Attempt(connections, credits, taken);
            long surplus = merged.surplus();
            if (surplus > taken) {
                retracted += surplus - taken;
                settled++;
                merged = new Attempt(connections, credits, surplus);
            }
            if (merged != mine) {
                attempts.put(e.getKey(), merged);
            }
        }
        other.fingerprints.keySet().forEach(this::remember);
        return new Absorbed(advanced, count, observations, retracted, settled);
    }

    /** The binary form: parts, then the most recent {@code limit} attempts and fingerprints. */
    byte[] encode(int limit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + parts.size() * 40 + limit * 40);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
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
            int a = Math.min(limit, attempts.size());
            out.writeInt(a);
            int skip = attempts.size() - a;
            for (Map.Entry<Long, Attempt> e : attempts.entrySet()) {
                if (skip > 0) {
                    skip--; // older than the newest limit: iterated past, without copying (an LRU map has no tail)
                    continue;
                }
                Attempt attempt = e.getValue();
                out.writeLong(e.getKey());
                out.writeLong(attempt.connections());
                out.writeLong(attempt.retracted());
                int known = 0; // credits of partitions without a part are not written (nothing to read them against)
                for (String partition : attempt.credits().keySet()) {
                    known += index.containsKey(partition) ? 1 : 0;
                }
                out.writeInt(known);
                for (Map.Entry<String, Long> c : attempt.credits().entrySet()) {
                    Integer p = index.get(c.getKey());
                    if (p != null) {
                        out.writeInt(p);
                        out.writeLong(c.getValue());
                    }
                }
            }
            int f = Math.min(limit, fingerprints.size());
            out.writeInt(f);
            skip = fingerprints.size() - f;
            for (Long fingerprint : fingerprints.keySet()) {
                if (skip > 0) {
                    skip--;
                    continue;
                }
                out.writeLong(fingerprint);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@link #encode}'s form (or version 1's, without credits); throws IllegalArgumentException otherwise. */
    static ReplayMemory decode(byte[] data, int capacity) {
        ReplayMemory m = new ReplayMemory(capacity);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION && version != VERSION_WITHOUT_CREDITS) {
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
            for (int i = 0; i < n; i++) {
                long key = in.readLong();
                long connections = natural(in.readLong());
                if (version == VERSION_WITHOUT_CREDITS) {
                    m.attempts.put(key, new Attempt(connections, Map.of(), 0));
                    continue;
                }
                long retracted = natural(in.readLong());
                int k = count(in);
                Map<String, Long> credits = new HashMap<>();
                for (int j = 0; j < k; j++) {
                    int p = in.readInt();
                    if (p < 0 || p >= names.size()) {
                        throw new IllegalArgumentException("replay memory credits an unknown partition " + p);
                    }
                    credits.put(names.get(p), natural(in.readLong()));
                }
                m.attempts.put(key, new Attempt(connections, Map.copyOf(credits), retracted));
            }
            n = count(in);
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
