package ai.matih.flowwatch.policy;

import java.util.List;

/**
 * One ingress or egress rule: ports AND peers (R3.2); entries of each list ORed; an empty list matches everything
 * (ports: R3.3; peers, external IPs included: R3.4).
 *
 * @param ref   which rule
 * @param ports parsed port entries
 * @param peers parsed peers
 */
record CompiledRule(RuleRef ref, List<PortMatcher> ports, List<PeerMatcher> peers) {

    CompiledRule {
        ports = List.copyOf(ports);
        peers = List.copyOf(peers);
    }

    /** Evaluates the rule against the other end of the connection. */
    Outcome evaluate(ResolvedEnd other, String policyNamespace, Evaluation ev) {
        Ternary portsMatch = Ternary.TRUE;
        if (!ports.isEmpty()) {
            portsMatch = Ternary.FALSE;
            for (PortMatcher port : ports) {
                portsMatch = portsMatch.or(port.matches(ev));
            }
        }
        Ternary peersMatch = Ternary.TRUE;
        if (!peers.isEmpty() && !portsMatch.isFalse()) {
            peersMatch = Ternary.FALSE;
            for (PeerMatcher peer : peers) {
                peersMatch = peersMatch.or(peer.matches(other, policyNamespace, ev));
                if (peersMatch.isTrue()) {
                    break;
                }
            }
        }
        return new Outcome(ref, portsMatch, peersMatch, portsMatch.and(peersMatch));
    }

    /** The rule as a short text for explanations. */
    String describe() {
        String p = ports.isEmpty() ? "all ports" : ports.toString();
        String q = peers.isEmpty() ? "all peers" : peers.toString();
        return p + " " + (ref.direction() == Direction.INGRESS ? "from " : "to ") + q;
    }

    /**
     * How a rule fared.
     *
     * @param ref    the rule
     * @param ports  whether the ports matched
     * @param peers  whether a peer matched (TRUE and not evaluated when the ports did not match)
     * @param result both
     */
    record Outcome(RuleRef ref, Ternary ports, Ternary peers, Ternary result) {}
}
