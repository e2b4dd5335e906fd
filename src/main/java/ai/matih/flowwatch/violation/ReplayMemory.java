package ai.matih.flowwatch.violation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a violation remembers to stay replay-safe, also across restarts and rebalances: per input partition, the
 * position (offset and document ordinal) of the last record merged and what that partition contributed to the counts
 * ({@link Part}); the most recent connection-attempt keys (reports of one attempt from several reporters count once)
 * and raw-record fingerprints (a re-produced record counts once). Written with each violation to the violations
 * topic (header {@value ViolationStore#REPLAY_HEADER}); mutated only under the store's lock for its violation.
 */
final class ReplayMemory {

    private static final byte VERSION = 1;

    /**
     * What one input partition contributed.
     *
     * @param position     offset × 2^16 + ordinal of the document in the record, of the last record merged
     * @param count        connection attempts it added
     * @param observations raw records it added
     */
    record Part(long position, long count, long observations) {
    }

    private final Map<String, Part> parts = new HashMap<>();
    private final LinkedHashMap<Long, Long> attempts;
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

    /** How many attempts a report adds: 0 when another report of the same attempt(s) counted them. */
    long attemptDelta(long attemptKey, long connections) {
        Long seen = attempts.get(attemptKey);
        if (seen == null || connections > seen) {
            attempts.put(attemptKey, connections);
            return seen == null ? connections : connections - seen;
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
     * What absorbing another writer's memory changed: whether a partition advanced, and by how much the counts of
     * the partitions that advanced grew.
     */
    record Absorbed(boolean advanced, long count, long observations) {
    }

    /**
     * Takes in what another writer (another instance, or this one before a restart) knew: per partition the more
     * advanced part, and its attempts and fingerprints.
     */
    Absorbed absorb(ReplayMemory other) {
        boolean advanced = false;
        long count = 0;
        long observations = 0;
        for (Map.Entry<String, Part> e : other.parts.entrySet()) {
            Part mine = parts.get(e.getKey());
            Part theirs = e.getValue();
            if (mine == null || theirs.position() > mine.position()) {
                count += theirs.count() - (mine == null ? 0 : mine.count());
                observations += theirs.observations() - (mine == null ? 0 : mine.observations());
                parts.put(e.getKey(), theirs);
                advanced = true;
            }
        }
        other.attempts.forEach((k, v) -> attempts.merge(k, v, Math::max));
        other.fingerprints.keySet().forEach(this::remember);
        return new Absorbed(advanced, count, observations);
    }

    /** The binary form: parts, then the most recent {@code limit} attempts and fingerprints. */
    byte[] encode(int limit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + parts.size() * 40 + limit * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(parts.size());
            for (Map.Entry<String, Part> e : parts.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().position());
                out.writeLong(e.getValue().count());
                out.writeLong(e.getValue().observations());
            }
            List<Map.Entry<Long, Long>> a = newest(attempts, limit);
            out.writeInt(a.size());
            for (Map.Entry<Long, Long> e : a) {
                out.writeLong(e.getKey());
                out.writeLong(e.getValue());
            }
            List<Map.Entry<Long, Boolean>> f = newest(fingerprints, limit);
            out.writeInt(f.size());
            for (Map.Entry<Long, Boolean> e : f) {
                out.writeLong(e.getKey());
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
            if (in.readByte() != VERSION) {
                throw new IllegalArgumentException("unknown replay memory version");
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                m.parts.put(in.readUTF(), new Part(in.readLong(), in.readLong(), in.readLong()));
            }
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                m.attempts.put(in.readLong(), in.readLong());
            }
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                m.remember(in.readLong());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated replay memory", e);
        }
        return m;
    }

    /** The last {@code limit} entries in access order (oldest of them first, so decoding keeps the order). */
    private static <V> List<Map.Entry<Long, V>> newest(LinkedHashMap<Long, V> map, int limit) {
        int skip = Math.max(0, map.size() - limit);
        List<Map.Entry<Long, V>> out = new ArrayList<>(Math.min(limit, map.size()));
        Iterator<Map.Entry<Long, V>> it = map.entrySet().iterator();
        for (int i = 0; it.hasNext(); i++) {
            Map.Entry<Long, V> e = it.next();
            if (i >= skip) {
                out.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        return out;
    }
}
