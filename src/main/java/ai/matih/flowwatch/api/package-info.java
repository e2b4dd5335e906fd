/**
 * The REST API: thin resources over the domain rooms (parse, scope to the caller, call one service, map), bearer
 * authentication, tenant scoping, request limits and problem+json answers. The OpenAPI document's frame (its
 * description, bearer scheme and named problem answers, see {@code ApiContract}) is declared
 * here, where the scanner reads it.
 */
@OpenAPIDefinition(
        info =
                @Info(
                        title = "flowwatch",
                        version = "v1",
                        description =
                                "Violations of tenant isolation and NetworkPolicies found in Calico and Hubble flow logs "
                                        + "and Kubernetes audit events, the topology flowwatch judges them on, and what-if evaluation "
                                        + "of NetworkPolicies. Every request needs a bearer JWT; a token scoped to one tenant sees "
                                        + "only that tenant's part. Errors are application/problem+json, but the 413 of a body over the"
                                        + " HTTP server's limit."),
        security = @SecurityRequirement(name = ApiContract.BEARER),
        components =
                @Components(
                        securitySchemes =
                                @SecurityScheme(
                                        securitySchemeName = ApiContract.BEARER,
                                        type = SecuritySchemeType.HTTP,
                                        scheme = "bearer",
                                        bearerFormat = "JWT",
                                        description =
                                                "A JWT of the configured issuer and audience: with the admin group "
                                                        + "(flowwatch-admin) it sees everything, with a tenant claim (tenant) only that "
                                                        + "tenant's part"),
                        responses = {
                            @APIResponse(
                                    name = ApiContract.BAD_REQUEST,
                                    description =
                                            "A parameter, header or body field is invalid or too long; the problem "
                                                    + "names it in `parameter`",
                                    content =
                                            @Content(
                                                    mediaType = Problem.MEDIA_TYPE,
                                                    schema = @Schema(implementation = Problem.class))),
                            @APIResponse(
                                    name = ApiContract.UNAUTHORIZED,
                                    description =
                                            "No bearer token, or one that is invalid, expired, or of another issuer or "
                                                    + "audience (with a WWW-Authenticate challenge)",
                                    content =
                                            @Content(
                                                    mediaType = Problem.MEDIA_TYPE,
                                                    schema = @Schema(implementation = Problem.class))),
                            @APIResponse(
                                    name = ApiContract.FORBIDDEN,
                                    description = "The token carries neither the admin group nor a tenant claim, or a "
                                            + "tenant-scoped token asked for what is not its tenant's",
                                    content =
                                            @Content(
                                                    mediaType = Problem.MEDIA_TYPE,
                                                    schema = @Schema(implementation = Problem.class))),
                            @APIResponse(
                                    name = ApiContract.NOT_FOUND,
                                    description = "No such item, or one the token may not see (the same answer)",
                                    content =
                                            @Content(
                                                    mediaType = Problem.MEDIA_TYPE,
                                                    schema = @Schema(implementation = Problem.class))),
                            @APIResponse(
                                    name = ApiContract.PAYLOAD_TOO_LARGE,
                                    description = "The body is larger than quarkus.http.limits.max-body-size (5M):"
                                            + " answered by the HTTP server before flowwatch reads the body, with no"
                                            + " body and the connection closed"),
                            @APIResponse(
                                    name = ApiContract.UNPROCESSABLE,
                                    description =
                                            "The request asks for more work, or a larger answer, than a request may "
                                                    + "(flowwatch.api.evaluate.max-work, max-response-bytes)",
                                    content =
                                            @Content(
                                                    mediaType = Problem.MEDIA_TYPE,
                                                    schema = @Schema(implementation = Problem.class))),
                            @APIResponse(
                                    name = ApiContract.TOO_MANY_REQUESTS,
                                    description =
                                            "The caller, or all callers together, already hold as many as allowed; "
                                                    + "retry after the Retry-After header's seconds",
                                    content =
                                            @Content(
                                                    mediaType = Problem.MEDIA_TYPE,
                                                    schema = @Schema(implementation = Problem.class)))
                        }))
package ai.matih.flowwatch.api;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
