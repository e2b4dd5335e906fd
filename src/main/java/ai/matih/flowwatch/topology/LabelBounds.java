package ai.matih.flowwatch.topology;

import java.util.Map;

/**
 * How many labels, and how many bytes of them, one object (a namespace, an endpoint of a record) may carry. The
 * decoders reject a record past them; the audit stream's changes are held to them as the labels they leave. Pure.
 */
public final class LabelBounds {

    /** Most labels of one object. Kubernetes sets no count limit; real objects carry tens. */
    public static final int MAX_LABELS = 128;
    /** Most bytes of label keys and values of one object. One label is at most 380 bytes (253 + '/' + 63, 63). */
    public static final int MAX_LABEL_BYTES = 16 * 1024;

    private LabelBounds() {}

    /** True when {@code labels} are within {@link #MAX_LABELS} and {@link #MAX_LABEL_BYTES} (chars of the texts). */
    public static boolean within(Map<String, String> labels) {
        if (labels.size() > MAX_LABELS) {
            return false;
        }
        long bytes = 0;
        for (Map.Entry<String, String> label : labels.entrySet()) {
            bytes += length(label.getKey()) + length(label.getValue());
        }
        return bytes <= MAX_LABEL_BYTES;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }
}
