package ai.matih.flowwatch.decode;

import java.util.List;

/**
 * The framing of a line format: a record value is read line by line (each line may carry a CRI log prefix or be a
 * server-sent event's {@code data:} field; blank lines and SSE control lines are dropped, as for JSON) and every line
 * is one document for a {@link LineDecoder}. A bad line is rejected with its position; the others are still decoded.
 */
public final class LineFraming implements FormatDecoder {

    private final LineDecoder decoder;

    public LineFraming(LineDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void decode(byte[] value, RecordContext record) {
        List<int[]> lines = Lines.split(value);
        if (lines.size() > record.maxDocuments()) {
            record.rejectTooManyDocuments();
            return;
        }
        if (lines.isEmpty()) {
            record.rejectWhole(RejectReason.EMPTY, "no document (only blank or SSE control lines)");
            return;
        }
        for (int[] line : lines) {
            DocumentContext ctx = record.document(line[Lines.LINE], line[Lines.START], line[Lines.LENGTH]);
            try {
                decoder.decode(value, line[Lines.CONTENT], line[Lines.CONTENT_LENGTH], ctx);
            } catch (DecodeException e) {
                ctx.reject(e.reason(), e.detail());
            } catch (RuntimeException | StackOverflowError e) {
                ctx.reject(
                        RejectReason.INVALID_VALUE,
                        "decoder failure: " + e.getClass().getSimpleName());
            }
            if (!record.endDocument(0)) {
                return;
            }
        }
    }
}
