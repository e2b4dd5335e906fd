package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.decode.json.Utf8;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a record value into lines that carry a document, removing a CRI log prefix or an SSE {@code data:}
 * field name, and dropping blank lines and SSE control lines ({@code : comment}, {@code event:}, {@code id:},
 * {@code retry:}).
 */
final class Lines {

    /** Indexes into the int[] describing one line. */
    static final int LINE = 0;

    static final int START = 1;
    static final int LENGTH = 2;
    static final int CONTENT = 3;
    static final int CONTENT_LENGTH = 4;

    private static final byte[] DATA = {'d', 'a', 't', 'a', ':'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't', ':'};
    private static final byte[] ID = {'i', 'd', ':'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y', ':'};

    private Lines() {}

    /** Lines of the value that carry a document: {line number, start, length, content start, content length}. */
    static List<int[]> split(byte[] value) {
        List<int[]> out = new ArrayList<>();
        int lineNo = 0;
        int pos = Utf8.hasBom(value) ? 3 : 0;
        int n = value.length;
        while (pos < n) {
            lineNo++;
            int eol = pos;
            while (eol < n && value[eol] != '\n') {
                eol++;
            }
            int start = pos;
            int end = eol;
            pos = eol + 1;
            int s = start;
            while (s < end && Utf8.isWhitespace(value[s])) {
                s++;
            }
            int e = Utf8.trimEnd(value, end);
            if (e <= s) {
                continue;
            }
            int lineLength = e - start;
            if (value[s] == ':'
                    || startsWith(value, s, e, EVENT)
                    || startsWith(value, s, e, ID)
                    || startsWith(value, s, e, RETRY)) {
                continue;
            }
            int c = s;
            if (startsWith(value, s, e, DATA)) {
                c = s + DATA.length;
                if (c < e && value[c] == ' ') {
                    c++;
                }
                while (c < e && Utf8.isWhitespace(value[c])) {
                    c++;
                }
                if (c >= e) {
                    continue;
                }
            } else {
                int message = criMessageStart(value, s, e);
                if (message >= 0) {
                    c = message;
                }
            }
            out.add(new int[] {lineNo, start, lineLength, c, e - c});
        }
        return out;
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the message starts after a CRI prefix {@code <RFC3339 time> <stdout|stderr> <F|P> }, or -1.
     */
    static int criMessageStart(byte[] b, int from, int to) {
        if (from >= to || b[from] < '0' || b[from] > '9') {
            return -1;
        }
        int sp = from;
        boolean sawT = false;
        while (sp < to && sp - from < 40 && b[sp] != ' ') {
            if (b[sp] == 'T') {
                sawT = true;
            }
            sp++;
        }
        if (!sawT || sp >= to || b[sp] != ' ') {
            return -1;
        }
        int p = sp + 1;
        if (!(matches(b, p, to, "stdout ") || matches(b, p, to, "stderr "))) {
            return -1;
        }
        p += 7;
        if (p + 1 >= to || (b[p] != 'F' && b[p] != 'P') || b[p + 1] != ' ') {
            return -1;
        }
        return p + 2;
    }

    private static boolean matches(byte[] b, int p, int to, String ascii) {
        if (to - p < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[p + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Removes a CRI prefix from a text (a shipper's {@code log} field), if present. */
    static String stripCriPrefix(String text) {
        if (text.isEmpty() || text.charAt(0) < '0' || text.charAt(0) > '9') {
            return text;
        }
        int sp = text.indexOf(' ');
        if (sp < 0 || sp > 40 || text.lastIndexOf('T', sp) < 0) {
            return text;
        }
        String rest = text.substring(sp + 1);
        if ((rest.startsWith("stdout ") || rest.startsWith("stderr "))
                && rest.length() > 9
                && (rest.charAt(7) == 'F' || rest.charAt(7) == 'P')
                && rest.charAt(8) == ' ') {
            return rest.substring(9).strip();
        }
        return text;
    }
}
