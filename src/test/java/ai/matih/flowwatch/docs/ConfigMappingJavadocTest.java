package ai.matih.flowwatch.docs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.docs.ConfigKeys.MappedKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every configuration key is explained where it is declared: the method of its {@code @ConfigMapping} interface
 * (or nested group) carries a javadoc comment, read from the source file, above its annotations.
 */
class ConfigMappingJavadocTest {

    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void everyKeyMethodHasJavadoc() {
        // Given every key of every mapping and the source of the interface declaring it
        List<MappedKey> keys = ConfigKeys.mappedKeys(ConfigKeys.mappings());
        assertThat(keys).isNotEmpty();

        // When the lines above each declaration of its method are read
        Set<String> undocumented = new TreeSet<>();
        for (MappedKey key : keys) {
            if (!documented(key.method())) {
                undocumented.add(
                        key.name() + " (" + key.method().getDeclaringClass().getName() + "#"
                                + key.method().getName() + ")");
            }
        }

        // Then each declaration follows a javadoc comment
        assertThat(undocumented)
                .withFailMessage(
                        "configuration keys whose method has no javadoc:%n  %s%n", String.join("\n  ", undocumented))
                .isEmpty();
    }

    /** True when every abstract declaration of the method in its source file follows a javadoc comment. */
    private static boolean documented(Method method) {
        List<String> lines = source(method.getDeclaringClass());
        Pattern declaration =
                Pattern.compile("^\\s*[\\w<>\\[\\],.? ]+\\s" + Pattern.quote(method.getName()) + "\\(\\)\\s*;");
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = declaration.matcher(lines.get(i));
            if (m.find()) {
                found = true;
                int above = i - 1;
                while (above >= 0 && lines.get(above).trim().startsWith("@")) {
                    above--;
                }
                if (above < 0 || !lines.get(above).trim().endsWith("*/")) {
                    return false;
                }
            }
        }
        return found;
    }

    private static List<String> source(Class<?> type) {
        Class<?> topLevel = type;
        while (topLevel.getEnclosingClass() != null) {
            topLevel = topLevel.getEnclosingClass();
        }
        Path file = SOURCES.resolve(topLevel.getName().replace('.', '/') + ".java");
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
