package ai.matih.flowwatch.decode;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Decodes one unwrapped JSON document of a JSON format; {@link JsonFraming} finds the documents of a record and
 * calls it once per document (or array element). Throws {@link DecodeException} for a bad document.
 */
public interface TreeDecoder {

    void decode(JsonNode document, DocumentContext context);
}
