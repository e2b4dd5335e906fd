package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.flow.Flow;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records what a decoder delivers, and runs the decoder for tests. */
public class RecordingSink implements DecodeSink {

    public record Skip(String kind, long lostEvents) {}

    public final List<Flow> flows = new ArrayList<>();
    public final List<AuditEvent> audits = new ArrayList<>();
    public final List<Skip> skips = new ArrayList<>();
    public final List<Rejection> rejections = new ArrayList<>();

    @Override
    public void flow(Flow flow) {
        flows.add(flow);
    }

    @Override
    public void audit(AuditEvent event) {
        audits.add(event);
    }

    @Override
    public void skipped(String kind, long lostEvents) {
        skips.add(new Skip(kind, lostEvents));
    }

    @Override
    public void rejected(Rejection rejection) {
        rejections.add(rejection);
    }

    public static final RecordDecoder DECODER = new RecordDecoder(1_048_576, 10_000);

    public static RecordingSink decode(FlowFormat kind, String value) {
        return decode(kind, value.getBytes(StandardCharsets.UTF_8));
    }

    public static RecordingSink decode(FlowFormat kind, byte[] value) {
        RecordingSink sink = new RecordingSink();
        DECODER.decode(kind, value, sink);
        return sink;
    }

    public static byte[] sample(String name) {
        try (InputStream in = RecordingSink.class.getResourceAsStream("/samples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sampleText(String name) {
        return new String(sample(name), StandardCharsets.UTF_8);
    }
}
