package ai.matih.flowwatch.ingest.calico;

import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.ingest.FastPath;
import ai.matih.flowwatch.ingest.FieldSubset;
import ai.matih.flowwatch.ingest.JsonCodec;
import ai.matih.flowwatch.ingest.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The fast path for Calico Enterprise {@code flows.log} lines (one or several per record): Jackson's streaming parser
 * materialises only the fields {@link CalicoEnterpriseDecoder} reads ({@link FieldSubset}), and that decoder then
 * runs on them, so a flow comes out exactly as from the tree path. Declines (see {@link FastPath}) on Goldmane and
 * Whisker flows, wrappers, any key of another shape, and anything the decoder rejects.
 *
 * <p>Thread-safe.
 */
public final class CalicoStreamReader implements FastPath {

    /** What CalicoEnterpriseDecoder and Shape's Calico tests read. */
    private static final Set<String> WANTED = Set.of("start_time", "end_time", "@timestamp", "action", "proto",
            "dest_port", "source_port", "source_type", "source_namespace", "source_name", "source_name_aggr",
            "source_ip", "source_labels", "dest_type", "dest_namespace", "dest_name", "dest_name_aggr", "dest_ip",
            "dest_labels", "policies", "num_flows_started", "num_flows", "reporter", "host");

    /** Keys by which Shape tells other shapes (and RecordDecoder a shipper's wrapper): the tree path decides. */
    private static final Set<String> OTHER_SHAPES = Set.of("flow", "Key", "key", "lost_events", "agent_event",
            "debug_event", "kind", "apiVersion", "auditID", "stage", "verb", "requestURI", "items", "properties",
            "protoPayload", "verdict", "IP", "l4", "drop_reason_desc", "trace_observation_point", "event_type",
            "protocol", "log");

    private final JsonCodec codec;
    private final FieldSubset subset;
    private final CalicoEnterpriseDecoder enterprise = new CalicoEnterpriseDecoder();

    public CalicoStreamReader(JsonCodec codec) {
        this.codec = codec;
        this.subset = new FieldSubset(codec, WANTED, OTHER_SHAPES);
    }

    @Override
    public boolean decode(byte[] value, Instant receivedAt, int maxDocuments, List<Flow> out) {
        try (JsonParser p = codec.factory().createParser(value)) {
            int documents = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_OBJECT || ++documents > maxDocuments) {
                    return false;
                }
                ObjectNode fields = subset.read(p, value);
                if (fields == null || Shape.of(fields) != Shape.CALICO_ENTERPRISE) {
                    return false;
                }
                out.add(enterprise.decode(fields, receivedAt));
            }
            return documents > 0;
        } catch (IOException | RuntimeException e) {
            // a syntax error, a read constraint or the decoder's DecodeException: the full path judges it
            return false;
        }
    }
}
