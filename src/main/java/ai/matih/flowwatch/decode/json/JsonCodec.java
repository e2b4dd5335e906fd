package ai.matih.flowwatch.decode.json;

import ai.matih.flowwatch.decode.DecodeException;
import ai.matih.flowwatch.decode.RecordDecoder;
import ai.matih.flowwatch.decode.RejectReason;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The one Jackson factory and mapper of a {@link RecordDecoder}, with read constraints against deep nesting and
 * huge strings, and the mapping of Jackson failures to bounded reasons. Thread-safe.
 */
public final class JsonCodec {

    /** Deepest nesting accepted (audit request bodies are the deepest legitimate documents). */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Longest string value accepted. */
    public static final int MAX_STRING_LENGTH = 512 * 1024;

    private final JsonFactory factory;
    private final ObjectMapper mapper;

    public JsonCodec(int maxRecordBytes) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxStringLength(Math.max(1024, Math.min(MAX_STRING_LENGTH, maxRecordBytes)))
                .maxNumberLength(64)
                .maxNameLength(4096)
                .build();
        this.factory = JsonFactory.builder().streamReadConstraints(constraints).build();
        this.mapper = new ObjectMapper(factory);
    }

    public JsonFactory factory() {
        return factory;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Parses exactly one JSON value from a byte range; trailing non-whitespace is invalid. */
    public JsonNode parse(byte[] bytes, int offset, int length, String what) {
        try (JsonParser parser = factory.createParser(bytes, offset, length)) {
            return readSingle(parser, what);
        } catch (DecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw failure(e, what);
        }
    }

    /** Parses exactly one JSON value from a string (a shipper's {@code log} field, an AKS string). */
    public JsonNode parse(String text, String what) {
        try (JsonParser parser = factory.createParser(text)) {
            return readSingle(parser, what);
        } catch (DecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw failure(e, what);
        }
    }

    private JsonNode readSingle(JsonParser parser, String what) throws IOException {
        if (parser.nextToken() == null) {
            throw new DecodeException(RejectReason.INVALID_JSON, what + ": no JSON value");
        }
        JsonNode node = mapper.readTree(parser);
        if (parser.nextToken() != null) {
            throw new DecodeException(RejectReason.INVALID_JSON, what + ": trailing content after the JSON value");
        }
        return node;
    }

    /** True when the failure is input ending inside a value (a truncated or multi-line document). */
    public static boolean isEndOfInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonEOFException) {
                return true;
            }
        }
        return false;
    }

    /** Maps a Jackson (or other) failure to a rejection reason and a one-line detail. */
    public static DecodeException failure(Throwable e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DecodeException d) {
                return d;
            }
            if (t instanceof StreamConstraintsException sce) {
                String msg = String.valueOf(sce.getOriginalMessage());
                if (msg.contains("nesting depth")) {
                    return new DecodeException(
                            RejectReason.TOO_DEEP, what + ": nested deeper than " + MAX_NESTING_DEPTH + " levels");
                }
                return new DecodeException(RejectReason.INVALID_VALUE, what + ": " + JsonFields.clip(msg));
            }
        }
        if (e instanceof JsonProcessingException jpe) {
            String msg = jpe.getOriginalMessage();
            String first =
                    msg == null ? "syntax error" : msg.lines().findFirst().orElse("syntax error");
            String where = jpe.getLocation() == null
                    ? ""
                    : " at line " + jpe.getLocation().getLineNr() + " column "
                            + jpe.getLocation().getColumnNr();
            String kind = isEndOfInput(e) ? "truncated JSON" : "invalid JSON";
            return new DecodeException(
                    RejectReason.INVALID_JSON, what + ": " + kind + where + ": " + JsonFields.clip(first));
        }
        return new DecodeException(
                RejectReason.INVALID_JSON, what + ": " + e.getClass().getSimpleName());
    }

    /** True when the token starts a JSON value that can be a document. */
    public static boolean isValueStart(JsonToken token) {
        return token != null && token != JsonToken.NOT_AVAILABLE;
    }
}
