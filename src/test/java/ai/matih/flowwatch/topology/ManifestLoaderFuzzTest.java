package ai.matih.flowwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link ManifestLoader#parse} (Jazzer): any text is either loaded or refused with a
 * {@link ManifestException} (the reload keeps the previous snapshot), never another exception, within 2 s.
 * Long mode: {@code JAZZER_FUZZ=1 ./mvnw -o test -Dtest='ManifestLoaderFuzzTest'}.
 */
class ManifestLoaderFuzzTest {

    private static final ManifestLoader LOADER = new ManifestLoader(
            TenancyRules.defaults(),
            List.of(EgressException.parseCidr("10.0.0.0/8")),
            DnsSelector.parse("kube-system/k8s-app=kube-dns"));

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
    void parse(String manifests) {
        if (manifests == null) {
            return; // Jazzer also tries null; the loader is never given null
        }
        long started = System.nanoTime();
        try {
            assertThat(LOADER.parse(manifests, "fuzz")).isNotNull();
        } catch (ManifestException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        assertThat(System.nanoTime() - started).isLessThan(2_000_000_000L);
    }
}
