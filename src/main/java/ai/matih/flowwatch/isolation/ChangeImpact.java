package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.ClassifyConfig;
import ai.matih.flowwatch.classify.IntentResult;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.policy.PolicyProblem;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyChange;
import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.topology.TopologyOverlay;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The change impact (behind {@code POST /api/v1/policy/impact}): a candidate change (policies added, changed or
 * deleted, namespaces relabelled) applied to the current topology snapshot, and what it would do: the isolation
 * findings it opens and closes ({@link IsolationAudit} before and after) and the recently observed connections
 * ({@link RecentConnections}) whose NetworkPolicy verdict it changes. Nothing is applied for real.
 *
 * <p>Scoped to one tenant, the findings are the tenant's own-half view ({@link IsolationAudit#tenantView}: its own
 * policies and the isolation model only) before and after the change, compared as the tenant is shown them, so what
 * it learns depends on its own policies alone; the connections are those the tenant's memory holds, judged by the
 * policies in force as a record would be, with the rules of other namespaces left out of their {@code decidedBy}.
 */
@ApplicationScoped
public class ChangeImpact {

    private final TopologyHolder holder;
    private final CniProfile profile;
    private final RecentConnections memory;

    public ChangeImpact(TopologyHolder holder, ClassifyConfig config, RecentConnections memory) {
        this.holder = holder;
        this.profile = config.cniProfile();
        this.memory = memory;
    }

    /** The impact of the changes on the current snapshot, for everyone ({@code tenant} null) or one tenant. */
    public ImpactOutcome impact(List<TopologyChange> changes, String tenant, long maxWork) {
        return impact(holder.current(), changes, tenant, memory, profile, maxWork, Instant.now());
    }

    /** The impact of the changes on this snapshot (pure but for reading the memory). */
    public static ImpactOutcome impact(
            Topology before,
            List<TopologyChange> changes,
            String tenant,
            RecentConnections memory,
            CniProfile profile,
            long maxWork,
            Instant now) {
        TopologyOverlay overlay = new TopologyOverlay(Integer.MAX_VALUE, Long.MAX_VALUE);
        for (TopologyChange change : changes) {
            overlay = overlay.with(change);
        }
        Topology after = overlay.applyTo(before);
        PolicyEngine beforeEngine = PolicyEngine.compile(before, profile);
        PolicyEngine afterEngine = PolicyEngine.compile(after, profile);
        Set<PolicyProblem> known = new HashSet<>(beforeEngine.problems());
        for (PolicyProblem p : afterEngine.problems()) {
            if (!known.contains(p)) {
                return new ImpactOutcome.Invalid("manifests", "invalid NetworkPolicy: " + p);
            }
        }
        Set<String> tenants = new TreeSet<>();
        if (tenant != null) {
            tenants.add(tenant);
        } else {
            tenants.addAll(memory.tenants());
        }
        record Held(String tenant, RecentConnection connection) {}
        List<Held> connections = new ArrayList<>();
        for (String t : tenants) {
            memory.of(t).forEach(c -> connections.add(new Held(t, c)));
        }
        long work = (long) connections.size()
                * Math.max(
                        1,
                        Math.max(
                                before.networkPolicies().size(),
                                after.networkPolicies().size()));
        if (work > maxWork) {
            return new ImpactOutcome.TooMuchWork(
                    tenant == null
                            ? connections.size() + " recently observed connections × "
                                    + after.networkPolicies().size() + " NetworkPolicies is " + work
                                    + " evaluations; at most " + maxWork + " are done per request"
                            // the cluster's number of policies is not the tenant's to learn
                            : connections.size() + " recently observed connections of the tenant, each judged"
                                    + " against the NetworkPolicies in force, are more evaluations than the at most "
                                    + maxWork + " done per request");
        }
        Set<String> own = tenant == null ? null : namespacesOf(tenant, before, after);
        List<FindingChange> opened;
        List<FindingChange> closed;
        if (tenant == null) {
            IsolationReport audited = new Auditor(before, beforeEngine, now).report();
            IsolationReport changed = new Auditor(after, afterEngine, now).report();
            opened = difference(changed, audited);
            closed = difference(audited, changed);
        } else {
            List<Finding> was = ownView(before, tenant, profile, now);
            List<Finding> will = ownView(after, tenant, profile, now);
            opened = difference(tenant, will, was);
            closed = difference(tenant, was, will);
        }
        List<VerdictChange> verdicts = new ArrayList<>();
        for (Held h : connections) {
            Observation was = Observation.judge(h.connection(), before, beforeEngine, now);
            Observation will = Observation.judge(h.connection(), after, afterEngine, now);
            if (was.policy().verdict() == will.policy().verdict()) {
                continue;
            }
            RecentConnection c = h.connection();
            verdicts.add(new VerdictChange(
                    h.tenant(),
                    Observation.view(will.source(), after),
                    Observation.view(will.destination(), after),
                    c.port(),
                    c.protocol(),
                    c.observed(),
                    c.lastSeen(),
                    will.intent() instanceof IntentResult.Judged j ? j.intent().name() : null,
                    new VerdictChange.Verdict(
                            was.policy().verdict(), scoped(was.policy().decidedBy(), own)),
                    new VerdictChange.Verdict(
                            will.policy().verdict(), scoped(will.policy().decidedBy(), own))));
        }
        return new ImpactOutcome.Answered(new ImpactReport(opened, closed, verdicts, connections.size(), null));
    }

