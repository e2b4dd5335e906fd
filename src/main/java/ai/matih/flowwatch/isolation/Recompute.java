package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * One recompute of the audit for a new snapshot: the tenants the change since the last audited snapshot may affect
 * ({@link TopologyDiff}) are audited anew, both views (every tenant's entry, and its own-half entry), in parallel; the
 * others' entries are kept. Pure.
 */
final class Recompute {

    private static final Logger LOGGER = Logger.getLogger(Recompute.class);

    private Recompute() {}

    /** The audit of {@code topology}: the tenants a change since {@code before} may affect anew, the others kept. */
    static Audited of(Audited before, Topology topology, CniProfile profile, Instant now) {
        long start = System.nanoTime();
        Affected affected = TopologyDiff.between(before == null ? null : before.topology(), topology);
        Map<String, List<String>> tenants = tenants(topology);
        List<String> redo = new ArrayList<>();
        for (String tenant : tenants.keySet()) {
            boolean known = before != null && before.views().containsKey(tenant);
            if (!known
                    || affected instanceof Affected.All
                    || ((Affected.Some) affected).tenants().contains(tenant)) {
                redo.add(tenant);
            }
        }
        PolicyEngine engine = redo.isEmpty() ? null : PolicyEngine.compile(topology, profile);
        Auditor auditor = redo.isEmpty() ? null : new Auditor(topology, engine, now);
        Map<String, TenantIsolation> previous = new HashMap<>();
        if (before != null) {
            before.report().tenants().forEach(t -> previous.put(t.tenant(), t));
        }
        Map<String, Redone> fresh = new HashMap<>();
        redo.parallelStream()
                .map(t -> new Redone(
                        t, auditor.audit(t, tenants.get(t)), OwnHalf.audit(topology, t, tenants.get(t), profile, now)))
                .toList()
                .forEach(r -> fresh.put(r.tenant(), r));
        List<TenantIsolation> entries = new ArrayList<>();
        Map<String, TenantIsolation> views = new HashMap<>();
        Map<String, Instant> since = new HashMap<>();
        for (String tenant : tenants.keySet()) {
            Redone redone = fresh.get(tenant);
            if (redone == null) {
                entries.add(previous.get(tenant));
                views.put(tenant, before.views().get(tenant));
                since.put(tenant, before.since().get(tenant));
                continue;
            }
            entries.add(redone.entry());
            views.put(tenant, redone.view());
            TenantIsolation old = before == null ? null : before.views().get(tenant);
            since.put(
                    tenant,
                    old != null && sameFindings(old, redone.view())
                            ? before.since().get(tenant)
                            : now);
        }
        LOGGER.debugf(
                "Isolation audit: %d of %d tenants recomputed in %d ms (%s)",
                redo.size(), tenants.size(), (System.nanoTime() - start) / 1_000_000, affected);
        return new Audited(topology, new IsolationReport(now, entries), Map.copyOf(views), Map.copyOf(since));
    }

    /** One tenant audited anew: its entry and its own-half entry. */
    private record Redone(String tenant, TenantIsolation entry, TenantIsolation view) {}

    /** Equal entries: nothing a tenant is shown changed. */
    private static boolean sameFindings(TenantIsolation a, TenantIsolation b) {
        return a.equals(b);
    }

    /** The tenants of a snapshot and their namespaces, by tenant id. */
    static Map<String, List<String>> tenants(Topology topology) {
        Map<String, List<String>> tenants = new TreeMap<>();
        topology.namespaces().values().stream()
                .filter(ns -> ns.role() == Role.TENANT && ns.tenant() != null)
                .map(NamespaceInfo::name)
                .sorted()
                .forEach(name -> tenants.computeIfAbsent(
                                topology.namespaces().get(name).tenant(), k -> new ArrayList<>())
                        .add(name));
        return tenants;
    }
}
