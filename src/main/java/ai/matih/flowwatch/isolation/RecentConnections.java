package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.ConnectionMemory;
import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded per-tenant memory of the distinct connections observed recently, fed by the classifier: a connection is
 * kept once per tenant at one of its ends, identified by both ends as placed (kind, namespace, pod labels, workload,
 * or address outside a namespace), protocol and port, with when it was last seen and what the CNI last did with it.
 *
 * <p>Bounded by estimated heap bytes overall ({@code flowwatch.impact.memory-bytes}) and per tenant
 * ({@code flowwatch.impact.memory-tenant-bytes}); past either, the connections seen longest ago are forgotten first,
 * down to three quarters of the bound. A connection it already knows costs a lookup with a per-thread probe key and
 * two volatile writes: no allocation and no lock beyond the concurrent map's; only a new connection allocates, and only
 * an eviction locks.
 */
@Singleton
public class RecentConnections implements ConnectionMemory {

    /** Estimated heap of one remembered connection beyond its texts: entry, key, map node, endpoint records. */
    static final int ENTRY_BYTES = 320;
    /** Estimated heap of one tenant's map. */
    static final int TENANT_BYTES = 256;

    private static final int LABEL_BYTES = 48;
    private static final int TEXT_BYTES = 40;
    private static final ThreadLocal<Key> PROBES = ThreadLocal.withInitial(Key::new);
    private static final Comparator<Seen> OLDEST_FIRST = Comparator.comparingLong(s -> s.lastSeen);

    private final long budget;
    private final long tenantBudget;
    private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    @Inject
    public RecentConnections(ImpactConfig config) {
        this(config.memoryBytes(), config.memoryTenantBytes());
    }

    /**
     * @param budget       the most estimated bytes held for all tenants
     * @param tenantBudget the most estimated bytes held for one tenant
     */
    public RecentConnections(long budget, long tenantBudget) {
        if (budget < 0 || tenantBudget < 0) {
            throw new IllegalArgumentException("flowwatch.impact.memory-bytes and memory-tenant-bytes must not be"
                    + " negative: " + budget + ", " + tenantBudget);
        }
        this.budget = budget;
        this.tenantBudget = Math.min(budget, tenantBudget);
    }

    @Override
    public void observed(Flow flow, Party source, Party destination) {
        if (tenantBudget == 0 || flow.observed() == Observed.UNKNOWN) {
            return;
        }
        String a = source.kind() == Party.Kind.TENANT ? source.tenant() : null;
        String b = destination.kind() == Party.Kind.TENANT ? destination.tenant() : null;
        if (a == null && b == null) {
            return;
        }
        try {
            Key probe = PROBES.get().set(flow, source, destination);
            if (a != null) {
                remember(a, probe, flow, source, destination);
            }
            if (b != null && !b.equals(a)) {
                remember(b, probe, flow, source, destination);
            }
        } catch (RuntimeException e) {
            // the memory is evidence for later questions: it never fails the record it was fed from
        }
    }

    private void remember(String tenant, Key probe, Flow flow, Party source, Party destination) {
        Tenant t = tenants.get(tenant);
        if (t != null) {
            Seen known = t.connections.get(probe);
            if (known != null) {
                known.seen(flow);
                return;
            }
        }
        long size = ENTRY_BYTES
                + endpoint(flow.source())
                + endpoint(flow.destination())
                + (source.labels() == flow.source().labels() ? 0 : labels(source.labels()))
                + (destination.labels() == flow.destination().labels() ? 0 : labels(destination.labels()));
        if (size > tenantBudget / 16) {
            return;
        }
        if (t == null) {
            t = tenants.computeIfAbsent(tenant, k -> {
                bytes.addAndGet(TENANT_BYTES);
                return new Tenant();
            });
        }
        Seen seen = new Seen(probe.copy(), flow, size);
        if (t.connections.putIfAbsent(seen.key, seen) != null) {
            return;
        }
        t.bytes.addAndGet(size);
        bytes.addAndGet(size);
        if (tenants.get(tenant) != t) {
            // the tenant's map was dropped by an eviction meanwhile: what went into it is not kept
            forget(t, seen);
            return;
        }
        if (t.bytes.get() > tenantBudget) {
            evict(t);
        }
        if (bytes.get() > budget) {
            evictAll();
        }
    }

