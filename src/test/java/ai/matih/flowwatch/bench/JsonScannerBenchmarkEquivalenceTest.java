package ai.matih.flowwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contenders of {@link JsonScannerBenchmark} decode the same flows from the benchmark's records (the check its
 * setup makes before measuring), and the records are what the benchmark says they are.
 */
class JsonScannerBenchmarkEquivalenceTest {

    @ParameterizedTest
    @EnumSource(ScannerBenchmarkRecords.class)
    void everyContenderDecodesTheProductionDecodersFlowsFromEveryBenchmarkRecord(ScannerBenchmarkRecords set) {
        // Given
        byte[][] values = set.build(set.records());
        JsonScannerBenchmark.Contenders contenders = new JsonScannerBenchmark.Contenders(set.format());

        // When
        List<String> differences = contenders.differences(values);

        // Then
        assertThat(differences.subList(0, Math.min(3, differences.size())))
                .as("%d records decode differently, the first three", differences.size())
                .isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ScannerBenchmarkRecords.class)
    void theFastPathTakesEveryBenchmarkRecordSoTheScannerIsWhatIsMeasured(ScannerBenchmarkRecords set) {
        // Given
        byte[][] values = set.build(set.records());
        JsonScannerBenchmark.Contenders contenders = new JsonScannerBenchmark.Contenders(set.format());

        // When
        long declined = contenders.declined(values);

        // Then
        assertThat(declined).isZero();
    }

    @Test
    void labelHeavyRecordsAreTheHubbleRecordsWith25To40MoreLabelsPerPodEndpoint() {
        // Given
        byte[][] plain = ScannerBenchmarkRecords.HUBBLE.build(512);
        byte[][] heavy = ScannerBenchmarkRecords.HUBBLE_LABEL_HEAVY.build(512);
        JsonScannerBenchmark.Contenders contenders = new JsonScannerBenchmark.Contenders("hubble");
        int pods = 0;

        for (int i = 0; i < plain.length; i++) {
            // When
            Flow before = contenders
                    .streaming
                    .apply(plain[i], JsonScannerBenchmark.RECEIVED)
                    .get(0);
            Flow after = contenders
                    .streaming
                    .apply(heavy[i], JsonScannerBenchmark.RECEIVED)
                    .get(0);

            // Then
            assertThat(after.recordId()).isEqualTo(before.recordId());
            for (Endpoint[] pair : List.of(
                    new Endpoint[] {before.source(), after.source()},
                    new Endpoint[] {before.destination(), after.destination()})) {
                if (pair[0].kind() == EndpointKind.POD) {
                    pods++;
                    assertThat(pair[1].labels()).containsAllEntriesOf(pair[0].labels());
                    assertThat(pair[1].labels().size() - pair[0].labels().size())
                            .isBetween(25, 40);
                } else {
                    assertThat(pair[1]).isEqualTo(pair[0]);
                }
            }
        }
        assertThat(pods).isGreaterThan(plain.length);
    }
}
