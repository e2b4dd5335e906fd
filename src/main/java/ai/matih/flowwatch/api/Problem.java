package ai.matih.flowwatch.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
@Schema(
        name = "Problem",
        description = "An RFC 9457 problem detail (application/problem+json): what went wrong, naming the offending"
                + " parameter, header or field when there is one")
public record Problem(
        @Schema(description = "A URI naming the problem type", example = "about:blank")
        String type,

        @Schema(description = "A short summary", example = "Invalid query parameter")
        String title,

        @Schema(description = "The HTTP status", example = "400")
        int status,

        @Schema(description = "What is wrong, for the caller")
        String detail,

        @Schema(
                description = "The offending query parameter, header or body field, when there is one",
                example = "since")
        String parameter) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
