package ai.matih.flowwatch.decode.json;

import ai.matih.flowwatch.decode.DecodeException;
import ai.matih.flowwatch.decode.RejectReason;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed, strict access to fields of a Jackson tree. Absent and JSON {@code null} read as "not there"; a value
 * of the wrong type throws {@link DecodeException} with {@link RejectReason#INVALID_VALUE} naming the field.
 */
public final class JsonFields {

    /** Longest detail text taken from anything derived from the payload. */
    public static final int MAX_ECHO = 60;

    private JsonFields() {}

    /** The child, or null when absent or JSON null. */
    public static JsonNode get(JsonNode node, String field) {
        JsonNode child = node.get(field);
        return child == null || child.isNull() ? null : child;
    }

    /** The first present one of two spellings (snake_case and camelCase). */
    public static JsonNode get(JsonNode node, String field, String alternative) {
        JsonNode child = get(node, field);
        return child != null ? child : get(node, alternative);
    }

    public static boolean has(JsonNode node, String field) {
        return get(node, field) != null;
    }

    /** A string field; numbers, booleans, objects and arrays are invalid. */
    public static String text(JsonNode node, String field, String path) {
        return asText(get(node, field), path);
    }

    public static String asText(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw DecodeException.invalid(path, "expected a string, got " + kind(value));
        }
        return value.textValue();
    }

    /** A string field that may also be written as a number (protocol numbers, enum numbers). */
    public static String textOrNumber(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        throw DecodeException.invalid(path, "expected a string or integer, got " + kind(value));
    }

    /** A string field where Calico's {@code "-"} and the empty string mean "none". */
    public static String sentinelText(JsonNode node, String field, String path) {
        String value = text(node, field, path);
        return value == null || value.isEmpty() || "-".equals(value) ? null : value;
    }

    /** An integer written as a JSON number or (protojson int64) a decimal string; {@code fallback} when absent. */
    public static long longValue(JsonNode value, String path, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw DecodeException.invalid(path, "integer out of range");
            }
            return value.longValue();
        }
        if (value.isFloatingPointNumber()) {
            double d = value.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
                return (long) d;
            }
            throw DecodeException.invalid(path, "expected an integer");
        }
        if (value.isTextual()) {
            String s = value.textValue().trim();
            if (s.isEmpty() || "-".equals(s)) {
                return fallback;
            }
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw DecodeException.invalid(path, "expected an integer, got \"" + clip(s) + "\"");
            }
        }
        throw DecodeException.invalid(path, "expected an integer, got " + kind(value));
    }

    /** A port 0..65535, or -1 when absent. */
    public static int port(JsonNode value, String path) {
        long port = longValue(value, path, -1);
        if (port < -1 || port > 65535) {
            throw DecodeException.invalid(path, "port out of range: " + port);
        }
        return (int) port;
    }

    /** A boolean (or "true"/"false"), null when absent. */
    public static Boolean bool(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            String s = value.textValue();
            if ("true".equalsIgnoreCase(s)) {
                return Boolean.TRUE;
            }
            if ("false".equalsIgnoreCase(s)) {
                return Boolean.FALSE;
            }
        }
        throw DecodeException.invalid(path, "expected a boolean, got " + kind(value));
    }

    /** An object field, null when absent. */
    public static JsonNode object(JsonNode node, String field, String path) {
        return asObject(get(node, field), path);
    }

    public static JsonNode asObject(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw DecodeException.invalid(path, "expected an object, got " + kind(value));
        }
        return value;
    }

    /** An array field, null when absent. */
    public static JsonNode array(JsonNode node, String field, String path) {
        return asArray(get(node, field), path);
    }

    public static JsonNode asArray(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            throw DecodeException.invalid(path, "expected an array, got " + kind(value));
        }
        return value;
    }

    /** The strings of an array field (null entries skipped); empty when absent. */
    public static List<String> strings(JsonNode value, String path) {
        JsonNode array = asArray(value, path);
        if (array == null || array.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            if (item == null || item.isNull()) {
                continue;
            }
            if (!item.isTextual()) {
                throw DecodeException.invalid(path + "[" + i + "]", "expected a string, got " + kind(item));
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** An RFC 3339 timestamp, null when absent. */
    public static Instant rfc3339(JsonNode value, String path) {
        String text = asText(value, path);
        if (text == null || text.isEmpty()) {
            return null;
        }
        return parseRfc3339(text, path);
    }

    public static Instant parseRfc3339(String text, String path) {
        Instant fast = parseUtc(text);
        if (fast != null) {
            return fast;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            // not UTC with a Z: try again with an offset, which rejects what neither form reads
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw DecodeException.invalid(path, "not an RFC 3339 timestamp: \"" + clip(text) + "\"");
            }
        }
    }

    /**
     * The common spelling {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} (what Hubble, Goldmane and audit logs write) without
     * {@code DateTimeFormatter}, which dominated decoding; null for anything else, which the formatter then parses (or
     * rejects), so what is accepted does not change.
     */
    public static Instant parseUtc(String s) {
        int n = s.length();
        if (n < 20
                || n > 30
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':'
                || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int digits = n - 21;
            if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            nanos = digits(s, 20, n - 1);
            if (nanos < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        } else if (s.charAt(19) != 'Z') {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal value of s[from, to), or -1 when a character is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Unix seconds as a number or decimal string, or (Whisker) an RFC 3339 string; null when absent. */
    public static Instant epochSecondsOrRfc3339(JsonNode value, String path) {
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            String s = value.textValue().trim();
            if (s.isEmpty()) {
                return null;
            }
            if (isDigits(s)) {
                return ofEpochSeconds(Long.parseLong(s), path);
            }
            return parseRfc3339(s, path);
        }
        return ofEpochSeconds(longValue(value, path, 0), path);
    }

    private static Instant ofEpochSeconds(long seconds, String path) {
        if (seconds < 0 || seconds > 32_503_680_000L) {
            throw DecodeException.invalid(path, "Unix seconds out of range: " + seconds);
        }
        return Instant.ofEpochSecond(seconds);
    }

    private static boolean isDigits(String s) {
        if (s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The JSON type of a node, for details. */
    public static String kind(JsonNode value) {
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isTextual()) {
            return "a string";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        if (value.isNumber()) {
            return "a number";
        }
        return value.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** Payload-derived text shortened for a detail: at most {@link #MAX_ECHO} characters, one line. */
    public static String clip(String text) {
        if (text == null) {
            return "null";
        }
        String s = text.length() > MAX_ECHO ? text.substring(0, MAX_ECHO) + "..." : text;
        return oneLine(s);
    }

    /** Replaces control characters so that a detail stays one line. */
    public static String oneLine(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (sb == null) {
                    sb = new StringBuilder(text.length());
                    sb.append(text, 0, i);
                }
                sb.append(' ');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }
}
