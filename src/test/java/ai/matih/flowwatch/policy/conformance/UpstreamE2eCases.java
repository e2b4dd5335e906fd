package ai.matih.flowwatch.policy.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The Kubernetes NetworkPolicy e2e specs of {@code conformance/upstream-e2e.yaml}. */
final class UpstreamE2eCases {

    static final String RESOURCE = "conformance/upstream-e2e.yaml";

    private UpstreamE2eCases() {}

    static List<ConformanceCase> load() {
        CaseData data = new CaseData(CaseData::raw);
        List<ConformanceCase> cases = new ArrayList<>();
        for (JsonNode spec : CaseData.read(RESOURCE).path("specs")) {
            List<String> pods = new ArrayList<>();
            CaseData.required(spec, "pods").forEach(p -> pods.add(p.asText()));
            List<ConformanceCase.Step> steps = new ArrayList<>();
            for (JsonNode step : CaseData.required(spec, "steps")) {
                steps.add(new ConformanceCase.Step(
                        data.actions(step.path("actions")), CaseData.probes(step.path("probes"), pods)));
            }
            cases.add(new ConformanceCase(
                    ConformanceCase.Origin.UPSTREAM_E2E,
                    CaseData.text(spec, "family"),
                    CaseData.text(spec, "name"),
                    steps));
        }
        return cases;
    }
}
