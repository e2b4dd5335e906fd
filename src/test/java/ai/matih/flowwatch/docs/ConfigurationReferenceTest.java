package ai.matih.flowwatch.docs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.docs.ConfigKeys.Key;
import ai.matih.flowwatch.docs.ConfigurationReference.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is written by hand; this keeps it true to the code: every {@code flowwatch.*} key the
 * {@code @ConfigMapping} interfaces (or {@code application.properties}) read has one row with its real default, and
 * every {@code flowwatch.*} key the page names exists.
 */
class ConfigurationReferenceTest {

    private static final Path PAGE = ConfigurationReference.PATH;
    private static final List<String> CONFLICTS = new ArrayList<>();
    private static List<Class<?>> mappings;
    private static Map<String, Key> keys;
    private static ConfigurationReference reference;

    @BeforeAll
    static void readCodeAndPage() {
        mappings = ConfigKeys.mappings();
        keys = ConfigKeys.all(mappings, CONFLICTS);
        reference = ConfigurationReference.read();
    }

    @Test
    void theMappingsAreFoundWithTheirNestedGroupsAndDefaults() {
        // Given the compiled main classes (a guard: an empty scan would make every other check pass vacuously)
        // When their mappings are walked
        // Then nested groups, kebab-case names and defaults come out as SmallRye Config reads them
        assertThat(mappings).hasSizeGreaterThanOrEqualTo(10);
        assertThat(keys.get("flowwatch.alertmanager.tls.insecure-skip-verify-confirmed")
                        .defaultValue())
                .contains("false");
        assertThat(keys.get("flowwatch.api.evaluate.max-concurrent-per-caller").defaultValue())
                .contains("1");
        assertThat(keys.get("flowwatch.group").defaultValue()).contains("flowwatch");
    }

    @Test
    void everyKeyIsReadWithOneDefault() {
        // Given every key read by a mapping or an application.properties expression
        // When the same key is read in two places
        // Then both places give it the same default
        assertThat(CONFLICTS)
                .withFailMessage(report("keys read with different defaults", CONFLICTS))
                .isEmpty();
    }

    @Test
    void thePageIsWrittenOneKeyPerRowWithADefaultEach() {
        // Given docs/configuration.md
        // When its tables are read
        // Then every row names one key in backticks and a default as `value`, "" or (none), and no key twice
        List<String> problems = new ArrayList<>(reference.unreadable());
        reference.rows().stream().collect(Collectors.groupingBy(Row::key)).forEach((key, rows) -> {
            if (rows.size() > 1) {
                problems.add(key + " has " + rows.size() + " rows (lines "
                        + rows.stream().map(r -> String.valueOf(r.line())).collect(Collectors.joining(", "))
                        + ")");
            }
        });
        assertThat(problems)
                .withFailMessage(report("unreadable or repeated rows", problems))
                .isEmpty();
    }

    @Test
    void everyKeyIsDocumented() {
        // Given every key the application reads
        // When the page's rows are looked up
        // Then each key has a row
        Set<String> documented = reference.rows().stream().map(Row::key).collect(Collectors.toSet());
        List<String> missing = keys.values().stream()
                .filter(k -> !documented.contains(k.name()))
                .map(k -> k.name() + " (default " + ConfigurationReference.show(k.defaultValue()) + ", read by "
                        + k.readBy() + ")")
                .toList();
        assertThat(missing)
                .withFailMessage(report("keys missing from " + PAGE, missing))
                .isEmpty();
    }

    @Test
    void everyDocumentedDefaultIsTheRealOne() {
        // Given the page's rows of flowwatch keys
        // When each is compared with the key the application reads
        // Then it documents the same default
        List<String> wrong = reference.rows().stream()
                .filter(r -> keys.containsKey(r.key()))
                .filter(r -> !r.defaultValue().equals(keys.get(r.key()).defaultValue()))
                .map(r -> r.key() + " (line " + r.line() + "): documented "
                        + ConfigurationReference.show(r.defaultValue()) + ", real "
                        + ConfigurationReference.show(keys.get(r.key()).defaultValue()))
                .toList();
        assertThat(wrong)
                .withFailMessage(report("wrong defaults in " + PAGE, wrong))
                .isEmpty();
    }

    @Test
    void everyFlowwatchKeyThePageNamesExists() {
        // Given every flowwatch.* key the page names, in a row or in the text
        // When each is looked up among the keys the application reads (a name ending in .* stands for a group)
        // Then it exists
        Set<String> extra = new TreeSet<>();
        reference.rows().stream()
                .map(Row::key)
                .filter(k -> k.startsWith(ConfigKeys.PREFIX))
                .forEach(extra::add);
        extra.addAll(reference.namedKeys());
        extra.removeIf(ConfigurationReferenceTest::exists);
        assertThat(extra)
                .withFailMessage(report("keys in " + PAGE + " that nothing reads", extra))
                .isEmpty();
    }

    private static boolean exists(String named) {
        if (named.endsWith(".*")) {
            String group = named.substring(0, named.length() - 1);
            return keys.keySet().stream().anyMatch(k -> k.startsWith(group));
        }
        return keys.containsKey(named);
    }

    private static String report(String what, Iterable<String> problems) {
        return what + ":\n  " + String.join("\n  ", problems) + "\n";
    }
}
