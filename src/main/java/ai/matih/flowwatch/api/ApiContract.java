package ai.matih.flowwatch.api;

/**
 * Names of the OpenAPI document's shared parts, declared with the document's frame in {@code package-info.java}
 * (served at {@code /q/openapi}, docs/api.md): the bearer security scheme and the problem answers the operations refer
 * to by name ({@code ref}), each an {@code application/problem+json} {@link Problem} but the 413 of a body over the
 * HTTP server's limit, which that server answers itself, without a body.
 */
public final class ApiContract {

    /** The bearer-token security scheme. */
    public static final String BEARER = "bearer";

    /** The problem answers, by name under {@code #/components/responses/}. */
    public static final String BAD_REQUEST = "BadRequest";

    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String NOT_FOUND = "NotFound";
    public static final String PAYLOAD_TOO_LARGE = "PayloadTooLarge";
    public static final String UNPROCESSABLE = "UnprocessableContent";
    public static final String TOO_MANY_REQUESTS = "TooManyRequests";

    private ApiContract() {}
}
