package ai.matih.flowwatch.topology;

/**
 * A manifest that cannot be loaded. The message names the source (file or resource), the document (1-based, in
 * file order; items of a {@code kind: List} as {@code document 3, item 2}) and the offending field.
 */
public class ManifestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String document;
    private final String field;

    /**
     * @param source   file path or resource name
     * @param document document position ("document 3", "document 1, item 2"), or null for the whole source
     * @param field    offending field (dotted path), or null when the document as a whole is bad
     * @param problem  what is wrong
     * @param cause    underlying exception, or null
     */
    public ManifestException(String source, String document, String field, String problem, Throwable cause) {
        super(message(source, document, field, problem), cause);
        this.source = source;
        this.document = document;
        this.field = field;
    }

    private static String message(String source, String document, String field, String problem) {
        StringBuilder sb = new StringBuilder(source);
        if (document != null) {
            sb.append(", ").append(document);
        }
        if (field != null) {
            sb.append(", field ").append(field);
        }
        return sb.append(": ").append(problem).toString();
    }

    /** File path or resource name. */
    public String source() {
        return source;
    }

    /** Document position, or null. */
    public String document() {
        return document;
    }

    /** Offending field, or null. */
    public String field() {
        return field;
    }
}
