package ai.matih.flowwatch.violation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The replay memory's bounds and order, which its primitive-array form must keep as the access-ordered maps did. */
class ReplayMemoryTest {

    private static final String P0 = "hubble-flows:0";
    private static final String P1 = "hubble-flows:1";

    @Test
    void givenAFullMemory_whenANewAttemptComes_thenTheLeastRecentlyUsedIsForgottenNotTheOldest() {
        // Given: attempts 1, 2, 3, then 1 reported again (a use)
        ReplayMemory memory = new ReplayMemory(3);
        memory.attemptDelta(1, 1, P0);
        memory.attemptDelta(2, 1, P0);
        memory.attemptDelta(3, 1, P0);
        assertThat(memory.attemptDelta(1, 1, P1)).isZero();

        // When
        memory.attemptDelta(4, 1, P0);

        // Then: 2 is forgotten and counts again; 1, 3 and 4 do not
        assertThat(memory.attemptDelta(1, 1, P1)).isZero();
        assertThat(memory.attemptDelta(3, 1, P1)).isZero();
        assertThat(memory.attemptDelta(4, 1, P1)).isZero();
        assertThat(memory.attemptDelta(2, 1, P1)).isEqualTo(1);
    }

    @Test
    void givenAMemoryEncodedWithALimit_whenDecoded_thenItHoldsTheMostRecentlyUsedInTheirOrder() {
        // Given: fingerprints 10..19 and attempts 0..9, attempt 0 and fingerprint 10 used last
        ReplayMemory memory = new ReplayMemory(100);
        memory.contributed(P0, 5, 10, 10);
        for (long k = 0; k < 10; k++) {
            memory.attemptDelta(k, 1, P0);
            memory.remember(10 + k);
        }
        memory.attemptDelta(0, 1, P0);
        assertThat(memory.seen(10)).isTrue();

        // When: the newest four of each, into a memory of three
        ReplayMemory decoded = ReplayMemory.decode(memory.encode(4), 3);

        // Then: the eldest written (7, 17) did not fit; 8, 9, 0 and 18, 19, 10 are remembered
        assertThat(decoded.applied(P0, 5)).isTrue();
        assertThat(decoded.bytes()).isEqualTo(3L * ReplayMemory.ATTEMPT_BYTES + 3L * ReplayMemory.FINGERPRINT_BYTES);
        assertThat(decoded.seen(10)).isTrue();
        assertThat(decoded.seen(19)).isTrue();
        assertThat(decoded.seen(17)).isFalse();
        assertThat(decoded.attemptDelta(0, 1, P1)).isZero();
        assertThat(decoded.attemptDelta(8, 1, P1)).isZero();
        assertThat(decoded.attemptDelta(7, 1, P1)).isEqualTo(1);
    }

    @Test
    void givenAnAttemptCreditedByTwoPartitions_whenEncodedAndAbsorbed_thenBothCreditsTravelAndTheSurplusIsTakenBack() {
        // Given: one instance counted attempt 42 on partition 0, another on partition 1
        ReplayMemory first = new ReplayMemory(16);
        first.attemptDelta(42, 1, P0);
        first.contributed(P0, 1, 1, 1);
        ReplayMemory second = new ReplayMemory(16);
        second.attemptDelta(42, 1, P1);
        second.contributed(P1, 1, 1, 1);

        // When: the first takes in the second's write, and a third memory reads the first's afterwards
        ReplayMemory.Absorbed absorbed = first.absorb(ReplayMemory.decode(second.encode(256), 16));
        ReplayMemory third = new ReplayMemory(16);
        ReplayMemory.Absorbed again = third.absorb(ReplayMemory.decode(first.encode(256), 16));

        // Then: the attempt counted twice is taken back once, and the third sees both credits and that it was settled
        assertThat(absorbed.retracted()).isEqualTo(1);
        assertThat(absorbed.count()).isEqualTo(1);
        assertThat(again.count()).isEqualTo(2);
        assertThat(again.retracted()).isEqualTo(1);
        assertThat(first.bytes()).isEqualTo(ReplayMemory.ATTEMPT_BYTES + ReplayMemory.SHARED_CREDITS_BYTES);
    }

    @Test
    void givenATrim_whenTheMemoryShrinks_thenItForgetsTheLeastRecentlyUsedAndStillWorks() {
        // Given
        ReplayMemory memory = new ReplayMemory(4096);
        for (long k = 0; k < 1000; k++) {
            memory.attemptDelta(k, 1, P0);
            memory.remember(k);
        }

        // When
        int forgotten = memory.trimTo(10);

        // Then
        assertThat(forgotten).isEqualTo(2 * 990);
        assertThat(memory.bytes()).isEqualTo(10L * (ReplayMemory.ATTEMPT_BYTES + ReplayMemory.FINGERPRINT_BYTES));
        assertThat(memory.attemptDelta(999, 1, P0)).isZero();
        assertThat(memory.attemptDelta(989, 1, P0)).isEqualTo(1);
        assertThat(memory.seen(995)).isTrue();
        assertThat(memory.seen(5)).isFalse();
        for (long k = 2000; k < 3000; k++) {
            memory.attemptDelta(k, 1, P0);
        }
        assertThat(memory.attemptDelta(2999, 2, P0)).isEqualTo(1);
    }

