package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.ClassifyConfig;
import ai.matih.flowwatch.classify.Intent;
import ai.matih.flowwatch.classify.IntentResult;
import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.DirectionResult;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.policy.PolicyProblem;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyChange;
import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.topology.TopologyOverlay;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The least-privilege recommendation (behind {@code GET /api/v1/isolation/recommendation}): NetworkPolicies for a
 * tenant's namespaces that allow exactly the permitted connections observed recently ({@link RecentConnections}) and
 * egress to the cluster DNS pods, never anything the isolation model forbids. Before it is given it is verified with
 * the NetworkPolicy engine (every permitted observed connection allowed on the tenant's side, every forbidden one
 * denied there) and with the isolation audit ({@link IsolationAudit}: no {@code PERMITS_FORBIDDEN}); a recommendation
 * that fails either is not given.
 */
@ApplicationScoped
public class LeastPrivilege {

    /** Observed connections listed as dropped, at most; the rest are counted. */
    static final int MAX_DROPPED = 50;
    /** Reasons given when verification fails, at most. */
    static final int MAX_REASONS = 10;

    private final TopologyHolder holder;
    private final CniProfile profile;
    private final RecentConnections memory;

    public LeastPrivilege(TopologyHolder holder, ClassifyConfig config, RecentConnections memory) {
        this.holder = holder;
        this.profile = config.cniProfile();
        this.memory = memory;
    }

    /** The recommendation for this tenant from the current snapshot and its recent connections. */
    public RecommendationOutcome recommend(String tenant) {
        return recommend(holder.current(), tenant, memory.of(tenant), profile, Instant.now());
    }

    /** The recommendation for this tenant from a snapshot and observed connections. Pure. */
    public static RecommendationOutcome recommend(
            Topology topology, String tenant, List<RecentConnection> observed, CniProfile profile, Instant now) {
        Map<String, PolicySet> byNamespace = new LinkedHashMap<>();
        topology.namespaces().values().stream()
                .filter(ns -> ns.role() == Role.TENANT && tenant.equals(ns.tenant()))
                .map(NamespaceInfo::name)
                .sorted()
                .forEach(ns -> byNamespace.put(ns, new PolicySet(ns)));
        if (byNamespace.isEmpty()) {
            return new RecommendationOutcome.UnknownTenant(tenant);
        }
        PolicyEngine engine = PolicyEngine.compile(topology, profile);
        List<Observation> permitted = new ArrayList<>();
        List<Observation> forbidden = new ArrayList<>();
        List<Recommendation.Dropped> dropped = new ArrayList<>();
        for (RecentConnection c : observed) {
            Observation o = Observation.judge(c, topology, engine, now);
            boolean fromMine = mine(o.source(), tenant, byNamespace);
            boolean toMine = mine(o.destination(), tenant, byNamespace);
            if (!fromMine && !toMine) {
                continue;
            }
            if (!(o.intent() instanceof IntentResult.Judged judged)) {
                String why = o.intent() instanceof IntentResult.CannotJudge cannot
                        ? cannot.reason()
                        : ((IntentResult.NotJudged) o.intent()).reason();
                dropped.add(new Recommendation.Dropped(
                        Rules.describe(o, tenant), Rules.clean("the isolation model cannot judge it: " + why)));
                continue;
            }
            if (judged.intent() == Intent.FORBIDDEN) {
                forbidden.add(o);
                // the model's reason names the other end: another tenant's is withheld, its category kept
                String reason = Rules.foreign(o, tenant, topology)
                        ? "with " + Rules.ANOTHER_TENANT
                                + (judged.category() == null
                                        ? ""
                                        : " (" + judged.category().tag() + ")")
                        : judged.reason();
                dropped.add(new Recommendation.Dropped(
                        Rules.describe(o, tenant), Rules.clean("forbidden by the isolation model: " + reason)));
                continue;
            }
            if (fromMine && Rules.clusterDns(o, topology)) {
                permitted.add(o); // the cluster DNS policy allows it
                continue;
            }
            String problem = Rules.expressible(o);
            if (problem != null) {
                dropped.add(new Recommendation.Dropped(Rules.describe(o, tenant), Rules.clean(problem)));
                continue;
            }
            if (fromMine) {
                byNamespace.get(o.source().namespaceName()).allow(true, o.source(), o.destination(), c);
            }
            if (toMine) {
                byNamespace.get(o.destination().namespaceName()).allow(false, o.destination(), o.source(), c);
            }
            permitted.add(o);
        }
        List<NetworkPolicy> policies = new ArrayList<>();
        byNamespace.values().forEach(set -> policies.addAll(set.policies(topology)));
        Verification checked =
                verify(topology, engine, tenant, byNamespace.keySet(), policies, permitted, forbidden, profile, now);
        List<String> why = checked.why();
        int allowed = checked.allowed();
        if (!why.isEmpty()) {
            return new RecommendationOutcome.Unsafe(why.subList(0, Math.min(MAX_REASONS, why.size())));
        }
        int omitted = Math.max(0, dropped.size() - MAX_DROPPED);
        return new RecommendationOutcome.Safe(new Recommendation(
                tenant,
                List.copyOf(byNamespace.keySet()),
                now,
                policies,
                allowed,
                dropped.subList(0, dropped.size() - omitted),
                omitted,
                new Recommendation.Verified(allowed, checked.denied(), checked.open())));
    }

