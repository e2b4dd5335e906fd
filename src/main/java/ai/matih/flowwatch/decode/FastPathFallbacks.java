package ai.matih.flowwatch.decode;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often the fast path of one format declined a record, by reason; the record then took the tree path, which
 * judges it exactly. Counted only on a decline (the happy path touches nothing). Thread-safe.
 */
public final class FastPathFallbacks {

    /** The counter {@link #bindTo} registers: {@code flowwatch_fast_path_fallbacks_total{format,reason}}. */
    public static final String METER = "flowwatch.fast.path.fallbacks";

    /** Why a fast path declined; {@link #tag()} is a bounded metric tag value. */
    public enum Reason {
        /** Not the plain shape the fast path reads (a wrapper, a non-flow line, escapes, a syntax error...). */
        SHAPE("shape"),
        /** A document the shared decoders reject (missing field, wrong type): the tree path gives the reason. */
        DECODE_ERROR("decode-error"),
        /** A flow with a field outside the input bounds: the tree path rejects or clips it. */
        OUT_OF_BOUNDS("out-of-bounds"),
        /** More documents than a record may hold. */
        TOO_MANY_DOCUMENTS("too-many-documents"),
        /** A top-level value that is not an object, or no document at all. */
        NOT_AN_OBJECT("not-an-object"),
        /** An unexpected exception of the fast path's own code. */
        FAILURE("failure");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private static final Reason[] REASONS = Reason.values();

    private final String format;
    private final LongAdder[] counts = new LongAdder[REASONS.length];

    /** @param format the bounded name of the format ({@code hubble}, {@code calico}), the metric's format tag */
    public FastPathFallbacks(String format) {
        this.format = format;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public String format() {
        return format;
    }

    /** Counts one decline. */
    public void record(Reason reason) {
        counts[reason.ordinal()].increment();
    }

    /** Declines so far for {@code reason}. */
    public long count(Reason reason) {
        return counts[reason.ordinal()].sum();
    }

    /** Declines so far, all reasons. */
    public long total() {
        long sum = 0;
        for (LongAdder count : counts) {
            sum += count.sum();
        }
        return sum;
    }

    /** Registers one counter per reason, tagged with this format and the reason, reading these counts. */
    public void bindTo(MeterRegistry registry) {
        for (Reason reason : REASONS) {
            FunctionCounter.builder(METER, this, f -> f.count(reason))
                    .description("Records the fast path left to the full decoder, by format and reason")
                    .tags("format", format, "reason", reason.tag())
                    .register(registry);
        }
    }
}
