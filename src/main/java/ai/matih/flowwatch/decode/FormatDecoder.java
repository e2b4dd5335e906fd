package ai.matih.flowwatch.decode;

/**
 * Decodes the bytes of one record value of a format's topic. {@link RecordDecoder} has already checked the value
 * (not empty, within the size limit, valid UTF-8, not blank) and tried the format's {@link FastPath}; the decoder
 * finds the documents of the value, decodes each through {@link RecordContext#document} and ends each with
 * {@link RecordContext#endDocument}. JSON formats use {@link JsonFraming} over a {@link TreeDecoder}; line formats
 * use {@link LineFraming} over a {@link LineDecoder} (docs/adding-a-format.md).
 *
 * <p>Implementations are thread-safe; anything thrown is caught by {@link RecordDecoder} and rejects the record.
 */
public interface FormatDecoder {

    void decode(byte[] value, RecordContext record);
}
