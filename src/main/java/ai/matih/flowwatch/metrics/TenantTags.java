package ai.matih.flowwatch.metrics;

import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Caps the distinct values of the {@code tenant} tag at {@code max}, reserving them by how trustworthy the tenant
 * is: first the tenants of the manifests (in name order, up to the cap), then the tenants the topology learnt from
 * the audit stream only, then the tenants only seen in records; the rest are counted as {@link #OTHER}. So neither
 * hostile namespaces in flow records nor a flood of namespaces created through the audit stream can explode the
 * series count or push a tenant of the manifests into {@code other}.
 *
 * <p>Slots are given back: on each new snapshot, a tenant no longer in the topology keeps its value only until a
 * tenant of a higher class needs the slot (its series then stops growing; its further counts go to {@code other}).
 * A manifest tenant takes the slot of a record-only tenant, else of a learnt one; a learnt tenant takes the slot of a
 * record-only one. At most {@code max} values grow at any time. A tenant not in the manifests gets a value it never
 * had only while fewer than {@code 2 × max} values were ever given, so turnover of learnt or record-only tenants
 * cannot make series without end; manifest tenants always get theirs (they are bounded by the manifests).
 *
 * <p>Per call: one volatile read and one identity comparison to notice a new topology snapshot, and one map look-up;
 * no lock and no allocation once a tenant has its value. The snapshots' tenants are read again only when the
 * snapshot object changes.
 */
public final class TenantTags {

    /** Tag value of tenants past the cap. */
    public static final String OTHER = "other";
    /** Tag value when no tenant is involved. */
    public static final String NONE = "none";

    /** Why a tenant holds its value, lowest first: the lowest class gives its slot up first. */
    private enum Kind {
        /** Seen in records only, or no longer in the topology: evicted first. */
        RECORD,
        /** In the topology through the audit stream only. */
        LEARNT,
        /** In the manifests. */
        MANIFEST
    }

    private final int max;
    private final int maxIssued;
    private final Supplier<Topology> topology;
    private final Supplier<Topology> manifests;
    private final ConcurrentHashMap<String, Kind> admitted = new ConcurrentHashMap<>();
    private final AtomicInteger used = new AtomicInteger();
    /** Every tenant that ever had its own value: one series each. */
    private final Set<String> issued = ConcurrentHashMap.newKeySet();

    private final AtomicInteger issuedCount = new AtomicInteger();
    private volatile Topology seen;

    /** Without a topology: the first {@code max} tenants keep their name. */
    public TenantTags(int max) {
        this(max, () -> null);
    }

    /**
     * Every tenant of the topology counts as one of the manifests.
     *
     * @param max      the most tenant tag values
     * @param topology the current topology snapshot (null for none); its tenants get their values first
     */
    public TenantTags(int max, Supplier<Topology> topology) {
        this(max, topology, topology);
    }

    /**
     * @param max       the most tenant tag values
     * @param topology  the current topology snapshot, the audit-learnt changes applied (null for none)
     * @param manifests the manifests' snapshot the current one is built on (null for none); read when
     *                  {@code topology} returns a new snapshot
     */
    public TenantTags(int max, Supplier<Topology> topology, Supplier<Topology> manifests) {
        this.max = Math.max(0, max);
        this.maxIssued = 2 * this.max;
        this.topology = topology;
        this.manifests = manifests;
    }

    /** The tag value for this tenant. */
    public String tag(String tenant) {
        if (tenant == null) {
            return NONE;
        }
        Topology now = topology.get();
        if (now != seen) {
            reserve(now);
        }
        if (admitted.containsKey(tenant)) {
            return tenant;
        }
        return admitFromRecords(tenant);
    }

    private String admitFromRecords(String tenant) {
        if (used.get() >= max) {
            return OTHER;
        }
        if (used.incrementAndGet() > max) {
            used.decrementAndGet();
            return OTHER;
        }
        if (!mayIssue(tenant)) {
            used.decrementAndGet();
            return OTHER;
        }
        if (admitted.putIfAbsent(tenant, Kind.RECORD) != null) {
            used.decrementAndGet(); // admitted concurrently
        }
        return tenant;
    }

    /**
     * Classes every tenant by this snapshot (demoting those that left it) and gives the tenants of the manifests,
     * then the learnt ones, their values, taking slots from lower classes when none is free.
     */
    private synchronized void reserve(Topology now) {
        if (now == seen) {
            return;
        }
        Set<String> current = tenantsOf(now);
        Set<String> fromManifests = tenantsOf(manifests.get());
        fromManifests.retainAll(current);
        for (Map.Entry<String, Kind> e : admitted.entrySet()) {
            Kind kind = fromManifests.contains(e.getKey())
                    ? Kind.MANIFEST
                    : current.contains(e.getKey()) ? Kind.LEARNT : Kind.RECORD;
            if (e.getValue() != kind) {
                admitted.replace(e.getKey(), e.getValue(), kind);
            }
        }
        for (String tenant : fromManifests) {
            if (admitted.containsKey(tenant)) {
                continue;
            }
            if (!takeFreeSlot() && !evict(Kind.RECORD) && !evict(Kind.LEARNT)) {
                break; // every slot holds a manifest tenant
            }
            if (issued.add(tenant)) {
                issuedCount.incrementAndGet(); // bounded by the manifests, not by the budget
            }
            admitted.put(tenant, Kind.MANIFEST);
        }
        for (String tenant : current) {
            if (fromManifests.contains(tenant) || admitted.containsKey(tenant)) {
                continue;
            }
            if (!issued.contains(tenant) && issuedCount.get() >= maxIssued) {
                continue;
            }
            if (!takeFreeSlot() && !evict(Kind.RECORD)) {
                break; // every slot holds a learnt or manifest tenant
            }
            if (mayIssue(tenant)) {
                admitted.put(tenant, Kind.LEARNT);
            } else {
                used.decrementAndGet(); // the budget ran out meanwhile: the slot stays free
            }
        }
        seen = now;
    }

    /** True when the tenant already had a value, or may get a new one within the budget (then counted). */
    private boolean mayIssue(String tenant) {
        if (issued.contains(tenant)) {
            return true;
        }
        int n;
        do {
            n = issuedCount.get();
            if (n >= maxIssued) {
                return false;
            }
        } while (!issuedCount.compareAndSet(n, n + 1));
        if (!issued.add(tenant)) {
            issuedCount.decrementAndGet(); // given concurrently
        }
        return true;
    }

    private boolean takeFreeSlot() {
        int n;
        do {
            n = used.get();
            if (n >= max) {
                return false;
            }
        } while (!used.compareAndSet(n, n + 1));
        return true;
    }

    /** Frees the slot of one tenant of this class for the caller (the count of used slots stays). */
    private boolean evict(Kind kind) {
        for (Map.Entry<String, Kind> e : admitted.entrySet()) {
            if (e.getValue() == kind && admitted.remove(e.getKey(), kind)) {
                return true;
            }
        }
        return false;
    }

    /** The tenants of the snapshot's tenant namespaces, in name order. */
    static Set<String> tenantsOf(Topology topology) {
        Set<String> tenants = new TreeSet<>();
        if (topology != null) {
            for (NamespaceInfo ns : topology.namespaces().values()) {
                if (ns.role() == Role.TENANT && ns.tenant() != null) {
                    tenants.add(ns.tenant());
                }
            }
        }
        return tenants;
    }
}
