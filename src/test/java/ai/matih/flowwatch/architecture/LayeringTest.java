package ai.matih.flowwatch.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packages are rooms by job, and data flows one way through them: a package may use the packages of lower
 * ranks, never one of its own rank or above. The ranks, lowest first (docs/architecture.md):
 *
 * <pre>
 * flow, kafka &lt; topology &lt; policy &lt; violation &lt; classify &lt; isolation &lt; {audit, alerting, metrics} &lt; decode &lt; ingest &lt; api &lt; demo
 * </pre>
 *
 * A sub-package belongs to the room of its top-level package ({@code decode.hubble} is in {@code decode}).
 */
class LayeringTest {

    private static final String ROOT = "ai.matih.flowwatch";

    /** Ranks, lowest first; the packages of one rank may not use each other either. */
    static final List<List<String>> RANKS = List.of(
            List.of("flow", "kafka"),
            List.of("topology"),
            List.of("policy"),
            List.of("violation"),
            List.of("classify"),
            List.of("isolation"),
            List.of("audit", "alerting", "metrics"),
            List.of("decode"),
            List.of("ingest"),
            List.of("api"),
            List.of("demo"));

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    static Stream<Arguments> rooms() {
        List<Arguments> rooms = new ArrayList<>();
        for (int rank = 0; rank < RANKS.size(); rank++) {
            for (String room : RANKS.get(rank)) {
                List<String> forbidden = new ArrayList<>();
                for (int other = rank; other < RANKS.size(); other++) {
                    for (String p : RANKS.get(other)) {
                        if (!p.equals(room)) {
                            forbidden.add(ROOT + "." + p + "..");
                        }
                    }
                }
                rooms.add(Arguments.of(room, forbidden));
            }
        }
        return rooms.stream();
    }

    @ParameterizedTest(name = "{0} uses only rooms of lower rank")
    @MethodSource("rooms")
    void aRoomUsesOnlyRoomsOfLowerRank(String room, List<String> forbidden) {
        // Given the main classes of the room
        // When and Then: none of them depends on a class of its rank or above
        noClasses()
                .that()
                .resideInAPackage(ROOT + "." + room + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(forbidden.toArray(String[]::new))
                .because("data flows one way: " + room + " may use only rooms ranked below it")
                .check(main);
    }

    @Test
    void everyPackageBelongsToARankedRoom() {
        // Given the ranked rooms
        String[] ranked = RANKS.stream()
                .flatMap(List::stream)
                .map(p -> ROOT + "." + p + "..")
                .toArray(String[]::new);
        // When and Then: no main class lives outside them (a new room must be given a rank)
        noClasses().should().resideOutsideOfPackages(ranked).check(main);
    }

    @Test
    void roomsHaveNoCycles() {
        // Given the rooms as slices of the main classes
        // When and Then: no cycle runs through them
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(main);
    }

    static {
        // the ranks name every room once
        List<String> all = RANKS.stream().flatMap(List::stream).toList();
        if (all.size() != all.stream().distinct().count()) {
            throw new IllegalStateException("a room has two ranks: " + Arrays.toString(all.toArray()));
        }
    }
}
