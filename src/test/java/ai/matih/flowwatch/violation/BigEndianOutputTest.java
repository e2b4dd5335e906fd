package ai.matih.flowwatch.violation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BigEndianOutputTest {

    @Test
    void givenRandomNumbersAndStrings_whenWritten_thenTheBytesAreWhatADataOutputStreamWrites() throws IOException {
        // Given
        SplittableRandom random = new SplittableRandom(7);
        String[] strings = {"", "hubble-flows:3", "\u0000", "é", "\u20AC", "\uD83D\uDE00", "x".repeat(40_000)};
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream reference = new DataOutputStream(expected);
        BigEndianOutput out = BigEndianOutput.empty();

        // When: 20,000 writes of each kind, in random order (the buffer grows past its first size)
        for (int i = 0; i < 20_000; i++) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    long v = random.nextLong();
                    reference.writeLong(v);
                    out.writeLong(v);
                }
                case 1 -> {
                    int v = random.nextInt();
                    reference.writeInt(v);
                    out.writeInt(v);
                }
                case 2 -> {
                    int v = random.nextInt(256);
                    reference.writeByte(v);
                    out.writeByte(v);
                }
                default -> {
                    String s = strings[random.nextInt(strings.length)];
                    reference.writeUTF(s);
                    out.writeUTF(s);
                }
            }
        }

        // Then
        assertThat(out.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(BigEndianOutput.empty().toByteArray()).isEmpty();
    }

    @Test
    void givenAStringOfMoreThan65535EncodedBytes_whenWritten_thenItIsRefusedAsADataOutputStreamRefusesIt() {
        // Given
        String tooLong = "\u20AC".repeat(30_000); // 90,000 bytes

        // When / Then
        assertThatThrownBy(() -> BigEndianOutput.empty().writeUTF(tooLong))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("too long");
    }
}
