package ai.matih.flowwatch.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster DNS pods: a namespace and the pod labels (ANDed) that identify them.
 *
 * @param namespace namespace of the DNS pods
 * @param labels    label selector, never empty
 */
public record DnsSelector(String namespace, Map<String, String> labels) {

    public DnsSelector {
        Objects.requireNonNull(namespace, "namespace");
        labels = Map.copyOf(labels);
        if (namespace.isBlank()) {
            throw new IllegalArgumentException("has an empty namespace");
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("has no labels");
        }
    }

    /** Parses {@code <namespace>/<key>=<value>[,<key>=<value>...]}; throws IllegalArgumentException saying what is wrong. */
    public static DnsSelector parse(String spec) {
        String text = spec == null ? "" : spec.trim();
        int slash = text.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("has no '<namespace>/' prefix");
        }
        String namespace = text.substring(0, slash).trim();
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : text.substring(slash + 1).split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("has a malformed label '" + pair.trim() + "'");
            }
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return new DnsSelector(namespace, labels);
    }
}