    /** The tenant's namespaces in either snapshot. */
    static Set<String> namespacesOf(String tenant, Topology... snapshots) {
        Set<String> names = new LinkedHashSet<>();
        for (Topology t : snapshots) {
            for (NamespaceInfo ns : t.namespaces().values()) {
                if (ns.role() == Role.TENANT && tenant.equals(ns.tenant())) {
                    names.add(ns.name());
                }
            }
        }
        return names;
    }

    /**
     * The tenant's findings in this snapshot as its own half judges them ({@link IsolationAudit#tenantView}), as
     * the tenant is shown them ({@link TenantIsolation#viewedBy}, the ends left for the caller to redact): only its
     * own policies decide them, so a door its change opens is shown even when no rule decides it (a default deny
     * deleted), and another tenant's policies, peers and counts never show; empty when it has no namespace there.
     */
    static List<Finding> ownView(Topology topology, String tenant, CniProfile profile, Instant now) {
        TenantIsolation entry = IsolationAudit.tenantView(topology, tenant, profile, now);
        return entry == null
                ? List.of()
                : entry.viewedBy(tenant, UnaryOperator.identity()).findings();
    }

    /** The findings of {@code in} that {@code notIn} does not have, per tenant, open doors first. */
    private static List<FindingChange> difference(IsolationReport in, IsolationReport notIn) {
        List<FindingChange> found = new ArrayList<>();
        for (TenantIsolation entry : in.tenants()) {
            TenantIsolation other = notIn.tenant(entry.tenant());
            found.addAll(difference(entry.tenant(), entry.findings(), other == null ? List.of() : other.findings()));
        }
        found.sort(Comparator.comparing(FindingChange::kind));
        return found;
    }

    /** The tenant's findings of {@code in} that {@code notIn} does not have, open doors first. */
    private static List<FindingChange> difference(String tenant, List<Finding> in, List<Finding> notIn) {
        Set<Finding.Key> there = new HashSet<>();
        notIn.forEach(f -> there.add(f.key()));
        List<FindingChange> found = new ArrayList<>();
        for (Finding f : in) {
            if (!there.contains(f.key())) {
                found.add(FindingChange.of(tenant, f));
            }
        }
        found.sort(Comparator.comparing(FindingChange::kind));
        return found;
    }

    /** The rules of these namespaces only (all of them when {@code namespaces} is null). */
    static List<String> scoped(List<String> decidedBy, Set<String> namespaces) {
        if (namespaces == null) {
            return decidedBy;
        }
        return decidedBy.stream()
                .filter(r -> namespaces.contains(namespaceOf(r)))
                .toList();
    }

    /** The namespace of a rule reference {@code ns/name[#rule]}, or "" when it names none. */
    static String namespaceOf(String rule) {
        int slash = rule.indexOf('/');
        return slash > 0 ? rule.substring(0, slash) : "";
    }
}
