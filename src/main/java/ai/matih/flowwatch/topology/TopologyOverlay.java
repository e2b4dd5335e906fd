package ai.matih.flowwatch.topology;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The changes learnt from the audit stream, latest per object, applied on top of the manifest snapshot.
 *
 * <p>What an object is, with the overlay applied, does not depend on the order the changes were learnt in: a namespace
 * is its latest change, else the manifests' namespace; a NetworkPolicy is its latest change, else the manifests'
 * policy, and is gone when its namespace was deleted after it was last written.
 *
 * <p>The {@link TopologyHolder} owns one overlay and changes it in place ({@link #learn}), one object per change, and
 * keeps it compact: a change that leaves an object as the manifests have it (a relabel back to the manifests' labels,
 * a policy written as the manifests have it, a deletion of what the manifests do not have) removes the object's entry
 * instead of adding one, and a reload drops the entries its new manifests make redundant. A compacted entry no longer
 * shields its object from an older change arriving late. The overlay is bounded by objects and estimated bytes:
 * beyond either, the objects the manifests do not have (learnt namespaces and policies) that were changed least
 * recently are evicted to make room for the change, so a flood of made-up objects cannot lock out a newer, real one.
 * Changes to objects the manifests have are always taken (they are bounded by the manifests), and a change that
 * would not fit even with every learnt object evicted is refused. Within the bounds, what an object is does not
 * depend on the order of the changes; an evicted object is as the manifests have it (absent), whatever came before.
 * {@link #with} returns a copy, for tools and tests.
 */
public final class TopologyOverlay {

    /** An overlay without changes (never changed in place). */
    public static final TopologyOverlay EMPTY = new TopologyOverlay(Integer.MAX_VALUE, Long.MAX_VALUE);

    /** What {@link #learn} did with a change. */
    public enum Learnt {
        /** A later change of the same object is known: nothing changed. */
        OLDER,
        /** The change does not fit even with every object the manifests lack evicted: nothing changed. */
        REFUSED,
        /** The object already is as the change says, in the manifests, and the overlay holds nothing for it. */
        UNCHANGED,
        /** The object is now as the change says. */
        APPLIED,
        /** The object is now as the change says, and the objects of {@link #lastEvicted()} were evicted for it. */
        APPLIED_EVICTING
    }

    private final int maxObjects;
    private final long maxBytes;
    private final LinkedHashMap<String, TopologyChange> changes = new LinkedHashMap<>();
    /** Estimated bytes of each held change, computed once ({@link TopologyChange#bytes()} may serialise a policy). */
    private final Map<String, Long> sizes = new HashMap<>();
    /** Keys of held objects the manifests do not have, least recently changed first: the ones evicted when full. */
    private final LinkedHashSet<String> evictable = new LinkedHashSet<>();
    /** Keys evicted by the last {@link #learn}. */
    private final List<String> lastEvicted = new ArrayList<>();

    private long evictableBytes;
    private volatile long bytes;
    private volatile long evictions;

    /**
     * @param maxObjects the most objects it holds
     * @param maxBytes   the most estimated bytes of changes it holds ({@link TopologyChange#bytes()})
     */
    public TopologyOverlay(int maxObjects, long maxBytes) {
        this.maxObjects = maxObjects;
        this.maxBytes = maxBytes;
    }

    /** A copy of this overlay with the change added, or this overlay when a later change of the same object is known. */
    public TopologyOverlay with(TopologyChange change) {
        TopologyChange known = changes.get(change.key());
        if (known != null && known.at().isAfter(change.at())) {
            return this;
        }
        TopologyOverlay next = copy();
        next.put(change, change.bytes(), false);
        return next;
    }

    /** A copy, for diagnostics and tests. */
    TopologyOverlay copy() {
        TopologyOverlay copy = new TopologyOverlay(maxObjects, maxBytes);
        changes.forEach((key, held) -> copy.put(held, sizes.get(key), evictable.contains(key)));
        return copy;
    }

    /**
     * Takes in a change, in place, keeping the overlay compact against {@code base} (the manifests' snapshot) and
     * within its bounds. Cost: the change's own size, plus for a namespace deletion the overlay's entries.
     */
    Learnt learn(TopologyChange change, Topology base) {
        lastEvicted.clear();
        String key = change.key();
        TopologyChange known = changes.get(key);
        if (known != null && known.at().isAfter(change.at())) {
            return Learnt.OLDER;
        }
        if (redundant(change, base)) {
            boolean forgot = change instanceof TopologyChange.NamespaceDeleted d && forgetPoliciesWrittenBefore(d) > 0;
            if (known == null && !forgot) {
                return Learnt.UNCHANGED;
            }
            remove(key);
            return Learnt.APPLIED;
        }
        long size = change.bytes();
        boolean learnt = !inBase(key, base);
        if (learnt && !makeRoom(key, known != null, size)) {
            return Learnt.REFUSED;
        }
        put(change, size, learnt);
        if (change instanceof TopologyChange.NamespaceDeleted d) {
            forgetPoliciesWrittenBefore(d);
        }
        return lastEvicted.isEmpty() ? Learnt.APPLIED : Learnt.APPLIED_EVICTING;
    }

    /**
     * Evicts the least recently changed objects the manifests lack (never {@code key}) until a change of
     * {@code size} bytes to {@code key} fits; false, with nothing evicted, when it cannot fit.
     */
    private boolean makeRoom(String key, boolean held, long size) {
        long heldSize = held ? sizes.get(key) : 0;
        boolean heldEvictable = held && evictable.contains(key);
        int othersEvictable = evictable.size() - (heldEvictable ? 1 : 0);
        long othersEvictableBytes = evictableBytes - (heldEvictable ? heldSize : 0);
        int objectsAfter = changes.size() + (held ? 0 : 1);
        long bytesAfter = bytes - heldSize + size;
        if (objectsAfter - othersEvictable > maxObjects || bytesAfter - othersEvictableBytes > maxBytes) {
            return false;
        }
        Iterator<String> oldest = evictable.iterator();
        while (objectsAfter > maxObjects || bytesAfter > maxBytes) {
            String victim = oldest.next();
            if (victim.equals(key)) {
                continue;
            }
            long victimSize = sizes.get(victim);
            oldest.remove();
            evictableBytes -= victimSize;
            changes.remove(victim);
            sizes.remove(victim);
            bytes -= victimSize;
            objectsAfter--;
            bytesAfter -= victimSize;
            lastEvicted.add(victim);
            evictions++;
        }
        return true;
    }

    /** True when the manifests have the object of {@code key} (for a namespace: it or a policy in it). */
    private static boolean inBase(String key, Topology base) {
        if (key.startsWith("namespace/")) {
            String name = key.substring("namespace/".length());
            if (base.namespaces().containsKey(name)) {
                return true;
            }
            for (NetworkPolicy p : base.networkPolicies()) {
                if (name.equals(p.getMetadata().getNamespace())) {
                    return true;
                }
            }
            return false;
        }
        String[] parts = key.substring("networkpolicy/".length()).split("/", 2);
        return basePolicy(base, parts[0], parts.length > 1 ? parts[1] : "") != null;
    }

    /** Drops the entry of {@code key}, e.g. when the Kubernetes API reported a newer version of its object. */
    void forget(String key) {
        remove(key);
    }

    /** Keys evicted by the last {@link #learn} (valid until the next). */
    List<String> lastEvicted() {
        return lastEvicted;
    }

    /** How many learnt objects were evicted to make room for newer changes, since start. */
    public long evictions() {
        return evictions;
    }

    /** Drops the entries {@code base} (new manifests) makes redundant. */
    void compactAgainst(Topology base) {
        List<String> redundant = new ArrayList<>();
        for (Map.Entry<String, TopologyChange> e : changes.entrySet()) {
            if (redundant(e.getValue(), base)) {
                redundant.add(e.getKey());
            }
        }
        redundant.forEach(this::remove);
        List<String> nowInBase = new ArrayList<>();
        for (String key : evictable) {
            if (inBase(key, base)) {
                nowInBase.add(key);
            }
        }
        for (String key : nowInBase) {
            evictable.remove(key);
            evictableBytes -= sizes.get(key);
        }
        for (String key : changes.keySet()) {
            if (!evictable.contains(key) && !inBase(key, base)) {
                evictable.add(key); // the manifests no longer have it
                evictableBytes += sizes.get(key);
            }
        }
    }

    /** Holds the change; a learnt one becomes the most recently changed of the evictable objects. */
    private void put(TopologyChange change, long size, boolean learnt) {
        String key = change.key();
        remove(key);
        changes.put(key, change);
        sizes.put(key, size);
        bytes += size;
        if (learnt) {
            evictable.add(key);
            evictableBytes += size;
        }
    }

    private void remove(String key) {
        changes.remove(key);
        Long old = sizes.remove(key);
        if (old != null) {
            bytes -= old;
            if (evictable.remove(key)) {
                evictableBytes -= old;
            }
        }
    }

    /** Policies of a deleted namespace written before the deletion no longer exist. */
    private int forgetPoliciesWrittenBefore(TopologyChange.NamespaceDeleted deleted) {
        int forgotten = 0;
        String prefix = "networkpolicy/" + deleted.name() + "/";
        Iterator<Map.Entry<String, TopologyChange>> it = changes.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, TopologyChange> e = it.next();
            if (e.getKey().startsWith(prefix) && !e.getValue().at().isAfter(deleted.at())) {
                long size = sizes.remove(e.getKey());
                bytes -= size;
                if (evictable.remove(e.getKey())) {
                    evictableBytes -= size;
                }
                it.remove();
                forgotten++;
            }
        }
        return forgotten;
    }

    /** True when the object would be as {@code change} says without any entry for it. */
    private boolean redundant(TopologyChange change, Topology base) {
        if (change instanceof TopologyChange.NamespaceLabels n) {
            NamespaceInfo manifest = base.namespaces().get(n.name());
            return manifest != null && manifest.labels().equals(withName(n.name(), n.labels()));
        }
        if (change instanceof TopologyChange.NamespaceDeleted d) {
            if (base.namespaces().containsKey(d.name())) {
                return false;
            }
            for (NetworkPolicy p : base.networkPolicies()) {
                if (d.name().equals(p.getMetadata().getNamespace())) {
                    return false;
                }
            }
            return true;
        }
        if (change instanceof TopologyChange.PolicyUpserted u) {
            return !(changes.get("namespace/" + u.policy().getMetadata().getNamespace())
                            instanceof TopologyChange.NamespaceDeleted)
                    && u.policy()
                            .equals(basePolicy(
                                    base,
                                    u.policy().getMetadata().getNamespace(),
                                    u.policy().getMetadata().getName()));
        }
        TopologyChange.PolicyDeleted d = (TopologyChange.PolicyDeleted) change;
        return basePolicy(base, d.namespace(), d.name()) == null;
    }

    private static NetworkPolicy basePolicy(Topology base, String namespace, String name) {
        for (NetworkPolicy p : base.networkPolicies()) {
            if (Objects.equals(namespace, p.getMetadata().getNamespace())
                    && Objects.equals(name, p.getMetadata().getName())) {
                return p;
            }
        }
        return null;
    }

    private static Map<String, String> withName(String name, Map<String, String> labels) {
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.putIfAbsent(TopologyBuilder.NAME_LABEL, name);
        return all;
    }

    /** The base snapshot with these changes applied. */
    public Topology applyTo(Topology base) {
        if (changes.isEmpty()) {
            return base;
        }
        Map<String, NamespaceInfo> namespaces = new LinkedHashMap<>(base.namespaces());
        for (TopologyChange change : changes.values()) {
            if (change instanceof TopologyChange.NamespaceLabels n) {
                namespaces.put(n.name(), describe(n, base));
            } else if (change instanceof TopologyChange.NamespaceDeleted d) {
                namespaces.remove(d.name());
            }
        }
        List<NetworkPolicy> policies = new ArrayList<>();
        for (NetworkPolicy p : base.networkPolicies()) {
            if (baseInForce(p)) {
                policies.add(p);
            }
        }
        for (TopologyChange change : changes.values()) {
            if (change instanceof TopologyChange.PolicyUpserted u && inForce(u)) {
                policies.add(u.policy());
            }
        }
        return derive(base, namespaces, policies);
    }

    /** The entry held for an object key, or null. */
    TopologyChange entry(String key) {
        return changes.get(key);
    }

    /**
     * {@code current} (this overlay applied to {@code base} before the change of {@code key}) with the object
     * {@code key} as this overlay now says. The snapshot's namespaces map or policies list is copied once (its pods
     * are shared); the policies of a namespace are looked at again only when it is deleted or comes back.
     *
     * @param deletion true when the change deleted a namespace, or replaced the overlay's deletion of it
     */
    Topology applyChangeOf(String key, boolean deletion, Topology current, Topology base) {
        if (key.startsWith("namespace/")) {
            String name = key.substring("namespace/".length());
            Map<String, NamespaceInfo> namespaces = new LinkedHashMap<>(current.namespaces());
            TopologyChange change = changes.get(key);
            boolean deleted = change instanceof TopologyChange.NamespaceDeleted;
            if (change instanceof TopologyChange.NamespaceLabels n) {
                namespaces.put(name, describe(n, base));
            } else if (deleted) {
                namespaces.remove(name);
            } else if (base.namespaces().containsKey(name)) {
                namespaces.put(name, base.namespaces().get(name));
            } else {
                namespaces.remove(name);
            }
            if (!deletion) {
                return derive(current, namespaces, current.networkPolicies());
            }
            List<NetworkPolicy> policies = new ArrayList<>();
            for (NetworkPolicy p : current.networkPolicies()) {
                if (!name.equals(p.getMetadata().getNamespace())) {
                    policies.add(p);
                }
            }
            for (NetworkPolicy p : base.networkPolicies()) {
                if (name.equals(p.getMetadata().getNamespace()) && baseInForce(p)) {
                    policies.add(p);
                }
            }
            String prefix = "networkpolicy/" + name + "/";
            for (Map.Entry<String, TopologyChange> e : changes.entrySet()) {
                if (e.getKey().startsWith(prefix)
                        && e.getValue() instanceof TopologyChange.PolicyUpserted u
                        && inForce(u)) {
                    policies.add(u.policy());
                }
            }
            return derive(current, namespaces, policies);
        }
        TopologyChange change = changes.get(key);
        String namespace;
        String name;
        if (change instanceof TopologyChange.PolicyUpserted u) {
            namespace = u.policy().getMetadata().getNamespace();
            name = u.policy().getMetadata().getName();
        } else {
            String[] parts = key.substring("networkpolicy/".length()).split("/", 2);
            namespace = parts[0];
            name = parts.length > 1 ? parts[1] : "";
        }
        List<NetworkPolicy> policies = new ArrayList<>(current.networkPolicies().size() + 1);
        for (NetworkPolicy p : current.networkPolicies()) {
            if (!(namespace.equals(p.getMetadata().getNamespace())
                    && name.equals(p.getMetadata().getName()))) {
                policies.add(p);
            }
        }
        NetworkPolicy effective = policy(namespace, name, base);
        if (effective != null) {
            policies.add(effective);
        }
        return derive(current, current.namespaces(), policies);
    }

    /** The policy {@code namespace/name} in force with this overlay on {@code base}, or null. */
    private NetworkPolicy policy(String namespace, String name, Topology base) {
        TopologyChange change = changes.get("networkpolicy/" + namespace + "/" + name);
        if (change instanceof TopologyChange.PolicyUpserted u) {
            return inForce(u) ? u.policy() : null;
        }
        if (change instanceof TopologyChange.PolicyDeleted || namespaceDeleted(namespace) != null) {
            return null;
        }
        return basePolicy(base, namespace, name);
    }

    /** A manifest policy is in force unless the overlay changed it or deleted its namespace. */
    private boolean baseInForce(NetworkPolicy p) {
        String namespace = p.getMetadata().getNamespace();
        return !changes.containsKey(
                        "networkpolicy/" + namespace + "/" + p.getMetadata().getName())
                && namespaceDeleted(namespace) == null;
    }

    /** A written policy is in force unless its namespace was deleted after it was written. */
    private boolean inForce(TopologyChange.PolicyUpserted u) {
        TopologyChange.NamespaceDeleted deleted =
                namespaceDeleted(u.policy().getMetadata().getNamespace());
        return deleted == null || u.at().isAfter(deleted.at());
    }

    private TopologyChange.NamespaceDeleted namespaceDeleted(String namespace) {
        return changes.get("namespace/" + namespace) instanceof TopologyChange.NamespaceDeleted d ? d : null;
    }

    private static NamespaceInfo describe(TopologyChange.NamespaceLabels n, Topology base) {
        return base.rules().describe(n.name(), withName(n.name(), n.labels()), true);
    }

    private static Topology derive(Topology from, Map<String, NamespaceInfo> namespaces, List<NetworkPolicy> policies) {
        String origin = from.origin().endsWith(" + audit") ? from.origin() : from.origin() + " + audit";
        return new Topology(
                namespaces,
                policies,
                from.podsByIp(),
                from.podsByName(),
                from.egressExceptions(),
                from.rules(),
                from.internalCidrs(),
                from.dnsNamespace(),
                from.dnsSelector(),
                from.loadedAt(),
                origin,
                from.nodesByIp(),
                from.podsKnown());
    }

    /** The number of objects changed. */
    public int size() {
        return changes.size();
    }

    /** Estimated heap bytes of the changes held. */
    public long bytes() {
        return bytes;
    }

    /** For tests and diagnostics. */
    public List<String> keys() {
        return List.copyOf(changes.keySet());
    }

    /** Latest change per object key, for tests and diagnostics (a copy). */
    public Map<String, TopologyChange> changes() {
        return Map.copyOf(changes);
    }
}
