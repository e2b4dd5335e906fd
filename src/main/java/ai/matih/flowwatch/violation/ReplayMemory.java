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
 * ({@link Part}); the most recent connection-attempt keys with the partition that counted each ({@link Credit}:
 * reports of one attempt from several reporters count once) and raw-record fingerprints (a re-produced record counts
 * once); and the attempts two writers both counted before either saw the other's write ({@link Retraction}). Written
 * with each violation to the violations topic (header {@value ViolationStore#REPLAY_HEADER}); mutated only under the
 * store's lock for its violation.
 *
 * <p>The two-writer race: the reports of one attempt (source side, destination side) land on partitions owned by two
 * instances, and each counts it before the other's write reaches it. Whoever first holds both writes sees the attempt
 * credited to two partitions and retracts the credit of the greater partition name, so every instance and every
 * rebuild, reading the writes in any order, converges on one count per attempt.
 */
final class ReplayMemory {

    private static final byte VERSION = 2;
    private static final byte VERSION_WITHOUT_CREDITS = 1;

    /**
     * What one input partition contributed.
     *
     * @param position     offset × 2^16 + ordinal of the document in the record, of the last record merged
     * @param count        connection attempts it added
     * @param observations raw records it added
     */
    record Part(long position, long count, long observations) {
    }

    /**
     * An attempt counted.
     *
     * @param connections the most attempts a report of it stood for
     * @param partition   the input partition whose {@link Part#count} holds it, or null (merged without one)
     */
    record Credit(long connections, String partition) {
    }

    /** An attempt that two partitions both counted: {@code partition}'s credit of it is taken back. */
    record Retraction(long attempt, String partition) {
    }

    private final Map<String, Part> parts = new HashMap<>();
    private final LinkedHashMap<Long, Credit> attempts;
    private final LinkedHashMap<Long, Boolean> fingerprints;
    private final LinkedHashMap<Retraction, Long> retractions;

    ReplayMemory(int capacity) {
        this.attempts = lru(capacity);
        this.fingerprints = lru(capacity);
        this.retractions = lru(capacity);
    }

    private static <K, V> LinkedHashMap<K, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
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
     * How many attempts a report from {@code partition} adds: 0 when another report of the same attempt(s) counted
     * them.
     */
    long attemptDelta(long attemptKey, long connections, String partition) {
        Credit seen = attempts.get(attemptKey);
        if (seen == null) {
            attempts.put(attemptKey, new Credit(connections, partition));
            return connections;
        }
        if (connections > seen.connections()) {
            attempts.put(attemptKey, new Credit(connections, seen.partition() == null ? partition : seen.partition()));
            return connections - seen.connections();
        }
        return 0;
    }

    void contributed(String partition, long position, long count, long observations) {
        if (partition == null) {
            return;
        }
        Part p = parts.get(partition);
        parts.put(partition, p == null ? new Part(position, count, observations)
                : new Part(Math.max(position, p.position()), p.count() + count, p.observations() + observations));
    }

    /**
     * What absorbing another writer's memory changed: whether a partition advanced, by how much the counts of the
     * partitions that advanced grew, how many attempts counted twice were taken back, and how many of those this
     * memory was the first to notice ({@code settled}, the others came with the other memory).
     */
    record Absorbed(boolean advanced, long count, long observations, long retracted, int settled) {

        boolean changed() {
            return advanced || retracted != 0;
        }
    }

    /**
     * Takes in what another writer (another instance, or this one before a restart) knew: per partition the more
     * advanced part, its attempts and fingerprints, and its retractions. An attempt it credited to a partition that
     * advanced here while this memory credited it to another partition was counted by both: the credit of the
     * greater partition name is retracted (once, whoever notices it first).
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
        for (Map.Entry<Retraction, Long> e : other.retractions.entrySet()) {
            retracted += retract(e.getKey(), e.getValue());
        }
        for (Map.Entry<Long, Credit> e : other.attempts.entrySet()) {
            Credit mine = attempts.get(e.getKey());
            Credit theirs = e.getValue();
            if (mine == null) {
                attempts.put(e.getKey(), theirs);
                continue;
            }
            long connections = Math.max(mine.connections(), theirs.connections());
            if (mine.partition() != null && theirs.partition() != null && !mine.partition().equals(theirs.partition())
                    && adopted.contains(theirs.partition())) {
                boolean mineFirst = mine.partition().compareTo(theirs.partition()) < 0;
                String loser = mineFirst ? theirs.partition() : mine.partition();
                long taken = retract(new Retraction(e.getKey(), loser),
                        Math.min(mine.connections(), theirs.connections()));
                retracted += taken;
                settled += taken > 0 ? 1 : 0;
                attempts.put(e.getKey(), new Credit(connections, mineFirst ? mine.partition() : theirs.partition()));
            } else {
                attempts.put(e.getKey(), new Credit(connections,
                        mine.partition() != null ? mine.partition() : theirs.partition()));
            }
        }
        other.fingerprints.keySet().forEach(this::remember);
        return new Absorbed(advanced, count, observations, retracted, settled);
    }

    /** Records a retraction; returns its amount, or 0 when it was recorded before. */
    private long retract(Retraction r, long amount) {
        if (retractions.get(r) != null) {
            return 0;
        }
        retractions.put(r, amount);
        return amount;
    }

    /** The binary form: parts, then the most recent {@code limit} attempts and fingerprints. */
    byte[] encode(int limit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + parts.size() * 40 + limit * 24);
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
            List<Map.Entry<Long, Credit>> a = newest(attempts, limit);
            out.writeInt(a.size());
            for (Map.Entry<Long, Credit> e : a) {
                out.writeLong(e.getKey());
                out.writeLong(e.getValue().connections());
                String partition = e.getValue().partition();
                out.writeInt(partition == null ? -1 : index.getOrDefault(partition, -1));
            }
            List<Map.Entry<Long, Boolean>> f = newest(fingerprints, limit);
            out.writeInt(f.size());
            for (Map.Entry<Long, Boolean> e : f) {
                out.writeLong(e.getKey());
            }
            List<Map.Entry<Retraction, Long>> r = newest(retractions, limit);
            out.writeInt(r.size());
            for (Map.Entry<Retraction, Long> e : r) {
                out.writeLong(e.getKey().attempt());
                out.writeUTF(e.getKey().partition());
                out.writeLong(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@link #encode}'s form; throws IllegalArgumentException when it is not one. */
    static ReplayMemory decode(byte[] data, int capacity) {
        ReplayMemory m = new ReplayMemory(capacity);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION && version != VERSION_WITHOUT_CREDITS) {
                throw new IllegalArgumentException("unknown replay memory version " + version);
            }
            int n = in.readInt();
            List<String> names = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                names.add(name);
                m.parts.put(name, new Part(in.readLong(), in.readLong(), in.readLong()));
            }
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                long key = in.readLong();
                long connections = in.readLong();
                String partition = null;
                if (version == VERSION) {
                    int p = in.readInt();
                    if (p < -1 || p >= names.size()) {
                        throw new IllegalArgumentException("replay memory credits an unknown partition " + p);
                    }
                    partition = p < 0 ? null : names.get(p);
                }
                m.attempts.put(key, new Credit(connections, partition));
            }
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                m.remember(in.readLong());
            }
            if (version == VERSION) {
                n = in.readInt();
                for (int i = 0; i < n; i++) {
                    m.retractions.put(new Retraction(in.readLong(), in.readUTF()), in.readLong());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated replay memory", e);
        }
        return m;
    }

    /** The last {@code limit} entries in access order (oldest of them first, so decoding keeps the order). */
    private static <K, V> List<Map.Entry<K, V>> newest(LinkedHashMap<K, V> map, int limit) {
        int skip = Math.max(0, map.size() - limit);
        List<Map.Entry<K, V>> out = new ArrayList<>(Math.min(limit, map.size()));
        Iterator<Map.Entry<K, V>> it = map.entrySet().iterator();
        for (int i = 0; it.hasNext(); i++) {
            Map.Entry<K, V> e = it.next();
            if (i >= skip) {
                out.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        return out;
    }
}
