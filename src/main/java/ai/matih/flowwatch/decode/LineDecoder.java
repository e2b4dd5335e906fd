package ai.matih.flowwatch.decode;

/**
 * Decodes one line of a line format (a text flow log, one flow per line); {@link LineFraming} splits a record into
 * lines and calls it once per line that carries a document. Throws {@link DecodeException} for a bad line.
 */
public interface LineDecoder {

    /**
     * @param value  the whole record value
     * @param offset where the line's content starts (after a CRI prefix or an SSE {@code data:} field name)
     * @param length the content's length in bytes, trailing whitespace removed
     */
    void decode(byte[] value, int offset, int length, DocumentContext context);
}
