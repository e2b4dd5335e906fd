package ai.matih.flowwatch.policy;

import java.util.Objects;

/**
 * What the CNI does where NetworkPolicy behaviour is left to it. A verdict that changes when one of these switches is
 * flipped is <em>CNI-dependent</em>: the engine always says so ({@link PolicyResult#cniDependent()}); when the profile
 * says {@link Support#UNKNOWN} for a switch the verdict depends on, the verdict is INDETERMINATE; otherwise the
 * profile's answer is used.
 *
 * @param name                 profile name, for explanations
 * @param ipBlockMatchesPodIps whether an ipBlock matches pod IPs (R4.8: conformance yes, Cilium and Terway no)
 * @param endPort              whether {@code endPort} ranges are enforced (R5.7: without it only {@code port} is)
 * @param hostNetworkAsNode    whether hostNetwork pods are treated as their node IP: not isolated, not matched by
 *                             selectors (R4.9, R7.4, the common implementation); NO means treated like other pods
 * @param otherProtocolsIsolated whether a pod's isolation also covers the protocols NetworkPolicy rules cannot name
 *                             (ICMP, ICMPv6, GRE, ESP...: R5.8): YES means such traffic is denied unless a rule
 *                             without {@code ports} allows it (Calico, Cilium); NO means it is never restricted
 */
public record CniProfile(
        String name,
        Support ipBlockMatchesPodIps,
        Support endPort,
        Support hostNetworkAsNode,
        Support otherProtocolsIsolated) {

    /** The upstream conformance behaviour (E2E, cyclonus, kube-network-policies, Calico): the default. */
    public static final CniProfile CONFORMANCE =
            new CniProfile("conformance", Support.YES, Support.YES, Support.YES, Support.YES);
    /** Cilium- or Terway-like: an ipBlock never matches pod IPs (cilium/cilium#9209, terway#904). */
    public static final CniProfile IPBLOCK_IGNORES_POD_IPS =
            new CniProfile("ipblock-ignores-pod-ips", Support.NO, Support.YES, Support.YES, Support.YES);
    /** Unknown CNI: every verdict that depends on one of the switches is INDETERMINATE. */
    public static final CniProfile UNKNOWN =
            new CniProfile("unknown", Support.UNKNOWN, Support.UNKNOWN, Support.UNKNOWN, Support.UNKNOWN);

    public CniProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ipBlockMatchesPodIps, "ipBlockMatchesPodIps");
        Objects.requireNonNull(endPort, "endPort");
        Objects.requireNonNull(hostNetworkAsNode, "hostNetworkAsNode");
        Objects.requireNonNull(otherProtocolsIsolated, "otherProtocolsIsolated");
    }
}
