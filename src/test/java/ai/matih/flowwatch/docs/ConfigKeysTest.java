package ai.matih.flowwatch.docs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.docs.ConfigKeys.MappedKey;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Keys are named as SmallRye Config reads them, whatever the shape of the mapping. */
class ConfigKeysTest {

    /**
     * A mapping of every shape the reference has to name. It is not annotated {@code @ConfigMapping}, so that the
     * application started by other tests does not read it; its prefix is given where it is walked.
     */
    interface Shapes {

        @WithDefault("30s")
        Duration camelCaseName();

        @WithName("renamed")
        String original();

        Optional<String> maybe();

        @WithDefault("a,b")
        List<String> values();

        Group nested();

        Optional<Group> optionalGroup();

        Map<String, Group> byName();

        @WithParentName
        Group inline();

        interface Group {

            @WithDefault("1")
            int size();
        }
    }

    static Stream<Arguments> keys() {
        return Stream.of(
                Arguments.of("example.camel-case-name", Optional.of("30s")),
                Arguments.of("example.renamed", Optional.empty()),
                Arguments.of("example.maybe", Optional.empty()),
                Arguments.of("example.values", Optional.of("a,b")),
                Arguments.of("example.nested.size", Optional.of("1")),
                Arguments.of("example.optional-group.size", Optional.of("1")),
                Arguments.of("example.by-name.*.size", Optional.of("1")),
                Arguments.of("example.size", Optional.of("1")));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void eachShapeGivesTheKeySmallRyeReads(String key, Optional<String> defaultValue) {
        // Given a mapping with groups, optionals, lists, maps, renamed and parent-named members
        // When its keys are listed
        Map<String, Optional<String>> keys = ConfigKeys.keysOf(Shapes.class, "example").stream()
                .collect(Collectors.toMap(MappedKey::name, MappedKey::defaultValue));

        // Then the key is there with its default, and a list is named once, without its indexed form
        assertThat(keys).containsEntry(key, defaultValue).doesNotContainKey("example.values[*]");
    }
}
