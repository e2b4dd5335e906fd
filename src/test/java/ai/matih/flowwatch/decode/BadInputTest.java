package ai.matih.flowwatch.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated bad input for every decoder: invalid UTF-8, truncated JSON, 10 MB records, deep nesting, wrong types, huge
 * arrays, NDJSON mixing good and bad lines, and a seeded random mutation run over the samples. The invariants of
 * {@link DecoderFuzzTest#decode}: nothing escapes, every reject has a reason, bounded time.
 */
class BadInputTest {

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of(Formats.CALICO, "samples/calico-enterprise-observability-clinic-deny.json"),
                Arguments.of(Formats.CALICO, "samples/calico-goldmane-whisker-api-unattributed.jsonl"),
                Arguments.of(Formats.HUBBLE, "samples/hubble-cilium-printer-test.jsonl"),
                Arguments.of(Formats.HUBBLE, "samples/hubble-imroc-tke-guide-exporter.jsonl"),
                Arguments.of(Formats.AUDIT, "samples/k8s-audit-falco-exec-pod.json"),
                Arguments.of(Formats.AUDIT, "samples/k8s-audit-elastic-integrations-aks-string.jsonl"));
    }

    private static byte[] sample(String path) throws IOException {
        try (InputStream in = BadInputTest.class.getClassLoader().getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    private static String firstLine(byte[] sample) {
        String s = new String(sample, StandardCharsets.UTF_8).strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyTruncationIsRejectedWithAReason(FlowFormat kind, String path) throws IOException {
        // Given
        byte[] line = firstLine(sample(path)).getBytes(StandardCharsets.UTF_8);
        int rejected = 0;

        // When
        for (int n = 1; n < line.length; n++) {
            DecoderFuzzTest.Outcome out = DecoderFuzzTest.decode(kind, Arrays.copyOf(line, n));
            rejected += out.rejected;
        }

        // Then: all but the few prefixes that are complete documents by themselves are rejected
        assertThat(rejected).isGreaterThan(line.length - 10);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void invalidUtf8IsRejected(FlowFormat kind, String path) throws IOException {
        // Given
        byte[] line = firstLine(sample(path)).getBytes(StandardCharsets.UTF_8);
        byte[] bad = Arrays.copyOf(line, line.length);
        bad[line.length / 2] = (byte) 0xC3;
        bad[line.length / 2 + 1] = (byte) 0x28;

        // When
        DecoderFuzzTest.Outcome out = DecoderFuzzTest.decode(kind, bad);

        // Then
        assertThat(out.rejected).isEqualTo(1);
        assertThat(out.documents()).isZero();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void tenMegabyteRecordsAreRejectedFast(FlowFormat kind, String path) throws IOException {
        // Given
        String line = firstLine(sample(path));
        StringBuilder big = new StringBuilder(10 * 1024 * 1024 + line.length());
        while (big.length() < 10 * 1024 * 1024) {
            big.append(line).append('\n');
        }

        // When
        DecoderFuzzTest.Outcome out =
                DecoderFuzzTest.decode(kind, big.toString().getBytes(StandardCharsets.UTF_8));

        // Then
        assertThat(out.rejected).isEqualTo(1);
        assertThat(out.documents()).isZero();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void deepNestingWrongTypesAndHugeArraysAreRejected(FlowFormat kind) {
        // Given
        List<String> bad = List.of(
                "[".repeat(200_000) + "]".repeat(200_000),
                "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000),
                "{\"flow\":{\"time\":[1,2,3],\"verdict\":{\"x\":1},\"IP\":\"nope\",\"l4\":7}}",
                "{\"start_time\":\"yesterday\",\"end_time\":{},\"source_ip\":[],\"dest_port\":\"http\",\"action\":5}",
                "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"verb\":[],\"objectRef\":\"x\",\"stage\":1}",
                "{\"kind\":\"EventList\",\"items\":{\"not\":\"an array\"}}",
                "[" + "0,".repeat(400_000) + "0]",
                "null",
                "true",
                "12",
                "\"text\"",
                "{}",
                "[]",
                "",
                " \n \n ");

        for (String value : bad) {
            // When
            DecoderFuzzTest.Outcome out = DecoderFuzzTest.decode(kind, value.getBytes(StandardCharsets.UTF_8));

            // Then: nothing escaped, and no flow or event came out of it
            assertThat(out.flows + out.audits)
                    .as(value.length() > 80 ? value.substring(0, 80) : value)
                    .isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void hugeArraysInsideADocumentAreDecodedWithinBounds(FlowFormat kind) {
        // Given a 100,000-label endpoint (a valid, if absurd, document for Hubble)
        String value = "{\"flow\":{\"source\":{\"labels\":[" + "\"k=v\",".repeat(100_000) + "\"k=v\"]}}}";

        // When
        DecoderFuzzTest.Outcome out = DecoderFuzzTest.decode(kind, value.getBytes(StandardCharsets.UTF_8));

        // Then: one outcome, whatever it is, within the time bound of decode
        assertThat(out.documents() + out.rejected).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void goodLinesOfAMixedNdjsonRecordAreProcessed(FlowFormat kind, String path) throws IOException {
        // Given
        String good = firstLine(sample(path));
        DecoderFuzzTest.Outcome alone = DecoderFuzzTest.decode(kind, good.getBytes(StandardCharsets.UTF_8));
        String mixed = String.join("\n", good, "{\"truncated\":", good, "\u0000garbage", "[1,2", good);

        // When
        DecoderFuzzTest.Outcome out = DecoderFuzzTest.decode(kind, mixed.getBytes(StandardCharsets.UTF_8));

        // Then
        assertThat(out.documents()).isEqualTo(3 * alone.documents());
        assertThat(out.rejected).isEqualTo(3 + 3 * alone.rejected);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void seededRandomMutations(FlowFormat kind, String path) throws IOException {
        // Given
        byte[] seed = sample(path);
        Random random = new Random(path.hashCode());
        int runs = Integer.getInteger("flowwatch.mutations", 5_000);

        // When / Then: every mutant keeps the invariants
        for (int i = 0; i < runs; i++) {
            DecoderFuzzTest.decode(kind, mutate(seed, random));
        }
    }

    static Stream<FlowFormat> kinds() {
        return Formats.BUILT_IN.all().stream();
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = Arrays.copyOf(seed, seed.length);
        int edits = 1 + random.nextInt(8);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = Arrays.copyOf(b, at);
                case 2 -> {
                    byte[] ins = "{}[]\",:0-e\\\n".getBytes(StandardCharsets.UTF_8);
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, at);
                    n[at] = ins[random.nextInt(ins.length)];
                    System.arraycopy(b, at, n, at + 1, b.length - at);
                    b = n;
                }
                case 3 -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(64));
                    byte[] n = new byte[b.length + len];
                    System.arraycopy(b, 0, n, 0, at + len);
                    System.arraycopy(b, at, n, at + len, b.length - at);
                    b = n;
                }
                default -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(64));
                    byte[] n = new byte[b.length - len];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + len, n, at, b.length - at - len);
                    b = n;
                }
            }
        }
        return b;
    }
}