    @Test
    void givenAMemoryWrittenInVersion2_whenDecoded_thenItsPartsCreditsAndFingerprintsAreRead() throws IOException {
        // Given: version 2, the numbers of attempts as eight bytes each (what earlier releases wrote to the topic)
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(2);
        out.writeInt(1);
        out.writeUTF(P0);
        out.writeLong(9L << 16);
        out.writeLong(3);
        out.writeLong(3);
        out.writeInt(1);
        out.writeLong(42); // attempt key
        out.writeLong(3); // connections
        out.writeLong(0); // retracted
        out.writeInt(1); // one credit
        out.writeInt(0); // of part 0
        out.writeLong(3);
        out.writeInt(1);
        out.writeLong(77); // fingerprint

        // When
        ReplayMemory memory = ReplayMemory.decode(bytes.toByteArray(), 16);

        // Then: the same memory as one built by the same merges (written again in version 3, credit included)
        ReplayMemory same = new ReplayMemory(16);
        same.contributed(P0, 9L << 16, 3, 3);
        same.attemptDelta(42, 3, P0);
        same.remember(77);
        assertThat(memory.encode(256)).isEqualTo(same.encode(256));
        assertThat(memory.applied(P0, 9L << 16)).isTrue();
        assertThat(memory.seen(77)).isTrue();
        assertThat(memory.attemptDelta(42, 3, P1)).isZero();
        assertThat(memory.attemptDelta(42, 5, P1)).isEqualTo(2);
    }

    @Test
    void givenAFullMemory_whenEncoded_thenItTakesLessThanHalfTheBytesOfFixedWidthNumbers() {
        // Given: 256 attempts of one connection each, one partition credited, and 256 fingerprints
        ReplayMemory memory = new ReplayMemory(4096);
        memory.contributed(P0, 1, 256, 256);
        for (long k = 0; k < 256; k++) {
            memory.attemptDelta(k * 0x9E3779B97F4A7C15L, 1, P0);
            memory.remember(k);
        }

        // When
        byte[] encoded = memory.encode(256);

        // Then: version 2 took 40 bytes per attempt (one credit) and 8 per fingerprint
        assertThat(encoded.length).isLessThan(256 * (40 + 8) / 2);
        assertThat(ReplayMemory.decode(encoded, 4096).encode(256)).isEqualTo(encoded);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(longs = {0, 1, 127, 128, 300, 1L << 35, Long.MAX_VALUE, -1, Long.MIN_VALUE, 0x8000_0000_0000_0001L})
    void givenAVariableLengthNumber_whenWrittenAndRead_thenItIsTheSameInAtMostTenBytes(long value) throws IOException {
        // Given
        BigEndianOutput out = BigEndianOutput.empty();

        // When
        out.writeVarLong(value);
        byte[] bytes = out.toByteArray();

        // Then
        assertThat(bytes.length).isBetween(1, 10);
        assertThat(ReplayMemory.readVarLong(new DataInputStream(new ByteArrayInputStream(bytes))))
                .isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedVersion3")
    void givenAMalformedVersion3Memory_whenDecoded_thenItIsRejectedWithAnIllegalArgument(String what, byte[] bytes) {
        assertThatThrownBy(() -> ReplayMemory.decode(bytes, 16)).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> malformedVersion3() {
        return Stream.of(
                Arguments.of("a number of eleven bytes", version3Attempt(continued(10, 0xFF))),
                Arguments.of("a tenth byte beyond the 64th bit", version3Attempt(continued(9, 0x02))),
                Arguments.of("a negative number of attempts it stands for", version3Attempt(continued(9, 0x01))),
                Arguments.of("a truncated number", version3Attempt(new byte[] {(byte) 0x80})),
                Arguments.of(
                        "a negative number of credits", version3Attempt(concat(new byte[] {1, 0}, continued(9, 1)))));
    }

    /** {@code n} bytes 0xFF (seven bits each, more to come), then {@code last}. */
    private static byte[] continued(int n, int last) {
        byte[] b = new byte[n + 1];
        Arrays.fill(b, (byte) 0xFF);
        b[n] = (byte) last;
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Version 3, no parts, one attempt whose fields from its "connections" on are {@code fields}. */
    private static byte[] version3Attempt(byte[] fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(3);
        bytes.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 1});
        bytes.writeBytes(new byte[8]); // the attempt key
        bytes.writeBytes(fields);
        return bytes.toByteArray();
    }
}
