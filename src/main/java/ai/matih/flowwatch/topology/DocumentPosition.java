package ai.matih.flowwatch.topology;

/**
 * Where a manifest document sits, for error messages.
 *
 * @param source   file path or resource name
 * @param document "document 3" or "document 1, item 2"
 */
record DocumentPosition(String source, String document) {

    static DocumentPosition of(String source, int document) {
        return new DocumentPosition(source, "document " + document);
    }

    DocumentPosition item(int item) {
        return new DocumentPosition(source, document + ", item " + item);
    }

    ManifestException error(String field, String problem) {
        return new ManifestException(source, document, field, problem, null);
    }

    ManifestException error(String field, String problem, Throwable cause) {
        return new ManifestException(source, document, field, problem, cause);
    }
}
