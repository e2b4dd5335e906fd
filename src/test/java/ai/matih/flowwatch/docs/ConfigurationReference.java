package ai.matih.flowwatch.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What docs/configuration.md says: its table rows, one key per row ({@code | `key` | `default` | meaning |}, the
 * default {@code (none)} when there is none, {@code ""} for the empty string), and every {@code flowwatch.*} key it
 * names anywhere, in a row or in the text.
 */
record ConfigurationReference(List<Row> rows, Set<String> namedKeys, List<String> unreadable) {

    static final Path PATH = Path.of("docs/configuration.md");
    static final String NO_DEFAULT = "(none)";
    private static final String EMPTY = "\"\"";
    private static final Pattern CELL_SEPARATOR = Pattern.compile("(?<!\\\\)\\|");
    private static final Pattern KEY_CELL = Pattern.compile("`([^`\\s]+)`");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    private static final Pattern NAMED_KEY = Pattern.compile(
            "(?<![\\w./-])" + Pattern.quote(ConfigKeys.PREFIX) + "[a-z0-9\\-*\\[\\]]+(?:\\.[a-z0-9\\-*\\[\\]]+)*");

    /** A table row of a key: the key, its documented default (empty: none) and its line number. */
    record Row(String key, Optional<String> defaultValue, int line) {}

    static ConfigurationReference read() {
        try {
            return parse(Files.readAllLines(PATH));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConfigurationReference parse(List<String> lines) {
        List<Row> rows = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        List<String> unreadable = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher key = NAMED_KEY.matcher(line);
            while (key.find()) {
                named.add(key.group());
            }
            List<String> cells = cells(line);
            if (cells.size() < 3) {
                continue;
            }
            Matcher keyCell = KEY_CELL.matcher(cells.get(0));
            if (!keyCell.matches()) {
                if (cells.get(0).contains(ConfigKeys.PREFIX)) {
                    unreadable.add(
                            "line " + (i + 1) + ": the key cell must hold one key in backticks: " + cells.get(0));
                }
                continue;
            }
            if (defaultCell(cells.get(1)) instanceof DefaultCell.Documented documented) {
                rows.add(new Row(keyCell.group(1), documented.value(), i + 1));
            } else {
                unreadable.add("line " + (i + 1) + ": the default of " + keyCell.group(1) + " must be `value`, " + EMPTY
                        + " or " + NO_DEFAULT + ": " + cells.get(1));
            }
        }
        return new ConfigurationReference(List.copyOf(rows), Set.copyOf(named), List.copyOf(unreadable));
    }

    /** The cells of a table row, trimmed, without the outer pipes; empty for a line that is no row. */
    private static List<String> cells(String line) {
        String row = line.trim();
        if (!row.startsWith("|") || !row.endsWith("|") || row.length() < 2) {
            return List.of();
        }
        return CELL_SEPARATOR
                .splitAsStream(row.substring(1, row.length() - 1))
                .map(String::trim)
                .toList();
    }

    /** What a default cell says. */
    private sealed interface DefaultCell {

        /** A default (empty: the key has none). */
        record Documented(Optional<String> value) implements DefaultCell {}

        /** A cell in none of the forms of the page. */
        record Unreadable() implements DefaultCell {}
    }

    private static DefaultCell defaultCell(String cell) {
        if (cell.equals(NO_DEFAULT)) {
            return new DefaultCell.Documented(Optional.empty());
        }
        if (cell.equals(EMPTY)) {
            return new DefaultCell.Documented(Optional.of(""));
        }
        Matcher code = CODE.matcher(cell);
        if (code.matches()) {
            return new DefaultCell.Documented(Optional.of(code.group(1).replace("\\|", "|")));
        }
        return new DefaultCell.Unreadable();
    }

    /** A default as the reference writes it. */
    static String show(Optional<String> defaultValue) {
        return defaultValue.map(v -> v.isEmpty() ? EMPTY : "`" + v + "`").orElse(NO_DEFAULT);
    }
}
