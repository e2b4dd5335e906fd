package ai.matih.flowwatch.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.Map;

/** Estimates of the heap a {@link TopologyChange} holds in the overlay: texts at two bytes a char. Pure. */
final class ChangeSizes {

    /** The record, its instant, and the overlay's map entry with its key. */
    private static final int FIXED_BYTES = 160;

    private static final int ENTRY_BYTES = 16;
    /** The object graph of a parsed NetworkPolicy takes about four times its JSON text. */
    private static final int POLICY_PER_JSON_BYTE = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeSizes() {}

    static long namespace(String name, Map<String, String> labels) {
        long bytes = FIXED_BYTES + 2 * text(name);
        for (Map.Entry<String, String> e : labels.entrySet()) {
            bytes += ENTRY_BYTES + text(e.getKey()) + text(e.getValue());
        }
        return bytes;
    }

    /** A written policy ({@code policy} non-null) or a deletion. */
    static long policy(String key, NetworkPolicy policy) {
        long bytes = FIXED_BYTES + text(key);
        if (policy == null) {
            return bytes;
        }
        try {
            return bytes + (long) POLICY_PER_JSON_BYTE * JSON.writeValueAsBytes(policy).length;
        } catch (JsonProcessingException e) {
            return Long.MAX_VALUE / 4; // cannot be sized: never fits a bounded overlay
        }
    }

    private static long text(String s) {
        return s == null ? 0 : 40 + 2L * s.length();
    }
}
