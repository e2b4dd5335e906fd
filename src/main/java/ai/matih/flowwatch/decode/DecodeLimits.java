package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.decode.json.JsonCodec;

/**
 * What a format's decoders are built with: the limits of one record and the JSON codec built for them (shared by
 * the JSON formats; a line format need not use it).
 *
 * @param maxRecordBytes the largest record value accepted
 * @param maxDocuments   the most documents (JSON values or lines) one record may hold
 * @param maxRejections  the most documents of one record rejected one by one ({@link RecordRejections})
 * @param json           the JSON codec, bounded by {@code maxRecordBytes}
 */
public record DecodeLimits(int maxRecordBytes, int maxDocuments, int maxRejections, JsonCodec json) {

    public DecodeLimits {
        if (maxRecordBytes < 1 || maxDocuments < 1 || maxRejections < 1) {
            throw new IllegalArgumentException("limits must be positive: maxRecordBytes=" + maxRecordBytes
                    + ", maxLinesPerRecord=" + maxDocuments + ", maxRejectionsPerRecord=" + maxRejections);
        }
    }

    /** These limits with a codec built for them. */
    public static DecodeLimits of(int maxRecordBytes, int maxDocuments, int maxRejections) {
        if (maxRecordBytes < 1) {
            return new DecodeLimits(maxRecordBytes, maxDocuments, maxRejections, null);
        }
        return new DecodeLimits(maxRecordBytes, maxDocuments, maxRejections, new JsonCodec(maxRecordBytes));
    }
}
