package ai.matih.flowwatch.decode.json;

import ai.matih.flowwatch.decode.FastPath;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A strict cursor over a UTF-8 JSON record for fast paths: reads the few values a decoder needs and skips the rest
 * while checking it is valid JSON (RFC 8259, as Jackson reads it by default: no comments, no leading zeros, no
 * unescaped control characters, literals and numbers ending at a delimiter). It gives up, by throwing
 * {@link FastPath#DECLINE}, on anything it does not handle or is unsure about, including input that may be
 * valid but is unusual (escapes in a string it must read, nesting deeper than {@value #MAX_DEPTH}, very long strings
 * or numbers): the caller then lets Jackson decide. It never accepts what Jackson would reject.
 *
 * <p>Well-formed UTF-8 is checked before ({@link Utf8}); the scanner only reads bytes. Not thread-safe: one per
 * decoding call.
 */
public final class JsonScanner {

    /** Deeper nesting is left to Jackson (whose limit is {@link JsonCodec#MAX_NESTING_DEPTH}). */
    public static final int MAX_DEPTH = 32;

    private static final int MAX_STRING_BYTES = 64 * 1024;
    private static final int MAX_NUMBER_BYTES = 32;
    /** Jackson's limit is 4096 (JsonCodec); flow-log names are short. */
    private static final int MAX_NAME_BYTES = 256;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long SPACES = ONES * 0x20;

    private final byte[] b;
    private final int end;
    private int pos;
    /** Length in bytes of the last name read. */
    private int nameLength;
    /** Whether the last string scanned had a backslash escape. */
    private boolean escaped;

    public JsonScanner(byte[] bytes) {
        this.b = bytes;
        this.end = bytes.length;
    }

    /** The offset of the next byte to read. */
    public int position() {
        return pos;
    }

    /** Skips whitespace; true when bytes remain. */
    public boolean more() {
        skipWhitespace();
        return pos < end;
    }

    /** The next non-whitespace byte, not consumed; declines at the end of input. */
    public byte peek() {
        skipWhitespace();
        if (pos >= end) {
            throw FastPath.DECLINE;
        }
        return b[pos];
    }

    /** Consumes {@code c} (after whitespace) or declines. */
    public void expect(char c) {
        if (peek() != c) {
            throw FastPath.DECLINE;
        }
        pos++;
    }

    /** Consumes {@code c} if it comes next (after whitespace). */
    public boolean accept(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * Inside an object, after '{' or a value: true and positioned on the next name's opening quote, or false after
     * consuming the closing '}'.
     *
     * @param first whether no member has been read yet
     */
    public boolean nextMember(boolean first) {
        byte c = peek();
        if (c == '}') {
            pos++;
            return false;
        }
        if (!first) {
            if (c != ',') {
                throw FastPath.DECLINE;
            }
            pos++;
            c = peek();
        }
        if (c != '"') {
            throw FastPath.DECLINE;
        }
        return true;
    }

    /** Reads a member name (on its quote) and the ':' after it; returns the name's offset, for {@link #nameIs}. */
    public int name() {
        int start = pos + 1;
        int close = stringEnd(MAX_NAME_BYTES);
        if (escaped) {
            throw FastPath.DECLINE;
        }
        nameLength = close - 1 - start;
        expect(':');
        return start;
    }

    /** Length in bytes of the last name read (it starts at the offset {@link #name} returned). */
    public int nameLength() {
        return nameLength;
    }

    /** True when the name just read equals {@code expected} (ASCII). */
    public boolean nameIs(int start, byte[] expected) {
        if (nameLength != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (b[start + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when the next value is JSON null, which is then consumed. */
    public boolean nullValue() {
        if (peek() == 'n') {
            literal("null");
            return true;
        }
        return false;
    }

    /** A string value without escapes, or null for JSON null; declines on any other value. */
    public String string() {
        if (nullValue()) {
            return null;
        }
        if (peek() != '"') {
            throw FastPath.DECLINE;
        }
        int start = pos + 1;
        int close = stringEnd(MAX_STRING_BYTES);
        if (escaped) {
            throw FastPath.DECLINE;
        }
        return new String(b, start, close - 1 - start, StandardCharsets.UTF_8);
    }

    /** true, false, or null for JSON null; declines on any other value. */
    public Boolean bool() {
        byte c = peek();
        if (c == 't') {
            literal("true");
            return Boolean.TRUE;
        }
        if (c == 'f') {
            literal("false");
            return Boolean.FALSE;
        }
        if (c == 'n') {
            literal("null");
            return null;
        }
        throw FastPath.DECLINE;
    }

    /**
     * A non-negative integer without fraction or exponent, {@code absent} for JSON null; declines on anything else
     * (negative, fractional, exponent, quoted, beyond 18 digits).
     */
    public long naturalNumber(long absent) {
        if (nullValue()) {
            return absent;
        }
        int start = pos;
        long v = 0;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            v = v * 10 + (b[pos] - '0');
            pos++;
        }
        int digits = pos - start;
        if (digits == 0 || digits > 18 || (digits > 1 && b[start] == '0')) {
            throw FastPath.DECLINE;
        }
        delimiter();
        return v;
    }

    /**
     * Skips an object or array (the scanner on its '{' or '[') without checking its content and returns the offset
     * after its closing bracket. Only for a caller that then checks those bytes another way (equal to bytes Jackson
     * has read, or parsed by Jackson). Declines when it nests deeper than {@code maxDepth} or does not end.
     */
    public int skipContainerUnchecked(int maxDepth) {
        byte open = peek();
        if (open != '{' && open != '[') {
            throw FastPath.DECLINE;
        }
        int depth = 0;
        int i = pos;
        while (i < end) {
            byte c = b[i++];
            if (c == '"') {
                while (true) {
                    i = plainRun(i, false);
                    if (i >= end) {
                        throw FastPath.DECLINE;
                    }
                    byte s = b[i++];
                    if (s == '\\') {
                        i++;
                    } else if (s == '"') {
                        break;
                    }
                }
            } else if (c == '{' || c == '[') {
                if (++depth > maxDepth) {
                    throw FastPath.DECLINE;
                }
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    pos = i;
                    return i;
                }
            }
        }
        throw FastPath.DECLINE;
    }

    /** Skips any value, checking that it is valid JSON; {@code depth} is the nesting it sits at. */
    public void skipValue(int depth) {
        byte c = peek();
        switch (c) {
            case '{' -> {
                if (depth + 1 > MAX_DEPTH) {
                    throw FastPath.DECLINE;
                }
                pos++;
                boolean first = true;
                while (nextMember(first)) {
                    first = false;
                    stringEnd(MAX_NAME_BYTES);
                    expect(':');
                    skipValue(depth + 1);
                }
            }
            case '[' -> {
                if (depth + 1 > MAX_DEPTH) {
                    throw FastPath.DECLINE;
                }
                pos++;
                if (!accept(']')) {
                    do {
                        skipValue(depth + 1);
                    } while (accept(','));
                    expect(']');
                }
            }
            case '"' -> stringEnd(MAX_STRING_BYTES);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    /** On an opening quote: checks the string (at most {@code limit} bytes) and returns the offset after it. */
    private int stringEnd(int limit) {
        int start = pos;
        int i = pos + 1;
        escaped = false;
        while (true) {
            i = plainRun(i, true);
            if (i >= end || i - start > limit) {
                throw FastPath.DECLINE;
            }
            int c = b[i] & 0xff;
            if (c == '"') {
                pos = i + 1;
                return pos;
            }
            if (c < 0x20) {
                throw FastPath.DECLINE; // an unescaped control character
            }
            if (c == '\\') {
                escaped = true;
                if (i + 1 >= end) {
                    throw FastPath.DECLINE;
                }
                byte e = b[i + 1];
                switch (e) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2;
                    case 'u' -> {
                        if (i + 6 > end) {
                            throw FastPath.DECLINE;
                        }
                        for (int k = i + 2; k < i + 6; k++) {
                            if (Character.digit(b[k], 16) < 0) {
                                throw FastPath.DECLINE;
                            }
                        }
                        i += 6;
                    }
                    default -> throw FastPath.DECLINE;
                }
                continue;
            }
            i++;
        }
    }

    /**
     * The offset of the first byte from {@code i} that may end a plain run of string content: a quote, a backslash
     * or (when {@code controls}) a control character; eight bytes at a time. Exact within a word (each mask's lowest
     * flagged byte is a true one: a borrow only runs upwards from a matching byte); in the last seven bytes of the
     * input it stops early, and the caller goes on byte by byte.
     */
    private int plainRun(int i, boolean controls) {
        while (i + 8 <= end) {
            long w = (long) LONGS.get(b, i);
            long q = w ^ QUOTES;
            long e = w ^ BACKSLASHES;
            long special = ((q - ONES) & ~q) | ((e - ONES) & ~e);
            if (controls) {
                special |= (w - SPACES) & ~w;
            }
            special &= HIGHS;
            if (special != 0) {
                return i + (Long.numberOfTrailingZeros(special) >>> 3);
            }
            i += 8;
        }
        return i;
    }

    /** RFC 8259 number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? followed by a delimiter. */
    private void number() {
        int start = pos;
        if (pos < end && b[pos] == '-') {
            pos++;
        }
        int intStart = pos;
        digits();
        if (pos == intStart || (pos - intStart > 1 && b[intStart] == '0')) {
            throw FastPath.DECLINE;
        }
        if (pos < end && b[pos] == '.') {
            pos++;
            if (digits() == 0) {
                throw FastPath.DECLINE;
            }
        }
        if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
            pos++;
            if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            if (digits() == 0) {
                throw FastPath.DECLINE;
            }
        }
        if (pos - start > MAX_NUMBER_BYTES) {
            throw FastPath.DECLINE;
        }
        delimiter();
    }

    private int digits() {
        int start = pos;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        return pos - start;
    }

    private void literal(String word) {
        if (pos + word.length() > end) {
            throw FastPath.DECLINE;
        }
        for (int i = 0; i < word.length(); i++) {
            if (b[pos + i] != word.charAt(i)) {
                throw FastPath.DECLINE;
            }
        }
        pos += word.length();
        delimiter();
    }

    /** A number or literal must be followed by whitespace, a structural character or the end of input. */
    private void delimiter() {
        if (pos < end) {
            byte c = b[pos];
            if (c != ',' && c != '}' && c != ']' && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                throw FastPath.DECLINE;
            }
        }
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }
}
