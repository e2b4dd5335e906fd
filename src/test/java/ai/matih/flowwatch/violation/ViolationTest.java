package ai.matih.flowwatch.violation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A violation is built by naming its fields, cannot be built without its identity, and keeps its JSON shape. */
class ViolationTest {

    private static final Instant AT = Instant.parse("2026-11-26T08:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private static Violation.Builder complete() {
        return Violation.builder()
                .id("ab12")
                .type(ViolationType.ISOLATION_BREACH)
                .severity(Severity.CRITICAL)
                .category(Category.CROSS_TENANT)
                .tenant("acme-corp")
                .peerTenant("globex")
                .source(new EndpointView("acme", "api", "api-0", "10.0.0.1", "acme-corp", "tenant", false, null))
                .destination(new EndpointView("globex", "db", "db-0", "10.0.0.2", "globex", "tenant", false, null))
                .protocol("TCP")
                .port(5432)
                .observed("ALLOWED")
                .policy("ALLOW")
                .intent("FORBIDDEN")
                .cause(Cause.POLICY_PERMITS)
                .reason("acme-corp → globex: cross-tenant")
                .decidedBy(List.of("globex/a"))
                .sourceFormat("hubble")
                .node("worker-1")
                .cluster("eu-prod-1")
                .firstSeen(AT)
                .lastSeen(AT.plusSeconds(5))
                .count(3)
                .observations(6)
                .evidence(new Violation.Evidence(
                        "POLICY_DENIED", List.of("globex/a"), List.of("TO_ENDPOINT"), "allowed by globex/a", null));
    }

    static Stream<Arguments> requiredFields() {
        return Stream.of(
                Arguments.of("id", (UnaryOperator<Violation.Builder>) b -> b.id(null)),
                Arguments.of("type", (UnaryOperator<Violation.Builder>) b -> b.type(null)),
                Arguments.of("severity", (UnaryOperator<Violation.Builder>) b -> b.severity(null)));
    }

    @ParameterizedTest(name = "a violation without its {0} fails to build")
    @MethodSource("requiredFields")
    void aViolationWithoutARequiredFieldFailsNamingIt(String field, UnaryOperator<Violation.Builder> unset) {
        // Given a builder with every field set but one required field
        Violation.Builder builder = unset.apply(complete());

        // When and Then
        assertThatThrownBy(builder::build)
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining(" " + field);
    }

    @Test
    void eachBuilderMethodSetsTheFieldOfItsName() {
        // Given
        Violation v = complete().build();

        // When and Then: texts of one type land where they were named
        assertThat(v.tenant()).isEqualTo("acme-corp");
        assertThat(v.peerTenant()).isEqualTo("globex");
        assertThat(v.protocol()).isEqualTo("TCP");
        assertThat(v.observed()).isEqualTo("ALLOWED");
        assertThat(v.policy()).isEqualTo("ALLOW");
        assertThat(v.intent()).isEqualTo("FORBIDDEN");
        assertThat(v.sourceFormat()).isEqualTo("hubble");
        assertThat(v.node()).isEqualTo("worker-1");
        assertThat(v.firstSeen()).isEqualTo(AT);
        assertThat(v.lastSeen()).isEqualTo(AT.plusSeconds(5));
        assertThat(v.count()).isEqualTo(3);
        assertThat(v.observations()).isEqualTo(6);
    }

    @Test
    void aCopyChangesOnlyTheFieldsItNames() {
        // Given
        Violation v = complete().build();

        // When
        Violation copy = v.toBuilder().reason("another").build();

        // Then
        assertThat(copy).isEqualTo(complete().reason("another").build());
        assertThat(copy.toBuilder().reason(v.reason()).build()).isEqualTo(v);
    }

    @Test
    void theJsonOfAViolationHasItsFieldsAndNothingOfTheBuilder() throws Exception {
        // Given
        Violation v = complete().build();

        // When
        JsonNode json = JSON.readTree(JSON.writeValueAsBytes(v));

        // Then: the record's components in order, and it reads back equal
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactly(
                        "id",
                        "type",
                        "severity",
                        "category",
                        "tenant",
                        "peerTenant",
                        "source",
                        "destination",
                        "protocol",
                        "port",
                        "observed",
                        "policy",
                        "intent",
                        "cause",
                        "reason",
                        "decidedBy",
                        "sourceFormat",
                        "node",
                        "cluster",
                        "firstSeen",
                        "lastSeen",
                        "count",
                        "observations",
                        "evidence");
        assertThat(JSON.readValue(JSON.writeValueAsBytes(v), Violation.class)).isEqualTo(v);
    }

    @Test
    void aRecordWithoutAnIdOnTheViolationsTopicIsUnreadable() {
        // Given a record another writer left without an id
        String json = "{\"type\":\"ISOLATION_BREACH\",\"severity\":\"critical\",\"count\":1}";

        // When and Then
        assertThatThrownBy(() -> JSON.readValue(json, Violation.class)).hasMessageContaining("id");
    }
}
