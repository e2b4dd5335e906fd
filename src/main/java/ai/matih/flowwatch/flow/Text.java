package ai.matih.flowwatch.flow;

/** Byte lengths and clipping of text an outsider sent, measured in UTF-8 as it is stored and sent on. */
public final class Text {

    private static final String ELLIPSIS = "...";

    private Text() {}

    /** The UTF-8 length of {@code s} (a lone surrogate counts as 3 bytes). */
    public static int utf8Length(String s) {
        int n = s.length();
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            int size = utf8Size(s, i);
            bytes += size;
            if (size == 4) {
                i++;
            }
        }
        return bytes;
    }

    /** The UTF-8 size of the character at {@code i}: 4 for a surrogate pair (two chars), else 1 to 3. */
    private static int utf8Size(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800) {
            return 2;
        }
        return Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)) ? 4 : 3;
    }

    /**
     * Free text within {@code maxBytes} of UTF-8 and on one line: {@code s} itself when it already is (no copy),
     * else with control characters as spaces and, when too long, cut at a character boundary and ended with "...".
     * Null stays null.
     */
    public static String clip(String s, int maxBytes) {
        if (s == null) {
            return null;
        }
        boolean control = hasControl(s);
        boolean fits = s.length() <= maxBytes / 3 || utf8Length(s) <= maxBytes;
        if (fits && !control) {
            return s;
        }
        int budget = fits ? maxBytes : maxBytes - ELLIPSIS.length();
        StringBuilder sb = new StringBuilder(Math.min(s.length(), maxBytes));
        int used = 0;
        for (int i = 0; i < s.length(); i++) {
            int size = utf8Size(s, i);
            if (used + size > budget) {
                break;
            }
            used += size;
            char c = s.charAt(i);
            if (size == 4) {
                sb.append(c).append(s.charAt(++i));
            } else {
                sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
            }
        }
        return fits ? sb.toString() : sb.append(ELLIPSIS).toString();
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
