package ai.matih.flowwatch.decode.calico;

import ai.matih.flowwatch.decode.FastPath;
import ai.matih.flowwatch.decode.FastPathFallbacks;
import ai.matih.flowwatch.decode.ScannerFastPath;
import ai.matih.flowwatch.decode.Shape;
import ai.matih.flowwatch.decode.json.FieldSubset;
import ai.matih.flowwatch.decode.json.JsonCodec;
import ai.matih.flowwatch.decode.json.JsonScanner;
import ai.matih.flowwatch.flow.Flow;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Set;

/**
 * The fast path for the calico topic's flat lines (one or several per record): Calico Enterprise {@code flows.log}
 * lines and Goldmane flows (emitter and protojson {@code Key} forms, Whisker API form). A {@link JsonScanner} reads
 * only the fields the decoders and {@link Shape} read into a small tree ({@link FieldSubset}), checking that all it
 * skips is valid JSON, and the tree path's decoders ({@link CalicoEnterpriseDecoder}, {@link GoldmaneDecoder}) then
 * run on that tree, so a flow comes out exactly as from the tree path. Declines (see {@link FastPath}) on a
 * {@code flow} wrapper, wrappers, any key of another shape, and anything the decoders reject.
 *
 * <p>Thread-safe.
 */
public final class CalicoFastPath extends ScannerFastPath {

    /** What CalicoEnterpriseDecoder, GoldmaneDecoder and Shape's Calico tests read (both spellings). */
    public static final Set<String> WANTED = Set.of(
            "start_time",
            "end_time",
            "@timestamp",
            "action",
            "proto",
            "dest_port",
            "source_port",
            "source_type",
            "source_namespace",
            "source_name",
            "source_name_aggr",
            "source_ip",
            "source_labels",
            "dest_type",
            "dest_namespace",
            "dest_name",
            "dest_name_aggr",
            "dest_ip",
            "dest_labels",
            "policies",
            "num_flows_started",
            "num_flows",
            "reporter",
            "host",
            // Goldmane: the Key object (emitter, protojson) or the flat Whisker form, snake_case or camelCase
            "Key",
            "key",
            "protocol",
            "startTime",
            "endTime",
            "destPort",
            "sourceType",
            "sourceNamespace",
            "sourceName",
            "sourceLabels",
            "destType",
            "destNamespace",
            "destName",
            "destLabels",
            "num_connections_started",
            "numConnectionsStarted");

    /** Keys by which Shape tells other shapes (and RecordDecoder a shipper's wrapper): the tree path decides. */
    private static final Set<String> OTHER_SHAPES = Set.of(
            "flow",
            "lost_events",
            "agent_event",
            "debug_event",
            "kind",
            "apiVersion",
            "auditID",
            "stage",
            "verb",
            "requestURI",
            "items",
            "properties",
            "protoPayload",
            "verdict",
            "IP",
            "l4",
            "drop_reason_desc",
            "trace_observation_point",
            "event_type",
            "log");

    private final FieldSubset subset;
    private final CalicoEnterpriseDecoder enterprise = new CalicoEnterpriseDecoder();
    private final GoldmaneDecoder goldmane = new GoldmaneDecoder();

    public CalicoFastPath(JsonCodec codec) {
        this(codec, new FastPathFallbacks("calico"));
    }

    /** @param fallbacks where the declines are counted */
    public CalicoFastPath(JsonCodec codec, FastPathFallbacks fallbacks) {
        super(fallbacks);
        this.subset = new FieldSubset(codec, WANTED, OTHER_SHAPES);
    }

    @Override
    protected Flow document(JsonScanner s, byte[] value, Instant receivedAt) {
        ObjectNode fields = subset.read(s, value);
        if (fields == null) {
            throw DECLINE;
        }
        return switch (Shape.of(fields)) {
            case CALICO_ENTERPRISE -> enterprise.decode(fields, receivedAt);
            case GOLDMANE -> goldmane.decodeKeyed(fields, receivedAt);
            case WHISKER -> goldmane.decodeWhisker(fields, receivedAt);
            default -> throw DECLINE;
        };
    }
}
