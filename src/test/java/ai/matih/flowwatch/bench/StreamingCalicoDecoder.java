package ai.matih.flowwatch.bench;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.DecodeSink;
import ai.matih.flowwatch.decode.DocumentContext;
import ai.matih.flowwatch.decode.Rejection;
import ai.matih.flowwatch.decode.calico.CalicoDecoder;
import ai.matih.flowwatch.decode.calico.CalicoFastPath;
import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.decode.json.SliceCache;
import ai.matih.flowwatch.flow.Flow;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The yardstick for the Calico fast path: Calico Enterprise and Goldmane lines read with Jackson's streaming parser
 * into a small tree of only the fields the decoders read (the fast path's design, with {@link JsonParser} instead of
 * the hand-written scanner), skipping the rest with {@link JsonParser#skipChildren()}; the production tree decoder
 * ({@link CalicoDecoder}) then runs on that tree, as it does on the fast path's. Object and array values (labels,
 * policies, the Goldmane Key) are read into trees every time or, when {@code cacheValues}, once per distinct byte
 * content, as the fast path does. JsonScannerBenchmarkEquivalenceTest checks the flows equal the production
 * decoder's on every benchmark record.
 */
final class StreamingCalicoDecoder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The fields the Calico decoders and the shape test read: the fast path's own list. */
    private static final Set<String> WANTED = CalicoFastPath.WANTED;

    private final JsonCodec codec;
    private final JsonFactory factory;
    private final CalicoDecoder decoder = new CalicoDecoder();
    private final SliceCache<JsonNode> values;

    /** @param cacheValues decode each distinct object or array value once, as the fast path does */
    StreamingCalicoDecoder(JsonCodec codec, boolean cacheValues) {
        this.codec = codec;
        this.factory = codec.factory();
        this.values = cacheValues ? new SliceCache<>(2048, 4096) : null;
    }

    /** The flows of every line of {@code value}. */
    List<Flow> decode(byte[] value, Instant receivedAt) {
        Collector flows = new Collector();
        try (JsonParser p = factory.createParser(value)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw new IllegalArgumentException("not an object at " + p.currentTokenLocation());
                }
                ObjectNode fields = subset(p, value);
                decoder.decode(fields, new DocumentContext(flows, 1, 0, value.length, receivedAt));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return flows.flows;
    }

    private ObjectNode subset(JsonParser p, byte[] value) throws IOException {
        ObjectNode out = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (WANTED.contains(name)) {
                out.set(name, node(p, t, value));
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    private JsonNode node(JsonParser p, JsonToken t, byte[] value) throws IOException {
        return switch (t) {
            case VALUE_STRING -> TextNode.valueOf(p.getText());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.instance;
            case VALUE_NUMBER_INT ->
                p.getNumberType() == JsonParser.NumberType.INT
                        ? IntNode.valueOf(p.getIntValue())
                        : LongNode.valueOf(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> DoubleNode.valueOf(p.getDoubleValue());
            case START_OBJECT, START_ARRAY -> container(p, value);
            default -> throw new IllegalArgumentException("unexpected " + t);
        };
    }

    private JsonNode container(JsonParser p, byte[] value) throws IOException {
        if (values == null) {
            return p.readValueAsTree();
        }
        int from = (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        int to = (int) p.currentLocation().getByteOffset();
        return values.get(value, from, to, bytes -> codec.parse(bytes, 0, bytes.length, "value"));
    }

    /** Keeps the flows; anything else the decoder delivers is a benchmark record it should not have. */
    private static final class Collector implements DecodeSink {
        final List<Flow> flows = new ArrayList<>(2);

        @Override
        public void flow(Flow flow) {
            flows.add(flow);
        }

        @Override
        public void audit(AuditEvent event) {
            throw new IllegalStateException("an audit event on the calico topic");
        }

        @Override
        public void skipped(String kind, long lostEvents) {
            throw new IllegalStateException("skipped " + kind);
        }

        @Override
        public void rejected(Rejection rejection) {
            throw new IllegalStateException("rejected: " + rejection);
        }
    }
}
