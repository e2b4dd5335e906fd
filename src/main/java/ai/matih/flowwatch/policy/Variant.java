package ai.matih.flowwatch.policy;

/**
 * One assumption about CNI-defined behaviour, used for a single evaluation run. The engine runs the profile's
 * variant and, when a run touched a CNI-defined behaviour, the other variants too, to see whether the verdict
 * depends on it.
 *
 * @param ipBlockMatchesPodIps an ipBlock matches pod IPs (R4.8)
 * @param endPort              endPort ranges are enforced (R5.7)
 * @param hostNetworkAsNode    hostNetwork pods are non-pod node addresses, never isolated (R4.9, R7.4)
 * @param otherProtocolsIsolated isolation covers protocols rules cannot name: only a rule without ports allows them
 *                             (R5.8)
 */
record Variant(
        boolean ipBlockMatchesPodIps, boolean endPort, boolean hostNetworkAsNode, boolean otherProtocolsIsolated) {

    /** The variant a profile stands for (UNKNOWN counts as the conformance behaviour). */
    static Variant of(CniProfile profile) {
        return new Variant(
                profile.ipBlockMatchesPodIps() != Support.NO,
                profile.endPort() != Support.NO,
                profile.hostNetworkAsNode() != Support.NO,
                profile.otherProtocolsIsolated() != Support.NO);
    }

    /** True when the profile does not rule this variant out. */
    boolean possibleUnder(CniProfile profile) {
        return allows(profile.ipBlockMatchesPodIps(), ipBlockMatchesPodIps)
                && allows(profile.endPort(), endPort)
                && allows(profile.hostNetworkAsNode(), hostNetworkAsNode)
                && allows(profile.otherProtocolsIsolated(), otherProtocolsIsolated);
    }

    private static boolean allows(Support support, boolean value) {
        return support == Support.UNKNOWN || (support == Support.YES) == value;
    }
}
