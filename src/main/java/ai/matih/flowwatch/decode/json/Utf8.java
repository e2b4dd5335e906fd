package ai.matih.flowwatch.decode.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Byte-level checks on record values. */
public final class Utf8 {

    /** Reads 8 bytes at once: the ASCII runs that make up almost all of a flow record are skipped a word at a time. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {}

    /** The offset of the first byte that is not well-formed UTF-8 (RFC 3629), or -1. */
    public static int firstInvalid(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            while (i + 32 <= n
                    && (((long) LONGS.get(b, i)
                                            | (long) LONGS.get(b, i + 8)
                                            | (long) LONGS.get(b, i + 16)
                                            | (long) LONGS.get(b, i + 24))
                                    & HIGH_BITS)
                            == 0) {
                i += 32;
            }
            if (i == n) {
                break;
            }
            if (i + 8 <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                i += 8;
                continue;
            }
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                need = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + need >= n) {
                return i;
            }
            int cp = c & (0x3f >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return i;
            }
            i += need + 1;
        }
        return -1;
    }

    public static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /** True when the value holds only whitespace (and possibly a UTF-8 byte-order mark). */
    public static boolean isBlank(byte[] b) {
        int start = hasBom(b) ? 3 : 0;
        for (int i = start; i < b.length; i++) {
            if (!isWhitespace(b[i])) {
                return false;
            }
        }
        return true;
    }

    public static boolean hasBom(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf;
    }

    /** The end of {@code b[0, end)} without trailing whitespace. */
    public static int trimEnd(byte[] b, int end) {
        int e = end;
        while (e > 0 && isWhitespace(b[e - 1])) {
            e--;
        }
        return e;
    }
}
