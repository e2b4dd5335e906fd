package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.policy.CniProfile;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Locale;

/** How the policy axis is judged. */
@ConfigMapping(prefix = "flowwatch.policy")
public interface ClassifyConfig {

    /**
     * How the CNI implements what Kubernetes leaves to it: {@code conformance} (ipBlock matches pod IPs,
     * endPort enforced, hostNetwork pods seen as their node: the upstream e2e behaviour, Calico),
     * {@code ipblock-ignores-pod-ips} (Cilium, Terway) or {@code unknown} (results that depend on these
     * behaviours are INDETERMINATE).
     */
    @WithDefault("conformance")
    String cni();

    /**
     * The most heap, in estimated bytes, that memoised policy decisions may hold per topology snapshot: each
     * distinct connection costs its key (the connection itself when its endpoints carry at most 2,048 chars of
     * names, labels and addresses, else a 32-byte digest of them) plus its decision with its texts. Past it the memo
     * is emptied and refilled on demand (counter {@code flowwatch_policy_memo_clears_total}, gauge
     * {@code flowwatch_policy_memo_bytes}); 0 memoises nothing. A connection between two pods the topology does not
     * list, each with ten labels from its record, is estimated at about 4 KB: the default holds about 12,000 of them
     * (16 MiB held 4,000, fewer than a port scan and a few hundred pods' traffic make, and the memo was then emptied
     * about twice a second in an attack mix and everything judged again).
     */
    @WithDefault("50331648")
    long memoBytes();

    /** The profile named by {@link #cni()}. */
    default CniProfile cniProfile() {
        return switch (cni().trim().toLowerCase(Locale.ROOT)) {
            case "conformance" -> CniProfile.CONFORMANCE;
            case "ipblock-ignores-pod-ips", "cilium" -> CniProfile.IPBLOCK_IGNORES_POD_IPS;
            case "unknown" -> CniProfile.UNKNOWN;
            default ->
                throw new IllegalArgumentException("flowwatch.policy.cni='" + cni()
                        + "' is not one of conformance, ipblock-ignores-pod-ips, unknown");
        };
    }
}
