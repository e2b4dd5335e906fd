package ai.matih.flowwatch.violation;

import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What {@link java.io.DataOutputStream} writes (big-endian numbers, modified UTF-8 strings), and variable-length
 * integers, into a byte array reused
 * by its thread: the replay memory is encoded, some kilobytes, for every write of a violation, and a stream wrapping a
 * {@code ByteArrayOutputStream} copied it twice and took a lock per number.
 */
final class BigEndianOutput {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final int INITIAL = 16 * 1024;
    /** A buffer grown past this is not kept for the thread's next use. */
    private static final int KEPT = 256 * 1024;

    private static final ThreadLocal<BigEndianOutput> PER_THREAD = ThreadLocal.withInitial(BigEndianOutput::new);

    private byte[] buffer = new byte[INITIAL];
    private int size;

    private BigEndianOutput() {}

    /** This thread's output, empty. */
    static BigEndianOutput empty() {
        BigEndianOutput out = PER_THREAD.get();
        if (out.buffer.length > KEPT) {
            out.buffer = new byte[INITIAL];
        }
        out.size = 0;
        return out;
    }

    void writeByte(int b) {
        room(1);
        buffer[size++] = (byte) b;
    }

    void writeInt(int v) {
        room(4);
        INT.set(buffer, size, v);
        size += 4;
    }

    void writeLong(long v) {
        room(8);
        LONG.set(buffer, size, v);
        size += 8;
    }

    /** An unsigned variable-length integer: seven bits a byte, least significant first, the high bit on all but the last. */
    void writeVarLong(long v) {
        room(10);
        while ((v & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buffer[size++] = (byte) v;
    }

    /** As {@link java.io.DataOutputStream#writeUTF}: a two-byte length, then modified UTF-8. */
    void writeUTF(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c >= 1 && c <= 0x7F ? 1 : c <= 0x7FF ? 2 : 3;
        }
        if (bytes > 0xFFFF) {
            throw new UncheckedIOException(new UTFDataFormatException("encoded string too long: " + bytes + " bytes"));
        }
        room(2 + bytes);
        buffer[size++] = (byte) (bytes >>> 8);
        buffer[size++] = (byte) bytes;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 1 && c <= 0x7F) {
                buffer[size++] = (byte) c;
            } else if (c <= 0x7FF) {
                buffer[size++] = (byte) (0xC0 | (c >> 6));
                buffer[size++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buffer[size++] = (byte) (0xE0 | (c >> 12));
                buffer[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /** A copy of what was written. */
    byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void room(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