    /**
     * What checking these policies, in place of every policy of the tenant's namespaces, gives.
     *
     * @param why     why they are unsafe: empty when they pass
     * @param allowed permitted observed connections allowed on the tenant's side
     * @param denied  forbidden observed connections denied on the tenant's side
     * @param open    PERMITS_FORBIDDEN findings of the tenant with them
     */
    record Verification(List<String> why, int allowed, int denied, int open) {}

    /**
     * Checks policies meant to replace every policy of the tenant's namespaces: none invalid, every permitted
     * observed connection allowed on the tenant's side, every forbidden one denied there, and no PERMITS_FORBIDDEN
     * finding of the tenant in the isolation audit with them in force.
     */
    static Verification verify(
            Topology topology,
            PolicyEngine engine,
            String tenant,
            Set<String> namespaces,
            List<NetworkPolicy> policies,
            List<Observation> permitted,
            List<Observation> forbidden,
            CniProfile profile,
            Instant now) {
        List<String> why = new ArrayList<>();
        Topology candidate = replaced(topology, namespaces, policies, now);
        PolicyEngine checked = PolicyEngine.compile(candidate, profile);
        Set<PolicyProblem> known = new HashSet<>(engine.problems());
        checked.problems().stream()
                .filter(p -> !known.contains(p))
                .forEach(p -> why.add("a recommended policy is invalid: " + p));
        int allowed = 0;
        for (Observation o : permitted) {
            Observation again = Observation.judge(o.connection(), candidate, checked, now);
            if (tenantSide(again, tenant).stream().anyMatch(d -> d.verdict() == PolicyVerdict.DENY)) {
                why.add("the engine would deny the permitted connection " + Rules.describe(o, tenant));
            } else {
                allowed++;
            }
        }
        int denied = 0;
        for (Observation o : forbidden) {
            Observation again = Observation.judge(o.connection(), candidate, checked, now);
            if (tenantSide(again, tenant).stream().anyMatch(d -> d.evaluated() && d.verdict() == PolicyVerdict.ALLOW)) {
                why.add("the engine would allow the forbidden connection " + Rules.describe(o, tenant));
            } else {
                denied++;
            }
        }
        List<String> tenantNamespaces = Recompute.tenants(candidate).get(tenant);
        TenantIsolation audited =
                tenantNamespaces == null ? null : new Auditor(candidate, checked, now).audit(tenant, tenantNamespaces);
        int open = 0;
        if (audited != null) {
            for (Finding f : audited.findings()) {
                if (f.kind() == FindingKind.PERMITS_FORBIDDEN) {
                    open++;
                    why.add("the isolation audit finds PERMITS_FORBIDDEN " + f.direction() + " "
                            + f.peer().peerClass().tag() + " by " + f.decidedBy());
                }
            }
        }
        return new Verification(why, allowed, denied, open);
    }

    private static boolean mine(Party p, String tenant, Map<String, PolicySet> namespaces) {
        return Observation.ofTenant(p, tenant) && namespaces.containsKey(p.namespaceName());
    }

    /** The directions the tenant's own policies decide: its source's egress, its destination's ingress. */
    private static List<DirectionResult> tenantSide(Observation o, String tenant) {
        List<DirectionResult> sides = new ArrayList<>(2);
        if (Observation.ofTenant(o.source(), tenant)) {
            sides.add(o.policy().egress());
        }
        if (Observation.ofTenant(o.destination(), tenant)) {
            sides.add(o.policy().ingress());
        }
        return sides;
    }

    /** The snapshot with every policy of these namespaces replaced by the recommended ones. */
    static Topology replaced(Topology topology, Set<String> namespaces, List<NetworkPolicy> policies, Instant now) {
        TopologyOverlay overlay = new TopologyOverlay(Integer.MAX_VALUE, Long.MAX_VALUE);
        for (NetworkPolicy p : topology.networkPolicies()) {
            String ns = p.getMetadata().getNamespace();
            if (namespaces.contains(ns)) {
                overlay = overlay.with(
                        new TopologyChange.PolicyDeleted(ns, p.getMetadata().getName(), now));
            }
        }
        for (NetworkPolicy p : policies) {
            overlay = overlay.with(new TopologyChange.PolicyUpserted(p, now));
        }
        return overlay.applyTo(topology);
    }
}
