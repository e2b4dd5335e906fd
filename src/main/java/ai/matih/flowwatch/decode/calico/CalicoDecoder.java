package ai.matih.flowwatch.decode.calico;

import ai.matih.flowwatch.decode.DecodeException;
import ai.matih.flowwatch.decode.DocumentContext;
import ai.matih.flowwatch.decode.RejectReason;
import ai.matih.flowwatch.decode.Shape;
import ai.matih.flowwatch.decode.TreeDecoder;
import ai.matih.flowwatch.decode.json.JsonFields;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The calico topic: Calico Enterprise {@code flows.log} lines and Calico OSS Goldmane flows (emitter JSON,
 * protojson, Whisker API), told apart by their keys.
 */
public final class CalicoDecoder implements TreeDecoder {

    private final CalicoEnterpriseDecoder enterprise = new CalicoEnterpriseDecoder();
    private final GoldmaneDecoder goldmane = new GoldmaneDecoder();

    @Override
    public void decode(JsonNode doc, DocumentContext ctx) {
        if (!doc.isObject()) {
            throw new DecodeException(
                    RejectReason.UNKNOWN_FORMAT, "expected a JSON object, got " + JsonFields.kind(doc));
        }
        Shape shape = Shape.of(doc);
        switch (shape) {
            case CALICO_ENTERPRISE -> ctx.flow(enterprise.decode(doc, ctx.receivedAt()));
            case GOLDMANE -> {
                JsonNode flow = doc.get("flow");
                ctx.flow(goldmane.decodeKeyed(flow != null && flow.isObject() ? flow : doc, ctx.receivedAt()));
            }
            case WHISKER -> ctx.flow(goldmane.decodeWhisker(doc, ctx.receivedAt()));
            case UNKNOWN ->
                throw new DecodeException(
                        RejectReason.UNKNOWN_FORMAT,
                        "not a Calico flow: no Key, source/dest endpoint fields or action");
            default -> throw new DecodeException(RejectReason.MISROUTED, shape.description() + " on the calico topic");
        }
    }
}
