package ai.matih.flowwatch.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.violation.FilterField;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.openapi.api.SmallRyeOpenAPI;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document at {@code /q/openapi} (management port) against the code: it is valid OpenAPI 3, every JAX-RS
 * endpoint of the api package (found by reflection) is in it with its method, path and parameters, described, and
 * every operation declares the problem answers it can give, each an {@code application/problem+json}
 * {@link Problem}. Which answers an operation can give is derived from the code: 401 and 403 for every
 * {@code /api/v1/**} operation (the authentication filter), 400 for one that takes parameters or a body, 413 for one
 * that takes a body, and from what its method calls, directly or through the api package's own code: 404 for
 * {@link ProblemException#notFound}, 403 for {@link Caller#outsideScope}, 429 for {@link CallerLimits#acquire},
 * {@link ApiLimits#busy} or an {@link EvaluationPermit}.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class OpenApiContractTest {

    static final String PROBLEM = "#/components/schemas/Problem";
    static final Set<String> PARAMETER_ANNOTATIONS =
            Set.of("QueryParam", "PathParam", "HeaderParam", "RestQuery", "RestPath", "RestHeader");
    static final Set<String> CONTEXT_ANNOTATIONS = Set.of("Context", "BeanParam");
    static final Pattern TEMPLATE = Pattern.compile("\\{([^}:]+)(:[^}]*)?}");

    @TestHTTPResource(value = "/openapi", management = true)
    URL openapi;

    JsonNode document;

    /** One JAX-RS endpoint of the api package. */
    record Endpoint(String method, String path, JavaMethod code) {

        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path + " (" + code.getFullName() + ")";
        }
    }

    @BeforeEach
    void fetch() throws Exception {
        String json = given().queryParam("format", "json")
                .get(openapi)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        document = new ObjectMapper().readTree(json);
    }

    static List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (JavaClass c : new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("ai.matih.flowwatch.api")) {
            if (!c.isAnnotatedWith(Path.class)) {
                continue;
            }
            String base = c.getAnnotationOfType(Path.class).value();
            for (JavaMethod m : c.getMethods()) {
                for (JavaAnnotation<JavaMethod> a : m.getAnnotations()) {
                    if (a.getRawType().isAnnotatedWith(HttpMethod.class)) {
                        String sub = m.isAnnotatedWith(Path.class)
                                ? m.getAnnotationOfType(Path.class).value()
                                : "";
                        String verb = a.getRawType()
                                .getAnnotationOfType(HttpMethod.class)
                                .value()
                                .toLowerCase(Locale.ROOT);
                        endpoints.add(new Endpoint(verb, join(base, sub), m));
                    }
                }
            }
        }
        return endpoints;
    }

    /** A class path and a method path as OpenAPI writes them: one slash between, none at the end, no regexes. */
    static String join(String base, String sub) {
        String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return TEMPLATE.matcher(path).replaceAll("{$1}");
    }

    JsonNode operation(Endpoint e) {
        return document.path("paths").path(e.path()).path(e.method());
    }

    /** The node a {@code $ref} names, or the node itself. */
    JsonNode resolve(JsonNode node) {
        JsonNode n = node;
        for (int i = 0; i < 10 && n.has("$ref"); i++) {
            n = document.at(n.get("$ref").asText().substring(1));
        }
        return n;
    }

    @Test
    void theDocumentIsValidOpenApi3() {
        // Given / When: the document as served, parsed into the OpenAPI model
        byte[] yaml = given().get(openapi).then().statusCode(200).extract().asByteArray();
        OpenAPI model = SmallRyeOpenAPI.builder()
                .withConfig(ConfigProvider.getConfig())
                .withCustomStaticFile(() -> new ByteArrayInputStream(yaml))
                .enableModelReader(false)
                .enableStandardStaticFiles(false)
                .enableAnnotationScan(false)
                .enableStandardFilter(false)
                .build()
                .model();
        // Then
        assertThat(model.getOpenapi()).startsWith("3.");
        assertThat(model.getInfo().getTitle()).isNotBlank();
        assertThat(model.getInfo().getVersion()).isNotBlank();
        assertThat(model.getPaths().getPathItems()).isNotEmpty();
        assertThat(document.path("openapi").asText()).startsWith("3.");
        // every reference resolves
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertThat(refs).isNotEmpty().allSatisfy(ref -> {
            assertThat(ref).startsWith("#/");
            assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        });
        // every operation has responses, unique operation ids, well-formed parameters and its path parameters
        Set<String> operationIds = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        document.path("paths").fields();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            Set<String> templated = new TreeSet<>();
            Matcher m = TEMPLATE.matcher(path.getKey());
            while (m.find()) {
                templated.add(m.group(1));
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String where = op.getKey() + " " + path.getKey();
                assertThat(Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace"))
                        .as(where)
                        .contains(op.getKey());
                JsonNode responses = op.getValue().path("responses");
                assertThat(responses.size()).as(where + " responses").isPositive();
                responses.forEach(r -> assertThat(resolve(r).path("description").asText())
                        .as(where + " response description")
                        .isNotBlank());
                assertThat(operationIds.add(op.getValue().path("operationId").asText()))
                        .as(where + " operationId unique")
                        .isTrue();
                Set<String> pathParameters = new TreeSet<>();
                for (JsonNode p : op.getValue().path("parameters")) {
                    JsonNode parameter = resolve(p);
                    assertThat(parameter.path("name").asText()).as(where).isNotBlank();
                    assertThat(Set.of("query", "header", "path", "cookie"))
                            .as(where)
                            .contains(parameter.path("in").asText());
                    if ("path".equals(parameter.path("in").asText())) {
                        assertThat(parameter.path("required").asBoolean())
                                .as(where)
                                .isTrue();
                        pathParameters.add(parameter.path("name").asText());
                    }
                }
                assertThat(pathParameters).as(where + " path parameters").isEqualTo(templated);
            }
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("$ref")) {
                    refs.add(f.getValue().asText());
                } else {
                    collectRefs(f.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }

    @Test
    void everyEndpointOfTheApiPackageIsDescribedWithItsParametersAndAnswer() {
        List<Endpoint> endpoints = endpoints();
        assertThat(endpoints).hasSizeGreaterThanOrEqualTo(6);
        for (Endpoint e : endpoints) {
            JsonNode op = operation(e);
            assertThat(op.isMissingNode()).as(e + " is in the document").isFalse();
            assertThat(op.path("summary").asText()).as(e + " summary").isNotBlank();
            assertThat(op.path("description").asText()).as(e + " description").isNotBlank();
            for (JavaParameter p : e.code().getParameters()) {
                for (JavaAnnotation<JavaParameter> a : p.getAnnotations()) {
                    String kind = a.getRawType().getSimpleName();
                    Object name = a.get("value").orElse("");
                    if (PARAMETER_ANNOTATIONS.contains(kind) && !name.toString().isEmpty()) {
                        JsonNode parameter = parameter(op, name.toString());
                        assertThat(parameter).as(e + " parameter " + name).isNotNull();
                        assertThat(parameter.path("description").asText())
                                .as(e + " parameter " + name + " description")
                                .isNotBlank();
                    }
                }
            }
            assertThat(body(e)).as(e + " request body").isEqualTo(op.has("requestBody"));
            JsonNode ok = resolve(op.path("responses").path("200"));
            assertThat(ok.path("content").size()).as(e + " 200 content").isPositive();
            ok.path("content")
                    .forEach(media -> assertThat(media.path("schema").isMissingNode())
                            .as(e + " 200 schema")
                            .isFalse());
        }
    }

    private JsonNode parameter(JsonNode op, String name) {
        for (JsonNode p : op.path("parameters")) {
            JsonNode parameter = resolve(p);
            if (name.equals(parameter.path("name").asText())) {
                return parameter;
            }
        }
        return null;
    }

    @Test
    void everyViolationFilterIsARepeatableParameterOfTheListSummaryAndStream() {
        // Given the document's operations that take the violation filters
        for (String id : List.of("listViolations", "summarizeViolations", "streamViolations")) {
            JsonNode op = operationById(id);
            assertThat(op).as(id).isNotNull();
            // When and Then: every filter field is a described, repeatable query parameter of it
            for (FilterField field : FilterField.values()) {
                JsonNode parameter = parameter(op, field.parameter());
                assertThat(parameter).as(id + " " + field.parameter()).isNotNull();
                assertThat(parameter.path("in").asText()).isEqualTo("query");
                assertThat(parameter.path("description").asText()).isNotBlank();
                assertThat(parameter.path("schema").path("type").toString()).contains("array");
            }
        }
    }

    private JsonNode operationById(String id) {
        for (JsonNode path : document.path("paths")) {
            for (JsonNode op : path) {
                if (id.equals(op.path("operationId").asText())) {
                    return op;
                }
            }
        }
        return null;
    }

    @Test
    void everyOperationDeclaresTheProblemAnswersItsCodeCanGive() {
        for (Endpoint e : endpoints()) {
            if (!e.path().startsWith("/api/v1/")) {
                continue;
            }
            JsonNode responses = operation(e).path("responses");
            Set<String> declared = new TreeSet<>();
            responses.fieldNames().forEachRemaining(declared::add);
            assertThat(declared).as(e.toString()).containsAll(problems(e));
            for (String status : declared) {
                if (!status.startsWith("4") || status.equals("413")) {
                    continue;
                }
                JsonNode problem = resolve(responses.path(status))
                        .path("content")
                        .path(Problem.MEDIA_TYPE)
                        .path("schema")
                        .path("$ref");
                assertThat(problem.asText())
                        .as(e + " " + status + " is a problem")
                        .isEqualTo(PROBLEM);
            }
        }
        JsonNode schema = document.at("/components/schemas/Problem/properties");
        assertThat(schema.has("status") && schema.has("title") && schema.has("detail") && schema.has("parameter"))
                .as("the Problem schema")
                .isTrue();
    }

    /** The problem statuses an endpoint's code can answer (see the class comment). */
    static Set<String> problems(Endpoint e) {
        Set<String> statuses = new TreeSet<>(List.of("401", "403"));
        boolean parameters = e.code().getParameters().stream()
                .anyMatch(p -> p.getAnnotations().stream()
                        .anyMatch(a ->
                                PARAMETER_ANNOTATIONS.contains(a.getRawType().getSimpleName())));
        if (parameters || body(e)) {
            statuses.add("400");
        }
        if (body(e)) {
            statuses.add("413");
        }
        if (e.code().isAnnotatedWith(EvaluationPermit.class)) {
            statuses.add("429");
        }
        for (JavaMethodCall call : calls(e.code())) {
            String target = call.getTarget().getOwner().getSimpleName() + "."
                    + call.getTarget().getName();
            switch (target) {
                case "ProblemException.notFound" -> statuses.add("404");
                case "ProblemException.badParameter" -> statuses.add("400");
                case "Caller.outsideScope" -> statuses.add("403");
                case "CallerLimits.acquire", "ApiLimits.busy" -> statuses.add("429");
                default -> {
                    // answers nothing of its own
                }
            }
        }
        return statuses;
    }

    /** True when the method takes a body: a parameter that is neither a request parameter nor a context. */
    static boolean body(Endpoint e) {
        return e.code().getParameters().stream()
                .anyMatch(p -> p.getAnnotations().stream()
                                .noneMatch(a -> PARAMETER_ANNOTATIONS.contains(
                                                a.getRawType().getSimpleName())
                                        || CONTEXT_ANNOTATIONS.contains(
                                                a.getRawType().getSimpleName()))
                        && !p.getRawType().getName().startsWith("io.vertx"));
    }

    /**
     * Every call the method makes, directly or through the api package's own code, lambdas included (javac names a
     * lambda of method {@code m} {@code lambda$m$<n>}).
     */
    static Set<JavaMethodCall> calls(JavaMethod start) {
        Set<JavaMethodCall> calls = new HashSet<>();
        Set<JavaCodeUnit> seen = new HashSet<>();
        Deque<JavaCodeUnit> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            JavaCodeUnit unit = todo.pop();
            if (!seen.add(unit)) {
                continue;
            }
            for (JavaMethod m : unit.getOwner().getMethods()) {
                if (m.getName().startsWith("lambda$" + unit.getName() + "$")) {
                    todo.push(m);
                }
            }
            for (JavaMethodCall call : unit.getMethodCallsFromSelf()) {
                calls.add(call);
                if (call.getTargetOwner().getPackageName().startsWith("ai.matih.flowwatch.api")) {
                    call.getTarget().resolveMember().ifPresent(todo::push);
                }
            }
        }
        return calls;
    }

    @Test
    void theDocumentIsServedOnTheManagementPortOnly() {
        assertThat(given().get("/q/openapi").statusCode()).isEqualTo(404);
        assertThat(new String(given().get(openapi).then().extract().asByteArray(), StandardCharsets.UTF_8))
                .startsWith("---")
                .contains("openapi: 3.");
    }
}