    /** The tenant's remembered connections, most recently seen first. */
    public List<RecentConnection> of(String tenant) {
        Tenant t = tenants.get(tenant);
        if (t == null) {
            return List.of();
        }
        List<Seen> all = new ArrayList<>(t.connections.values());
        all.sort(OLDEST_FIRST.reversed());
        return all.stream().map(Seen::connection).toList();
    }

    /** The tenants with remembered connections, by tenant id. */
    public Set<String> tenants() {
        return new TreeSet<>(tenants.keySet());
    }

    /** Estimated heap bytes held now. */
    public long bytes() {
        return bytes.get();
    }

    /** Connections held now, over all tenants (one at both ends of a cross-tenant connection counts twice). */
    public int size() {
        int n = 0;
        for (Tenant t : tenants.values()) {
            n += t.connections.size();
        }
        return n;
    }

    /** Forgets the tenant's connections seen longest ago until it holds three quarters of its bound. */
    private void evict(Tenant t) {
        synchronized (t) {
            if (t.bytes.get() <= tenantBudget) {
                return;
            }
            Seen[] all = t.connections.values().toArray(new Seen[0]);
            long target = tenantBudget / 4 * 3;
            for (int i : oldestFirst(all)) {
                if (t.bytes.get() <= target) {
                    break;
                }
                forget(t, all[i]);
            }
        }
    }

    /** Forgets the connections seen longest ago, of any tenant, until three quarters of the bound is held. */
    private synchronized void evictAll() {
        if (bytes.get() <= budget) {
            return;
        }
        List<Tenant> owners = new ArrayList<>();
        List<Seen> held = new ArrayList<>();
        tenants.values()
                .forEach(t -> t.connections.values().forEach(s -> {
                    owners.add(t);
                    held.add(s);
                }));
        Seen[] all = held.toArray(new Seen[0]);
        long target = budget / 4 * 3;
        for (int i : oldestFirst(all)) {
            if (bytes.get() <= target) {
                break;
            }
            forget(owners.get(i), all[i]);
        }
        for (Map.Entry<String, Tenant> e : tenants.entrySet()) {
            Tenant t = e.getValue();
            if (t.connections.isEmpty() && tenants.remove(e.getKey(), t)) {
                bytes.addAndGet(-TENANT_BYTES);
                // what a concurrent remember() put in after the check is forgotten with it, bytes and all
                t.connections.values().forEach(s -> forget(t, s));
            }
        }
    }

    /**
     * The indexes of {@code seen}, seen longest ago first. An eviction runs each time an attacker's new connections
     * fill a quarter of a bound, so it sorts primitives, not entries with a comparator.
     */
    static int[] oldestFirst(Seen[] seen) {
        long[] times = new long[seen.length];
        for (int i = 0; i < seen.length; i++) {
            times[i] = seen[i].lastSeen; // read once: it may change meanwhile
        }
        return oldestFirst(times);
    }

    /**
     * The indexes of {@code times}, smallest first, equal times in index order: the times sorted as primitives, then
     * each index placed at its time's rank (the first position of that time among them), equal times one after another
     * in index order. Any {@code long} times order right.
     */
    static int[] oldestFirst(long[] times) {
        int n = times.length;
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        int[] order = new int[n];
        int[] placed = new int[n]; // per rank, how many of its equal times are placed
        for (int i = 0; i < n; i++) {
            int rank = firstAtLeast(sorted, times[i]);
            order[rank + placed[rank]++] = i;
        }
        return order;
    }

    /** The first index of {@code sorted} holding {@code value} or more. */
    private static int firstAtLeast(long[] sorted, long value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private void forget(Tenant t, Seen s) {
        if (t.connections.remove(s.key, s)) {
            t.bytes.addAndGet(-s.size);
            bytes.addAndGet(-s.size);
        }
    }

    private static long endpoint(Endpoint e) {
        return text(e.namespace())
                + text(e.pod())
                + text(e.workload())
                + text(e.ip())
                + text(e.name())
                + labels(e.labels())
                + labels(e.namespaceLabels());
    }

    private static long labels(Map<String, String> labels) {
        if (labels == null) {
            return 0;
        }
        long n = 0;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            n += LABEL_BYTES + text(e.getKey()) + text(e.getValue());
        }
        return n;
    }

    private static long text(String s) {
        return s == null ? 0 : TEXT_BYTES + 2L * s.length();
    }

