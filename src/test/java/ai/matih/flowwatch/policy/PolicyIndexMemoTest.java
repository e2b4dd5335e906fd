package ai.matih.flowwatch.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod-selection memo is keyed by what the selectors read, so labels a record adds cannot grow it. */
class PolicyIndexMemoTest {

    @Test
    void shouldKeepOneEntryPerWhatTheSelectorsTellApart() {
        // Given: a policy selecting app=db with tier in (a, b)
        NetworkPolicy policy = new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName("db")
                .withNamespace("x")
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .addToMatchLabels("app", "db")
                .addNewMatchExpression()
                .withKey("tier")
                .withOperator("In")
                .withValues("a", "b")
                .endMatchExpression()
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .endSpec()
                .build();
        CompiledPolicy compiled = PolicyCompiler.compile(policy, new ArrayList<>());
        PolicyIndex index = new PolicyIndex(Map.of("x", List.of(compiled)));
        String[][] pods = {{"db", "a"}, {"db", "b"}, {"db", "c"}, {"db", "d"}, {"web", "a"}, {"web", "zz"}};

        // When: each kind of pod 200 times, each time with 100 labels no selector reads
        List<Boolean> selected = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            for (String[] pod : pods) {
                Map<String, String> labels = new HashMap<>();
                for (int i = 0; i < 100; i++) {
                    labels.put("noise-" + i, n + "-" + i);
                }
                labels.put("app", pod[0]);
                labels.put("tier", pod[1]);
                selected.add(!index.selecting("x", LabelView.of(labels)).isEmpty());
            }
        }

        // Then: absent / named value / other value per read key: db+a, db+b, db+other, web+a, web+other
        assertThat(index.memoSize()).isEqualTo(5);
        assertThat(selected.subList(0, pods.length)).containsExactly(true, true, false, false, false, false);
        for (int n = 0; n < 200; n++) {
            assertThat(selected.subList(n * pods.length, (n + 1) * pods.length))
                    .isEqualTo(selected.subList(0, pods.length));
        }
    }

    @Test
    void shouldTellUnknownLabelsFromNoLabels() {
        // Given
        NetworkPolicy policy = new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName("db")
                .withNamespace("x")
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .addToMatchLabels("app", "db")
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .endSpec()
                .build();
        PolicyIndex index = new PolicyIndex(Map.of("x", List.of(PolicyCompiler.compile(policy, new ArrayList<>()))));

        // When
        List<PolicyIndex.Selection> none = index.selecting("x", LabelView.of(Map.of()));
        List<PolicyIndex.Selection> unknown = index.selecting("x", LabelView.partial(Map.of(), "unknown"));

        // Then
        assertThat(none).isEmpty();
        assertThat(unknown)
                .singleElement()
                .satisfies(s -> assertThat(s.selects().isUnknown()).isTrue());
        assertThat(index.memoSize()).isEqualTo(2);
    }
}
