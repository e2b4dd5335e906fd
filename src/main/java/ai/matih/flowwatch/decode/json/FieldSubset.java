package ai.matih.flowwatch.decode.json;

import ai.matih.flowwatch.decode.FastPath;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one flat JSON object (a Calico flow log line) with a {@link JsonScanner} into a small tree that holds only
 * the fields a decoder reads: the decoder then runs on it unchanged, with the same checks and the same errors, while
 * the other fields (byte counters, process names, NAT ports...) are only checked to be valid JSON, never
 * materialised. Object and array values of wanted fields are decoded by Jackson once per distinct byte content
 * ({@link SliceCache}) and shared, so a decoder must only read them.
 *
 * <p>Declines (throws {@link FastPath#DECLINE}, or returns null) when the object has a field named in
 * {@code declineOn} (a sign of another shape or a wrapper), a wanted field twice (the tree would keep the last), a
 * number in a wanted field that is not a plain non-negative integer (the tree path decides those), and whatever
 * the scanner declines (escapes in a wanted string or in any name, unusual JSON). Thread-safe.
 */
public final class FieldSubset {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The object sits at depth 1; what its values hold may nest this much deeper. */
    private static final int VALUE_MAX_DEPTH = JsonScanner.MAX_DEPTH - 1;

    /** Open addressing over the names (wanted, then declineOn); slots hold index + 1, 0 is empty. */
    private final int[] slots;

    private final byte[][] names;
    private final String[] fields;
    private final int wantedCount;
    /** At most 2,048 × 4 KB of keys (8 MB) however hostile the input; larger values are decoded every time. */
    private final SliceCache<JsonNode> values = new SliceCache<>(2048, 4096);

    private final Function<byte[], JsonNode> parse;

    public FieldSubset(JsonCodec codec, Set<String> wanted, Set<String> declineOn) {
        List<String> all = new ArrayList<>(wanted);
        for (String d : declineOn) {
            if (!wanted.contains(d)) {
                all.add(d);
            }
        }
        this.wantedCount = wanted.size();
        this.fields = all.toArray(String[]::new);
        this.names = new byte[fields.length][];
        this.slots = new int[Integer.highestOneBit(Math.max(4, fields.length) * 4) * 2];
        for (int i = 0; i < fields.length; i++) {
            names[i] = fields[i].getBytes(StandardCharsets.UTF_8);
            int slot = hash(names[i], 0, names[i].length) & (slots.length - 1);
            while (slots[slot] != 0) {
                slot = (slot + 1) & (slots.length - 1);
            }
            slots[slot] = i + 1;
        }
        this.parse = bytes -> codec.parse(bytes, 0, bytes.length, "value");
    }

    /**
     * Reads the object whose '{' the scanner is on, up to and including its '}'.
     *
     * @param value the bytes the scanner reads
     * @return the wanted fields, or null to decline
     */
    public ObjectNode read(JsonScanner s, byte[] value) {
        s.expect('{');
        ObjectNode out = NODES.objectNode();
        for (boolean first = true; s.nextMember(first); first = false) {
            int start = s.name();
            int field = find(s, value, start);
            if (field < 0) {
                s.skipValue(1);
                continue;
            }
            if (field >= wantedCount || out.replace(fields[field], node(s, value)) != null) {
                return null;
            }
        }
        return out;
    }

    private JsonNode node(JsonScanner s, byte[] value) {
        byte c = s.peek();
        return switch (c) {
            case '"' -> TextNode.valueOf(s.string());
            case 't', 'f' -> s.bool() ? BooleanNode.TRUE : BooleanNode.FALSE;
            case 'n' -> {
                s.nullValue();
                yield NullNode.instance;
            }
            case '{', '[' -> {
                int from = s.position();
                int to = s.skipContainerUnchecked(VALUE_MAX_DEPTH);
                yield values.get(value, from, to, parse);
            }
            default -> {
                if (c < '0' || c > '9') {
                    throw FastPath.DECLINE; // a negative number (or not JSON): the tree path decides
                }
                long n = s.naturalNumber(0);
                yield n <= Integer.MAX_VALUE ? IntNode.valueOf((int) n) : LongNode.valueOf(n);
            }
        };
    }

    /** The index of the name the scanner just read (at {@code start}), or -1. */
    private int find(JsonScanner s, byte[] b, int start) {
        int slot = hash(b, start, s.nameLength()) & (slots.length - 1);
        while (true) {
            int i = slots[slot] - 1;
            if (i < 0) {
                return -1;
            }
            if (s.nameIs(start, names[i])) {
                return i;
            }
            slot = (slot + 1) & (slots.length - 1);
        }
    }

    private static int hash(byte[] b, int start, int length) {
        if (length == 0) {
            return 0;
        }
        int h = length * 0x9E3779B1 ^ b[start] * 31 ^ b[start + length - 1] * 131 ^ b[start + (length >> 1)] * 7;
        return h ^ (h >>> 15);
    }
}
