package ai.matih.flowwatch.policy;

import inet.ipaddr.IPAddress;
import java.util.List;

/**
 * What the caller knows of the cluster's pods, which decides what an address that no known pod has can be (R8.6).
 *
 * <p>{@link #PARTIAL}: pods may exist that the caller does not know (the live topology without an authoritative pod
 * list), so an unattributed in-cluster address might be one. {@link #complete(List)}: the caller lists every pod (a
 * what-if's manifests describe the whole world), so an address no listed pod has is a non-pod endpoint, unless it is
 * inside one of the declared pod CIDRs, where it might be a pod the list leaves out.
 *
 * @param podsKnown true when every pod is known
 * @param podCidrs  where unlisted pods may still be (only when {@code podsKnown}); prefix blocks
 */
public record PodKnowledge(boolean podsKnown, List<IPAddress> podCidrs) {

    /** Pods may exist that the caller does not know: today's live topology. */
    public static final PodKnowledge PARTIAL = new PodKnowledge(false, List.of());

    public PodKnowledge {
        podCidrs = podsKnown && podCidrs != null ? List.copyOf(podCidrs) : List.of();
    }

    /** Every pod is known; an unlisted address inside {@code podCidrs} (prefix blocks) may still be a pod. */
    public static PodKnowledge complete(List<IPAddress> podCidrs) {
        return new PodKnowledge(true, podCidrs);
    }

    /** A CIDR as its prefix block (host bits dropped), or null when it is not a CIDR with a prefix length. */
    public static IPAddress cidr(String text) {
        return IpBlockMatcher.parseCidr(text);
    }

    /** Whether an address no known pod has might still be a pod. */
    boolean mayBeUnlistedPod(IPAddress ip) {
        if (!podsKnown) {
            return true;
        }
        for (IPAddress cidr : podCidrs) {
            if (cidr.getIPVersion() == ip.getIPVersion() && cidr.contains(ip)) {
                return true;
            }
        }
        return false;
    }
}
