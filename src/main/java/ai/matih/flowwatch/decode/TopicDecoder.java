package ai.matih.flowwatch.decode;

import com.fasterxml.jackson.databind.JsonNode;

/** Decodes one unwrapped JSON document of a topic. Throws {@link DecodeException} for a bad document. */
public interface TopicDecoder {

    void decode(JsonNode document, DocumentContext context);
}
