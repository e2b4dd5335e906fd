package ai.matih.flowwatch.policy;

import inet.ipaddr.IPAddress;

/** One parsed {@code from}/{@code to} peer (R4.1, R4.2). */
sealed interface PeerMatcher permits PeerMatcher.Selectors, PeerMatcher.Block, PeerMatcher.Invalid {

    /** Whether the other end of the connection matches, for a policy in {@code policyNamespace}. */
    Ternary matches(ResolvedEnd other, String policyNamespace, Evaluation ev);

    /**
     * podSelector and/or namespaceSelector, ANDed (R4.3). An absent namespaceSelector means the policy's namespace
     * and an absent podSelector means all pods (R6.5). Matches policy-managed pods only, never an address (R4.2,
     * R4.9); an unattributed in-cluster address might be a pod, so it is undecidable (R8.6).
     *
     * @param pods       podSelector, or null when absent
     * @param namespaces namespaceSelector, or null when absent
     */
    record Selectors(SelectorMatcher pods, SelectorMatcher namespaces) implements PeerMatcher {

        @Override
        public Ternary matches(ResolvedEnd other, String policyNamespace, Evaluation ev) {
            if (!other.managed()) {
                if (other.kind() == PolicyEndpoint.Address.Kind.UNRESOLVED) {
                    return Ternary.unknown("R8.6: " + other.describe() + " is not attributed to a pod, and " + this
                            + " would match it if it were one");
                }
                return Ternary.FALSE;
            }
            Ternary namespace = namespaces == null
                    ? Ternary.of(policyNamespace.equals(other.namespace()))
                    : namespaces.matches(other.namespaceLabels());
            if (namespace.isFalse()) {
                return namespace;
            }
            Ternary pod = pods == null ? Ternary.TRUE : pods.matches(other.labels());
            if (pod.isUnknown() && pod.unknownBecause().contains(ResolvedEnd.POD_LABELS_UNKNOWN)) {
                pod = Ternary.unknown("the labels of " + other.describe() + " are unknown");
            }
            return namespace.and(pod);
        }

        @Override
        public String toString() {
            return "{" + (pods == null ? "" : "podSelector " + pods) + (pods != null && namespaces != null ? ", " : "")
                    + (namespaces == null ? "" : "namespaceSelector " + namespaces) + "}";
        }
    }

    /** An ipBlock (R4.6, R4.7); matched against pod IPs too, unless the CNI variant says not (R4.8). */
    record Block(IpBlockMatcher block) implements PeerMatcher {

        @Override
        public Ternary matches(ResolvedEnd other, String policyNamespace, Evaluation ev) {
            if (other.ips().isEmpty()) {
                return Ternary.unknown("the IP of " + other.describe() + " is unknown and " + block + " needs it");
            }
            int matched = 0;
            for (IPAddress ip : other.ips()) {
                if (block.matches(ip)) {
                    matched++;
                }
            }
            if (matched > 0 && other.managed()) {
                ev.usedPodIpBlock = true;
                if (!ev.variant.ipBlockMatchesPodIps()) {
                    return Ternary.FALSE;
                }
            }
            if (matched == 0) {
                return Ternary.FALSE;
            }
            if (matched == other.ips().size()) {
                return Ternary.TRUE;
            }
            return Ternary.unknown("R8.4: " + block + " matches only some IPs of " + other.describe()
                    + ", and which IP family the connection used is unknown");
        }

        @Override
        public String toString() {
            return "{" + block + "}";
        }
    }

    /** A peer the API server rejects (no field, or ipBlock with a selector): never decides. */
    record Invalid(String why) implements PeerMatcher {

        @Override
        public Ternary matches(ResolvedEnd other, String policyNamespace, Evaluation ev) {
            return Ternary.unknown(why);
        }

        @Override
        public String toString() {
            return "{invalid: " + why + "}";
        }
    }
}
