package ai.matih.flowwatch.policy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Turns a NetworkPolicy, defaulted or not, into a {@link CompiledPolicy}: applies API defaulting (DEF) and validation
 * (VAL), collecting {@link PolicyProblem}s. Never throws on odd input.
 */
final class PolicyCompiler {

    static final String DEFAULT_NAMESPACE = "default";

    private PolicyCompiler() {}

    static CompiledPolicy compile(NetworkPolicy policy, List<PolicyProblem> problems) {
        ObjectMeta meta = policy.getMetadata();
        String namespace = meta == null
                        || meta.getNamespace() == null
                        || meta.getNamespace().isBlank()
                ? DEFAULT_NAMESPACE
                : meta.getNamespace();
        String name = meta == null || meta.getName() == null ? "(unnamed)" : meta.getName();
        String id = namespace + "/" + name;
        int before = problems.size();
        BiConsumer<String, String> report = (field, message) -> problems.add(new PolicyProblem(id, field, message));

        NetworkPolicySpec spec = policy.getSpec() == null ? new NetworkPolicySpec() : policy.getSpec();
        SelectorMatcher podSelector = SelectorMatcher.parse(spec.getPodSelector(), "spec.podSelector", report);
        List<NetworkPolicyIngressRule> ingress = spec.getIngress() == null ? List.of() : spec.getIngress();
        List<NetworkPolicyEgressRule> egress = spec.getEgress() == null ? List.of() : spec.getEgress();
        Set<Direction> types = policyTypes(spec.getPolicyTypes(), !egress.isEmpty(), report);

        List<CompiledRule> ingressRules = new ArrayList<>();
        for (int i = 0; i < ingress.size(); i++) {
            NetworkPolicyIngressRule rule = ingress.get(i) == null ? new NetworkPolicyIngressRule() : ingress.get(i);
            ingressRules.add(
                    rule(new RuleRef(id, Direction.INGRESS, i), rule.getPorts(), rule.getFrom(), "from", report));
        }
        List<CompiledRule> egressRules = new ArrayList<>();
        for (int i = 0; i < egress.size(); i++) {
            NetworkPolicyEgressRule rule = egress.get(i) == null ? new NetworkPolicyEgressRule() : egress.get(i);
            egressRules.add(rule(new RuleRef(id, Direction.EGRESS, i), rule.getPorts(), rule.getTo(), "to", report));
        }
        boolean valid = problems.size() == before;
        return new CompiledPolicy(namespace, name, podSelector, types, ingressRules, egressRules, valid);
    }

    /**
     * Defaulted policyTypes (R2.1): when none are given, Ingress, plus Egress iff there is at least one egress rule.
     * Unknown values are reported and make the policy possibly affect both directions.
     */
    static Set<Direction> policyTypes(
            List<String> declared, boolean hasEgressRules, BiConsumer<String, String> report) {
        Set<Direction> types = EnumSet.noneOf(Direction.class);
        if (declared == null || declared.isEmpty()) {
            types.add(Direction.INGRESS);
            if (hasEgressRules) {
                types.add(Direction.EGRESS);
            }
            return types;
        }
        if (declared.size() > 2) {
            report.accept("spec.policyTypes", "may not specify more than two policyTypes");
        }
        for (int i = 0; i < declared.size(); i++) {
            String type = declared.get(i);
            if (Direction.INGRESS.policyType().equals(type)) {
                types.add(Direction.INGRESS);
            } else if (Direction.EGRESS.policyType().equals(type)) {
                types.add(Direction.EGRESS);
            } else {
                report.accept("spec.policyTypes[" + i + "]", "unsupported value: '" + type + "' (Ingress, Egress)");
                types.addAll(EnumSet.allOf(Direction.class));
            }
        }
        return types;
    }

    private static CompiledRule rule(
            RuleRef ref,
            List<NetworkPolicyPort> ports,
            List<NetworkPolicyPeer> peers,
            String peerField,
            BiConsumer<String, String> report) {
        String field = "spec." + ref.direction().field() + "[" + ref.index() + "]";
        List<PortMatcher> portMatchers = new ArrayList<>();
        List<NetworkPolicyPort> portList = ports == null ? List.of() : ports;
        for (int i = 0; i < portList.size(); i++) {
            NetworkPolicyPort port = portList.get(i) == null ? new NetworkPolicyPort() : portList.get(i);
            portMatchers.add(PortMatcher.parse(port, field + ".ports[" + i + "]", report));
        }
        List<PeerMatcher> peerMatchers = new ArrayList<>();
        List<NetworkPolicyPeer> peerList = peers == null ? List.of() : peers;
        for (int i = 0; i < peerList.size(); i++) {
            peerMatchers.add(peer(peerList.get(i), field + "." + peerField + "[" + i + "]", report));
        }
        return new CompiledRule(ref, portMatchers, peerMatchers);
    }

    /** A peer (VAL ValidateNetworkPolicyPeer: at least one field; ipBlock never with a selector, R4.1). */
    private static PeerMatcher peer(NetworkPolicyPeer peer, String field, BiConsumer<String, String> report) {
        boolean hasPods = peer != null && peer.getPodSelector() != null;
        boolean hasNamespaces = peer != null && peer.getNamespaceSelector() != null;
        boolean hasBlock = peer != null && peer.getIpBlock() != null;
        if (!hasPods && !hasNamespaces && !hasBlock) {
            String why = "must specify a peer (podSelector, namespaceSelector or ipBlock)";
            report.accept(field, why);
            return new PeerMatcher.Invalid(field + " " + why);
        }
        if (hasBlock && (hasPods || hasNamespaces)) {
            String why = "may not specify both ipBlock and another peer";
            report.accept(field, why);
            return new PeerMatcher.Invalid(field + " " + why);
        }
        if (hasBlock) {
            return new PeerMatcher.Block(IpBlockMatcher.parse(peer.getIpBlock(), field + ".ipBlock", report));
        }
        SelectorMatcher pods =
                hasPods ? SelectorMatcher.parse(peer.getPodSelector(), field + ".podSelector", report) : null;
        SelectorMatcher namespaces = hasNamespaces
                ? SelectorMatcher.parse(peer.getNamespaceSelector(), field + ".namespaceSelector", report)
                : null;
        return new PeerMatcher.Selectors(pods, namespaces);
    }
}
