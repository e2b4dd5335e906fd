package ai.matih.flowwatch.docs;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappingInterface.Property;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigMappings.ConfigClass;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code flowwatch.*} keys the application reads, found in the compiled main classes: every
 * {@code @ConfigMapping} interface under {@code ai.matih.flowwatch}, walked by SmallRye Config's own model (prefix,
 * kebab-case names, {@code @WithName}, {@code @WithParentName}, nested groups, optionals, lists and maps,
 * {@code @WithDefault}), plus the keys {@code application.properties} reads through {@code ${key:default}}
 * expressions. A key's default is what a user gets when setting nothing: the un-profiled value of
 * {@code application.properties} when it sets the key, else the mapping's {@code @WithDefault}.
 */
final class ConfigKeys {

    static final String ROOT = "ai.matih.flowwatch";
    static final String PREFIX = "flowwatch.";
    private static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final String INDEXED = "[*]";
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

    /** One key: its name, its default (empty: none) and where it is read. */
    record Key(String name, Optional<String> defaultValue, String readBy) {}

    /** One key of a mapping, with the method that declares it. */
    record MappedKey(String name, Optional<String> defaultValue, Method method) {}

    private ConfigKeys() {}

    /** The {@code @ConfigMapping} interfaces of the main classes. */
    static List<Class<?>> mappings() {
        // Only the annotations of flowwatch's own classes are read: resolving the libraries they use is not needed
        JavaClasses classes = ArchConfiguration.withThreadLocalScope(configuration -> {
            configuration.setResolveMissingDependenciesFromClassPath(false);
            return new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                    .importPackages(ROOT);
        });
        return classes.stream()
                .filter(c -> c.isAnnotatedWith(ConfigMapping.class))
                .<Class<?>>map(JavaClass::reflect)
                .sorted(Comparator.comparing(Class::getName))
                .toList();
    }

    /** Every key of every mapping, as SmallRye Config names it, in mapping order (a key read twice appears twice). */
    static List<MappedKey> mappedKeys(List<Class<?>> mappings) {
        List<MappedKey> keys = new ArrayList<>();
        for (Class<?> mapping : mappings) {
            keys.addAll(
                    keysOf(mapping, mapping.getAnnotation(ConfigMapping.class).prefix()));
        }
        return keys;
    }

    /** The keys of one mapping interface read under {@code prefix}, sorted by name. */
    static List<MappedKey> keysOf(Class<?> mapping, String prefix) {
        Map<String, Property> properties = ConfigMappings.getProperties(new ConfigClass(mapping, prefix));
        List<MappedKey> keys = new ArrayList<>();
        new TreeMap<>(properties).forEach((name, property) -> {
            // A list of values is set as one comma-separated key; its indexed form (key[0]=...) is not listed
            boolean indexedFormOfAList = name.endsWith(INDEXED)
                    && properties.containsKey(name.substring(0, name.length() - INDEXED.length()));
            if (!indexedFormOfAList) {
                keys.add(new MappedKey(
                        name,
                        property.hasDefaultValue() ? Optional.of(property.getDefaultValue()) : Optional.empty(),
                        property.getMethod()));
            }
        });
        return keys;
    }

    /**
     * Every {@code flowwatch.*} key by name, with its effective default. Disagreements (two mappings, or a mapping and
     * an {@code application.properties} fallback, giving one key different defaults) are added to {@code conflicts}.
     */
    static Map<String, Key> all(List<Class<?>> mappings, List<String> conflicts) {
        Properties application = applicationProperties();
        Map<String, Key> keys = new TreeMap<>();
        for (MappedKey mapped : mappedKeys(mappings)) {
            Optional<String> value = Optional.ofNullable(application.getProperty(mapped.name()))
                    .flatMap(v -> resolve(v, application))
                    .or(mapped::defaultValue);
            String readBy = mapped.method().getDeclaringClass().getName() + "#"
                    + mapped.method().getName();
            add(keys, new Key(mapped.name(), value, readBy), conflicts);
        }
        for (String name : application.stringPropertyNames()) {
            Matcher m = EXPRESSION.matcher(application.getProperty(name));
            while (m.find()) {
                if (m.group(1).startsWith(PREFIX)) {
                    Optional<String> fallback = Optional.ofNullable(m.group(2)).flatMap(v -> resolve(v, application));
                    add(keys, new Key(m.group(1), fallback, "application.properties (" + name + ")"), conflicts);
                }
            }
        }
        return keys;
    }

    private static void add(Map<String, Key> keys, Key key, List<String> conflicts) {
        Key known = keys.putIfAbsent(key.name(), key);
        if (known != null && !known.defaultValue().equals(key.defaultValue())) {
            conflicts.add(key.name() + ": " + known.readBy() + " defaults to "
                    + ConfigurationReference.show(known.defaultValue()) + ", " + key.readBy() + " to "
                    + ConfigurationReference.show(key.defaultValue()));
        }
    }

    /** A value with its {@code ${key:default}} expressions replaced, as an un-profiled start would see it. */
    private static Optional<String> resolve(String value, Properties application) {
        Matcher m = EXPRESSION.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (m.find()) {
            String set = application.getProperty(m.group(1));
            Optional<String> replacement = set != null ? resolve(set, application) : Optional.ofNullable(m.group(2));
            if (replacement.isEmpty()) {
                return Optional.empty();
            }
            m.appendReplacement(resolved, Matcher.quoteReplacement(replacement.get()));
        }
        m.appendTail(resolved);
        return Optional.of(resolved.toString());
    }

    private static Properties applicationProperties() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(APPLICATION_PROPERTIES)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
