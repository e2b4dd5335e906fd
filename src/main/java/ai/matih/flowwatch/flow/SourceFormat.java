package ai.matih.flowwatch.flow;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The flow-log format a {@link Flow} was decoded from, by its tag: one instance per tag, so formats compare by
 * identity. The built-in ones are constants; an input format of its own declares its own with {@link #of}.
 */
public final class SourceFormat {

    private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final ConcurrentHashMap<String, SourceFormat> BY_TAG = new ConcurrentHashMap<>();

    /** Calico Enterprise / Calico Cloud {@code flows.log}. */
    public static final SourceFormat CALICO = of("calico");
    /** Calico OSS Goldmane / Whisker flows. */
    public static final SourceFormat GOLDMANE = of("goldmane");
    /** Cilium Hubble flows. */
    public static final SourceFormat HUBBLE = of("hubble");

    private final String tag;
    private final String name;

    private SourceFormat(String tag) {
        this.tag = tag;
        this.name = tag.toUpperCase(Locale.ROOT);
    }

    /**
     * The format tagged {@code tag}: lower case letters, digits and dashes, at most 32 characters, a bounded metric
     * tag value. Always the same instance for one tag.
     */
    public static SourceFormat of(String tag) {
        Objects.requireNonNull(tag, "tag");
        SourceFormat known = BY_TAG.get(tag);
        if (known != null) {
            return known;
        }
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("not a format tag: " + tag);
        }
        return BY_TAG.computeIfAbsent(tag, SourceFormat::new);
    }

    /** Lower-case name used in metric tags and JSON. */
    public String tag() {
        return tag;
    }

    /** Upper-case name ({@code HUBBLE}). */
    public String name() {
        return name;
    }

    /** The upper-case name, as fingerprints of flows have always hashed it. */
    @Override
    public String toString() {
        return name;
    }
}
