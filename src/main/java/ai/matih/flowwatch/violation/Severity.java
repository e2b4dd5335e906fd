package ai.matih.flowwatch.violation;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Severity of a violation; lower-case in JSON, metrics and alerts. */
public enum Severity {
    CRITICAL,
    WARNING,
    INFO;

    private final String tag = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String tag() {
        return tag;
    }

    /** Parses "critical", "WARNING", ...; null when unknown. */
    public static Severity parse(String text) {
        for (Severity s : values()) {
            if (s.tag.equalsIgnoreCase(text)) {
                return s;
            }
        }
        return null;
    }
}
