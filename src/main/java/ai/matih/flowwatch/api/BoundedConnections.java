package ai.matih.flowwatch.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code connections} array of an {@link EvaluateRequest} one element at a time and stops at the first
 * element beyond {@link WhatIf#MAX_CONNECTIONS}: a body of millions of tiny connections never becomes millions of
 * objects.
 */
public final class BoundedConnections extends JsonDeserializer<List<EvaluateRequest.ConnectionSpec>> {

    @Override
    public List<EvaluateRequest.ConnectionSpec> deserialize(JsonParser p, DeserializationContext ctxt)
            throws IOException {
        if (!p.isExpectedStartArrayToken()) {
            return (List<EvaluateRequest.ConnectionSpec>) ctxt.handleUnexpectedToken(List.class, p);
        }
        JsonDeserializer<Object> element =
                ctxt.findRootValueDeserializer(ctxt.constructType(EvaluateRequest.ConnectionSpec.class));
        List<EvaluateRequest.ConnectionSpec> connections = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (connections.size() == WhatIf.MAX_CONNECTIONS) {
                throw new TooMany(p);
            }
            connections.add(
                    t == JsonToken.VALUE_NULL ? null : (EvaluateRequest.ConnectionSpec) element.deserialize(p, ctxt));
        }
        return connections;
    }

    /** More connections than a request may carry; the parse stops at the first one too many. */
    static final class TooMany extends JsonMappingException {

        TooMany(JsonParser p) {
            super(p, "more than " + WhatIf.MAX_CONNECTIONS + " connections");
        }
    }
}
