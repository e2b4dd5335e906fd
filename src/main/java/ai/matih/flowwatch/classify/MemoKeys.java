package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.policy.Connection;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.Topology;
import java.util.List;
import java.util.Map;

/**
 * Sizes of the policy memo's keys. A connection whose texts (names, labels, IPs, ports, node) stay within
 * {@link #EXACT_KEY_CHARS} is its own key: exact, and as cheap to look up as a record. A larger one (a record carrying
 * many or long labels) is keyed by its {@link ConnectionDigest}, so what the memo holds per connection is bounded
 * either way. Pure.
 */
final class MemoKeys {

    /** The most chars of text a connection may carry and still be kept whole as a memo key. */
    static final int EXACT_KEY_CHARS = 2048;

    private static final int CONNECTION_BYTES = 48;
    private static final int ENDPOINT_BYTES = 64;
    private static final int COPIED_MAP_BYTES = 32;
    private static final int ENTRY_BYTES = 16;
    private static final int TEXT_BYTES = 40;

    private MemoKeys() {}

    /**
     * True when the endpoints' texts exceed {@link #EXACT_KEY_CHARS}. Reads lengths only (no hashing, no allocation)
     * and stops as soon as the threshold is passed, so a record costs at most {@link #EXACT_KEY_CHARS} chars' worth
     * of length reads here whatever it carries: less than the key's own hash and equality, which read every char.
     */
    static boolean large(PolicyEndpoint source, PolicyEndpoint destination) {
        long left = EXACT_KEY_CHARS - chars(source, EXACT_KEY_CHARS);
        return left < 0 || chars(destination, left) > left;
    }

    /**
     * An upper estimate of the heap a connection kept whole as a key holds beyond the topology: a pod the topology
     * knows shares its labels, IPs and ports with it (its namespace's labels are counted as if copied, though a known
     * namespace's are shared too);
     * anything else the record gave counts whole, texts at two bytes a char.
     */
    static long exactBytes(Connection connection, Topology topology) {
        return CONNECTION_BYTES + bytes(connection.source(), topology) + bytes(connection.destination(), topology);
    }

    private static long bytes(PolicyEndpoint endpoint, Topology topology) {
        if (endpoint instanceof PolicyEndpoint.Address a) {
            return ENDPOINT_BYTES + text(a.ip()) + text(a.node());
        }
        PolicyEndpoint.Pod pod = (PolicyEndpoint.Pod) endpoint;
        Map<String, String> namespaceLabels = pod.namespaceLabels();
        long copied = namespaceLabels == null ? 0 : COPIED_MAP_BYTES + (long) ENTRY_BYTES * namespaceLabels.size();
        PodInfo known = topology.pod(pod.namespace(), pod.name());
        if (known != null && known.labels() == pod.labels() && known.ips() == pod.ips()) {
            return ENDPOINT_BYTES + copied;
        }
        long bytes = ENDPOINT_BYTES
                + copied
                + text(pod.namespace())
                + text(pod.name())
                + text(pod.node())
                + labels(pod.labels())
                + labels(namespaceLabels);
        for (String ip : pod.ips()) {
            bytes += ENTRY_BYTES + text(ip);
        }
        if (pod.ports() != null) {
            for (PodInfo.ContainerPort p : pod.ports()) {
                bytes += ENDPOINT_BYTES / 2 + text(p.name()) + text(p.protocol());
            }
        }
        return bytes;
    }

    private static long labels(Map<String, String> labels) {
        if (labels == null) {
            return 0;
        }
        long bytes = COPIED_MAP_BYTES;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            bytes += ENTRY_BYTES + text(e.getKey()) + text(e.getValue());
        }
        return bytes;
    }

    /** The endpoint's chars, or some count past {@code limit} as soon as it is passed. */
    private static long chars(PolicyEndpoint endpoint, long limit) {
        if (endpoint instanceof PolicyEndpoint.Address a) {
            return length(a.ip()) + length(a.node());
        }
        PolicyEndpoint.Pod pod = (PolicyEndpoint.Pod) endpoint;
        long n = length(pod.namespace()) + length(pod.name()) + length(pod.node());
        for (int i = 0; i < pod.ips().size() && n <= limit; i++) {
            n += length(pod.ips().get(i));
        }
        n = labelChars(pod.labels(), n, limit);
        n = labelChars(pod.namespaceLabels(), n, limit);
        List<PodInfo.ContainerPort> ports = pod.ports();
        for (int i = 0; ports != null && i < ports.size() && n <= limit; i++) {
            PodInfo.ContainerPort p = ports.get(i);
            n += length(p.name()) + length(p.protocol()) + 1;
        }
        return n;
    }

    private static long labelChars(Map<String, String> labels, long n, long limit) {
        if (labels == null || n > limit) {
            return n;
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            n += e.getKey().length() + e.getValue().length();
            if (n > limit) {
                return n;
            }
        }
        return n;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    private static long text(String s) {
        return s == null ? 0 : TEXT_BYTES + 2L * s.length();
    }
}
