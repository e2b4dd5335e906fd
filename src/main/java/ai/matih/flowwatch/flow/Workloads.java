package ai.matih.flowwatch.flow;

import java.util.Map;

/** Derives a workload name from a pod name or an aggregated name, the way controllers name their pods. */
public final class Workloads {

    private Workloads() {}

    /**
     * The workload a pod belongs to: strips a Calico aggregation suffix ({@code -*}), the ReplicaSet
     * {@code pod-template-hash} segment and the pod's own random suffix, or a StatefulSet ordinal.
     * Returns null for a null name.
     */
    public static String of(String podOrAggregatedName, Map<String, String> labels) {
        if (podOrAggregatedName == null || podOrAggregatedName.isEmpty() || "-".equals(podOrAggregatedName)) {
            return null;
        }
        String name = podOrAggregatedName;
        boolean aggregated = name.endsWith("-*");
        if (aggregated) {
            name = name.substring(0, name.length() - 2);
        }
        String hash = labels == null ? null : labels.get("pod-template-hash");
        if (hash != null) {
            int at = name.lastIndexOf("-" + hash);
            if (at > 0) {
                return name.substring(0, at);
            }
        }
        if (aggregated) {
            return name;
        }
        String revisionHash = labels == null ? null : labels.get("controller-revision-hash");
        int dash = name.lastIndexOf('-');
        if (dash <= 0) {
            return name;
        }
        String last = name.substring(dash + 1);
        if (revisionHash != null || isOrdinal(last)) {
            // StatefulSet pod (name-0) or DaemonSet pod (name-xxxxx)
            return name.substring(0, dash);
        }
        // Deployment pod: name-<rs hash>-<5 chars>
        String rest = name.substring(0, dash);
        int dash2 = rest.lastIndexOf('-');
        if (last.length() == 5 && dash2 > 0 && looksLikeHash(rest.substring(dash2 + 1))) {
            return rest.substring(0, dash2);
        }
        return name;
    }

    private static boolean isOrdinal(String s) {
        if (s.isEmpty() || s.length() > 5) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean looksLikeHash(String s) {
        if (s.length() < 6 || s.length() > 10) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isDigit(c) || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }
}
