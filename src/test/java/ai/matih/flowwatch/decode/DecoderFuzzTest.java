package ai.matih.flowwatch.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.decode.audit.AuditBounds;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.KubernetesNames;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of {@link RecordDecoder}, one target per input topic (Jazzer). Without {@code JAZZER_FUZZ}
 * (every build) each target runs its seed inputs ({@code src/test/resources/.../DecoderFuzzTestInputs/<method>}) and
 * any past findings; with {@code JAZZER_FUZZ=1} one target at a time is fuzzed for up to 1,000,000 inputs:
 * {@code JAZZER_FUZZ=1 ./mvnw -o test -Dtest='DecoderFuzzTest#hubble'} (likewise {@code calico}, {@code audit}).
 * Whatever the input: no exception escapes, every reject has a reason and a detail, one input takes under 5 s,
 * (Calico, Hubble) the fast path changes nothing: the tree-only decoder delivers the same flows, rejects and skips,
 * and everything delivered is within the input bounds: valid Kubernetes namespace, pod and node names, label count
 * and bytes per endpoint within their caps, bounded policy lists and free text, audit names and labels valid.
 */
class DecoderFuzzTest {

    private static final long MAX_NANOS = 5_000_000_000L; // a 1 MB record, cold JIT, on a shared 2-core machine
    private static final RecordDecoder DECODER = new RecordDecoder();
    private static final RecordDecoder TREE_ONLY = new RecordDecoder(
            RecordDecoder.DEFAULT_MAX_RECORD_BYTES, RecordDecoder.DEFAULT_MAX_LINES_PER_RECORD, false);

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
    void calico(byte[] value) {
        decode(Formats.CALICO, value);
        sameAsTreeOnly(Formats.CALICO, value);
    }

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
    void hubble(byte[] value) {
        decode(Formats.HUBBLE, value);
        sameAsTreeOnly(Formats.HUBBLE, value);
    }

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
    void audit(byte[] value) {
        decode(Formats.AUDIT, value);
    }

    /** The fast paths never change what a record decodes into. */
    static void sameAsTreeOnly(FlowFormat kind, byte[] value) {
        if (value == null) {
            return;
        }
        RecordingSink fast = new RecordingSink();
        RecordingSink tree = new RecordingSink();
        DECODER.decode(kind, value, Instant.EPOCH, fast);
        TREE_ONLY.decode(kind, value, Instant.EPOCH, tree);
        assertThat(fast.flows).containsExactlyElementsOf(tree.flows);
        assertThat(fast.rejections).containsExactlyElementsOf(tree.rejections);
        assertThat(fast.skips).containsExactlyElementsOf(tree.skips);
    }

    /** Decodes one value and checks the invariants; returns what came out. */
    static Outcome decode(FlowFormat kind, byte[] value) {
        Outcome out = new Outcome();
        if (value == null) {
            return out; // Jazzer also tries null; a Kafka record without value is not decoded (tombstone)
        }
        long started = System.nanoTime();
        DECODER.decode(kind, value, Instant.EPOCH, out);
        long took = System.nanoTime() - started;
        assertThat(took).as("decoding time of %d bytes", value.length).isLessThan(MAX_NANOS);
        return out;
    }

    /** Counts what a record decodes into and checks every reject. */
    static final class Outcome implements DecodeSink {
        int flows;
        int audits;
        int skipped;
        int rejected;

        @Override
        public void flow(Flow flow) {
            assertThat(flow).isNotNull();
            withinBounds(flow.source());
            withinBounds(flow.destination());
            assertThat(flow.node())
                    .satisfiesAnyOf(
                            n -> assertThat(n).isNull(),
                            n -> assertThat(KubernetesNames.isNodeName(n)).isTrue());
            assertThat(flow.policies()).hasSizeLessThanOrEqualTo(InputBounds.MAX_POLICIES);
            if (flow.verdictDetail() != null) {
                assertThat(InputBounds.utf8Length(flow.verdictDetail()))
                        .isLessThanOrEqualTo(InputBounds.MAX_TEXT_BYTES);
            }
            assertThat(FlowBounds.check(flow)).as("flow within every bound").isSameAs(flow);
            flows++;
        }

        private static void withinBounds(Endpoint e) {
            if (e.namespace() != null) {
                assertThat(KubernetesNames.isDnsLabel(e.namespace()))
                        .as("namespace %s", e.namespace())
                        .isTrue();
            }
            if (e.pod() != null) {
                assertThat(KubernetesNames.isDnsSubdomain(e.pod()))
                        .as("pod %s", e.pod())
                        .isTrue();
            }
            assertThat(e.labels().size() + e.namespaceLabels().size()).isLessThanOrEqualTo(InputBounds.MAX_LABELS);
            int bytes = 0;
            for (Map<String, String> labels : List.of(e.labels(), e.namespaceLabels())) {
                for (Map.Entry<String, String> label : labels.entrySet()) {
                    assertThat(KubernetesNames.isLabelKey(label.getKey()))
                            .as("label key")
                            .isTrue();
                    assertThat(KubernetesNames.isLabelValue(label.getValue()))
                            .as("label value")
                            .isTrue();
                    bytes += label.getKey().length() + label.getValue().length();
                }
            }
            assertThat(bytes).isLessThanOrEqualTo(InputBounds.MAX_LABEL_BYTES);
        }

        @Override
        public void audit(AuditEvent event) {
            assertThat(event).isNotNull();
            if (event.namespace() != null) {
                assertThat(KubernetesNames.isDnsLabel(event.namespace()))
                        .as("namespace")
                        .isTrue();
            }
            if (event.userAgent() != null) {
                assertThat(InputBounds.utf8Length(event.userAgent())).isLessThanOrEqualTo(InputBounds.MAX_TEXT_BYTES);
            }
            assertThat(AuditBounds.check(event))
                    .as("audit event within every bound")
                    .isSameAs(event);
            audits++;
        }

        @Override
        public void skipped(String kind, long lostEvents) {
            skipped++;
        }

        @Override
        public void rejected(Rejection r) {
            assertThat(r.reason()).isNotNull();
            assertThat(r.detail()).isNotBlank();
            rejected++;
        }

        int documents() {
            return flows + audits + skipped;
        }
    }
}
