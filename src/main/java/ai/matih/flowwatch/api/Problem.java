package ai.matih.flowwatch.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}.
 *
 * @param type      a URI naming the problem type
 * @param title     a short summary
 * @param status    the HTTP status
 * @param detail    what is wrong, for the caller
 * @param parameter the offending query parameter or field, when there is one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String parameter) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