    private static final class Tenant {
        final ConcurrentHashMap<Key, Seen> connections = new ConcurrentHashMap<>();
        final AtomicLong bytes = new AtomicLong();
    }

    /** One remembered connection: its key and ends are fixed, its last sighting changes. */
    private static final class Seen {
        final Key key;
        final Endpoint source;
        final Endpoint destination;
        final Protocol protocol;
        final int port;
        final long size;
        volatile long lastSeen;
        volatile Observed observed;

        Seen(Key key, Flow flow, long size) {
            this.key = key;
            this.source = flow.source();
            this.destination = flow.destination();
            this.protocol = flow.protocol();
            this.port = flow.port();
            this.size = size;
            this.lastSeen = flow.time().toEpochMilli();
            this.observed = flow.observed();
        }

        /** A later sighting: written only when it changes something, so a steady connection costs reads only. */
        void seen(Flow flow) {
            long at = flow.time().toEpochMilli();
            if (at < lastSeen) {
                return;
            }
            if (at > lastSeen) {
                lastSeen = at;
            }
            Observed now = flow.observed();
            if (observed != now) {
                observed = now;
            }
        }

        RecentConnection connection() {
            return new RecentConnection(source, destination, protocol, port, observed, Instant.ofEpochMilli(lastSeen));
        }
    }

    /**
     * What makes two connections the same one: both ends as placed (kind, namespace, pod labels, and the workload, or
     * the pod or address when nothing else tells the end apart), protocol and port. A per-thread instance is the
     * probe of each lookup; a copy is the key kept.
     */
    static final class Key {
        private Party.Kind sourceKind;
        private String sourceNamespace;
        private Map<String, String> sourceLabels;
        private String sourceId;
        private Party.Kind destinationKind;
        private String destinationNamespace;
        private Map<String, String> destinationLabels;
        private String destinationId;
        private Protocol protocol;
        private int port;
        private int hash;

        Key set(Flow flow, Party source, Party destination) {
            sourceKind = source.kind();
            sourceNamespace = source.namespaceName();
            sourceLabels = labelsOf(source);
            sourceId = id(source);
            destinationKind = destination.kind();
            destinationNamespace = destination.namespaceName();
            destinationLabels = labelsOf(destination);
            destinationId = id(destination);
            protocol = flow.protocol();
            port = flow.port();
            int h = sourceKind.hashCode();
            h = 31 * h + Objects.hashCode(sourceNamespace);
            h = 31 * h + sourceLabels.hashCode();
            h = 31 * h + Objects.hashCode(sourceId);
            h = 31 * h + destinationKind.hashCode();
            h = 31 * h + Objects.hashCode(destinationNamespace);
            h = 31 * h + destinationLabels.hashCode();
            h = 31 * h + Objects.hashCode(destinationId);
            h = 31 * h + Objects.hashCode(protocol);
            hash = 31 * h + port;
            return this;
        }

        Key copy() {
            Key k = new Key();
            k.sourceKind = sourceKind;
            k.sourceNamespace = sourceNamespace;
            k.sourceLabels = sourceLabels;
            k.sourceId = sourceId;
            k.destinationKind = destinationKind;
            k.destinationNamespace = destinationNamespace;
            k.destinationLabels = destinationLabels;
            k.destinationId = destinationId;
            k.protocol = protocol;
            k.port = port;
            k.hash = hash;
            return k;
        }

        private static Map<String, String> labelsOf(Party p) {
            return p.labels() == null ? Map.of() : p.labels();
        }

        private static String id(Party p) {
            Endpoint e = p.endpoint();
            if (p.namespaceName() != null) {
                if (e.workload() != null) {
                    return e.workload();
                }
                return labelsOf(p).isEmpty() ? (e.pod() != null ? e.pod() : e.ip()) : null;
            }
            return e.ip() != null ? e.ip() : e.name();
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && hash == k.hash
                    && port == k.port
                    && protocol == k.protocol
                    && sourceKind == k.sourceKind
                    && destinationKind == k.destinationKind
                    && Objects.equals(sourceNamespace, k.sourceNamespace)
                    && Objects.equals(destinationNamespace, k.destinationNamespace)
                    && Objects.equals(sourceId, k.sourceId)
                    && Objects.equals(destinationId, k.destinationId)
                    && sourceLabels.equals(k.sourceLabels)
                    && destinationLabels.equals(k.destinationLabels);
        }
    }
}
