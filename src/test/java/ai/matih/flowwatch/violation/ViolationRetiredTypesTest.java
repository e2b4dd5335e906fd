package ai.matih.flowwatch.violation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ViolationRetiredTypesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode stored(String type, String policy, boolean external) throws Exception {
        return (ObjectNode) JSON.readTree("{\"id\":\"v-1\",\"type\":\"" + type + "\",\"severity\":\"info\","
                + "\"category\":\"cross-tenant\",\"tenant\":\"acme-corp\",\"policy\":\"" + policy + "\","
                + "\"cause\":\"policy-denies\",\"observed\":\"AUDIT\",\"count\":3,"
                + "\"destination\":{\"ip\":\"203.0.113.9\",\"external\":" + external + "},"
                + "\"evidence\":{\"verdictDetail\":\"AUDIT: would be denied by policy\"}}");
    }

    static Stream<Arguments> wouldBeBlocked() {
        return Stream.of(
                arguments("ALLOW", false, "ISOLATION_BREACH", "policy-permits"),
                arguments("DENY", false, "ISOLATION_BREACH", "not-enforced"),
                arguments("INDETERMINATE", false, "ISOLATION_BREACH", "unknown"),
                arguments("DENY", true, "UNEXPECTED_EGRESS", "not-enforced"));
    }

    @ParameterizedTest(name = "policy {0}, external {1} → {2} caused by {3}")
    @MethodSource
    void wouldBeBlocked(String policy, boolean external, String type, String cause) throws Exception {
        // Given
        ObjectNode stored = stored("WOULD_BE_BLOCKED", policy, external);
        // When
        ObjectNode upgraded = ViolationRetiredTypes.upgrade(stored);
        // Then: today's typing, the rest kept
        assertThat(upgraded.path("type").asText()).isEqualTo(type);
        assertThat(upgraded.path("severity").asText()).isEqualTo("critical");
        assertThat(upgraded.path("cause").asText()).isEqualTo(cause);
        assertThat(upgraded.path("count").asInt()).isEqualTo(3);
        assertThat(upgraded.path("evidence")).isEqualTo(stored.path("evidence"));
        Violation read = JSON.treeToValue(upgraded, Violation.class);
        assertThat(read.type().name()).isEqualTo(type);
        assertThat(read.severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void leavesOtherTypesToTheirOwnFate() throws Exception {
        // Given
        ObjectNode unknown = stored("NOT_A_TYPE", "ALLOW", false);
        // When
        ObjectNode upgraded = ViolationRetiredTypes.upgrade(unknown);
        // Then
        assertThat(upgraded).isNull();
        assertThat(ViolationRetiredTypes.upgrade(JSON.readTree("[1,2]"))).isNull();
    }
}
