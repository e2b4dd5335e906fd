package ai.matih.flowwatch.metrics;

import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Caps the distinct values of the {@code tenant} tag at {@code max}, reserving them for the tenants of the topology
 * first: a tenant with a namespace in the current topology always keeps its own value (up to the cap, in name order),
 * and the tenants only seen in records share the slots left, the rest being counted as {@link #OTHER}. So hostile or
 * numerous namespaces in flow records can neither explode the series count nor push a real tenant into {@code other}.
 *
 * <p>When the topology gains a tenant while every slot is taken, a tenant known only from records gives up its slot
 * (its series stops growing; its further counts go to {@code other}). Topology tenants keep their value once they have
 * it, so at most {@code max} values grow at any time and at most {@code 2 × max} series exist over the process's life.
 *
 * <p>Per call: one volatile read and one identity comparison to notice a new topology snapshot, and one map look-up;
 * no lock and no allocation once a tenant has its value. The snapshot's tenants are read again only when the snapshot
 * object changes.
 */
public final class TenantTags {

    /** Tag value of tenants past the cap. */
    public static final String OTHER = "other";
    /** Tag value when no tenant is involved. */
    public static final String NONE = "none";

    private final int max;
    private final Supplier<Topology> topology;
    /** Tenants with their own value: {@code TRUE} for topology tenants (kept), {@code FALSE} for the others. */
    private final ConcurrentHashMap<String, Boolean> admitted = new ConcurrentHashMap<>();
    private final AtomicInteger used = new AtomicInteger();
    private volatile Topology seen;

    /** Without a topology: the first {@code max} tenants keep their name. */
    public TenantTags(int max) {
        this(max, () -> null);
    }

    /**
     * @param max      the most tenant tag values
     * @param topology the current topology snapshot (null for none); its tenants get their values first
     */
    public TenantTags(int max, Supplier<Topology> topology) {
        this.max = Math.max(0, max);
        this.topology = topology;
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
        if (admitted.putIfAbsent(tenant, Boolean.FALSE) != null) {
            used.decrementAndGet(); // admitted concurrently
        }
        return tenant;
    }

    /** Gives every tenant of this snapshot its value, taking slots from record-only tenants when none is free. */
    private synchronized void reserve(Topology now) {
        if (now == seen) {
            return;
        }
        for (String tenant : tenantsOf(now)) {
            Boolean kind = admitted.get(tenant);
            if (Boolean.TRUE.equals(kind)) {
                continue;
            }
            if (Boolean.FALSE.equals(kind)) {
                admitted.replace(tenant, Boolean.FALSE, Boolean.TRUE);
                continue;
            }
            if (takeFreeSlot() || evictRecordOnlyTenant()) {
                admitted.put(tenant, Boolean.TRUE);
            } else {
                break; // every slot holds a topology tenant
            }
        }
        seen = now;
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

    /** Frees the slot of one tenant known only from records (the count of used slots stays). */
    private boolean evictRecordOnlyTenant() {
        for (Iterator<Map.Entry<String, Boolean>> it = admitted.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Boolean> e = it.next();
            if (Boolean.FALSE.equals(e.getValue()) && admitted.remove(e.getKey(), Boolean.FALSE)) {
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
