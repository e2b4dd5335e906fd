package ai.matih.flowwatch.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Set;

/**
 * Reads one flat JSON object (a Calico flow log line) from a streaming parser into a small tree that holds only the
 * fields a decoder reads: the decoder then runs on it unchanged, with the same checks and the same errors, while
 * the other fields (byte counters, process names, NAT ports...) are only tokenized, never materialised. Object and
 * array values of wanted fields are decoded once per distinct byte content ({@link SliceCache}) and shared, so a
 * decoder must only read them.
 *
 * <p>Returns null (the caller declines its fast path) when the object has a field named in {@code declineOn} (a
 * sign of another shape or a wrapper), a wanted field twice (the tree would keep the last), or a floating-point
 * number in a wanted field. Thread-safe.
 */
public final class FieldSubset {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonCodec codec;
    private final Set<String> wanted;
    private final Set<String> declineOn;
    /** At most 2,048 × 4 KB of keys (8 MB) however hostile the input; larger values are decoded every time. */
    private final SliceCache<JsonNode> values = new SliceCache<>(2048, 4096);
    private final java.util.function.Function<byte[], JsonNode> parse;

    public FieldSubset(JsonCodec codec, Set<String> wanted, Set<String> declineOn) {
        this.codec = codec;
        this.wanted = Set.copyOf(wanted);
        this.declineOn = Set.copyOf(declineOn);
        this.parse = bytes -> codec.parse(bytes, 0, bytes.length, "value");
    }

    /**
     * Reads the object whose START_OBJECT the parser is on, up to its END_OBJECT.
     *
     * @param value the bytes the parser reads (the whole record value, parsed from offset 0)
     * @return the wanted fields, or null to decline
     */
    public ObjectNode read(JsonParser p, byte[] value) throws IOException {
        ObjectNode out = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (declineOn.contains(name)) {
                return null;
            }
            if (!wanted.contains(name)) {
                p.skipChildren();
                continue;
            }
            JsonNode node = node(p, t, value);
            if (node == null || out.replace(name, node) != null) {
                return null;
            }
        }
        return out;
    }

    private JsonNode node(JsonParser p, JsonToken t, byte[] value) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return TextNode.valueOf(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> IntNode.valueOf(p.getIntValue());
                    case LONG -> LongNode.valueOf(p.getLongValue());
                    default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
                };
            case VALUE_TRUE:
                return BooleanNode.TRUE;
            case VALUE_FALSE:
                return BooleanNode.FALSE;
            case VALUE_NULL:
                return NullNode.instance;
            case START_OBJECT:
            case START_ARRAY:
                long from = p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                long to = p.currentLocation().getByteOffset();
                if (from < 0 || to > value.length || to <= from) {
                    return null;
                }
                return values.get(value, (int) from, (int) to, parse);
            default:
                return null; // floating-point numbers and anything unexpected: the tree path decides
        }
    }
}
