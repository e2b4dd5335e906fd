package ai.matih.flowwatch.api;

import ai.matih.flowwatch.isolation.Recommendation;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

/**
 * A recommendation as {@code kubectl apply -f} reads it: its NetworkPolicies as multi-document YAML, after comments
 * saying what they allow, how they were verified, and which observed connections were left out and why.
 */
final class RecommendationYaml {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private RecommendationYaml() {}

    static String render(Recommendation r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Least-privilege NetworkPolicies for tenant ")
                .append(r.tenant())
                .append(", generated ")
                .append(r.generatedAt())
                .append('\n');
        sb.append("# They replace every NetworkPolicy of ")
                .append(String.join(", ", r.namespaces()))
                .append(": a default deny, egress to the cluster DNS pods only (53/UDP and 53/TCP), and the ")
                .append(r.allowed())
                .append(" permitted connection(s) observed recently.\n");
        sb.append("# Verified: the NetworkPolicy engine allows each of the ")
                .append(r.verified().permittedAllowed())
                .append(" permitted observed connection(s) and denies each of the ")
                .append(r.verified().forbiddenDenied())
                .append(" forbidden one(s); the isolation audit finds no PERMITS_FORBIDDEN.\n");
        if (!r.dropped().isEmpty()) {
            sb.append("# Observed but not allowed:\n");
            for (Recommendation.Dropped d : r.dropped()) {
                sb.append("#   ")
                        .append(d.connection())
                        .append(": ")
                        .append(d.reason())
                        .append('\n');
            }
            if (r.omitted() > 0) {
                sb.append("#   and ").append(r.omitted()).append(" more\n");
            }
        }
        try {
            for (NetworkPolicy p : r.policies()) {
                sb.append("---\n").append(YAML.writeValueAsString(p));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the policies failed", e);
        }
        return sb.toString();
    }
}
