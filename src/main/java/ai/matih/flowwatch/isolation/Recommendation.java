package ai.matih.flowwatch.isolation;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Least-privilege NetworkPolicies for one tenant's namespaces: what allows exactly the permitted connections observed
 * recently (and the cluster DNS pods), verified before it is given.
 *
 * @param tenant      the tenant id
 * @param namespaces  its namespaces, each of which the policies replace every policy of
 * @param generatedAt when it was computed
 * @param policies    the NetworkPolicies
 * @param allowed     the permitted observed connections they allow, each confirmed by the engine
 * @param dropped     observed connections left out, and why (forbidden by the model, or not judged)
 * @param omitted     dropped connections left out of {@code dropped} to bound the answer (absent when none)
 * @param verified    what was checked
 */
public record Recommendation(
        String tenant,
        List<String> namespaces,
        Instant generatedAt,
        List<NetworkPolicy> policies,
        int allowed,
        List<Dropped> dropped,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int omitted,
        Verified verified) {

    public Recommendation {
        Objects.requireNonNull(tenant, "tenant");
        namespaces = List.copyOf(namespaces);
        policies = List.copyOf(policies);
        dropped = List.copyOf(dropped);
    }

    /**
     * An observed connection the policies do not allow.
     *
     * @param connection the connection, in a line ({@code source → destination:port/protocol})
     * @param reason     why it is left out
     */
    public record Dropped(String connection, String reason) {}

    /**
     * The checks the policies passed.
     *
     * @param permittedAllowed  permitted observed connections the engine allows with them
     * @param forbiddenDenied   forbidden observed connections the engine denies with them
     * @param permitsForbidden  PERMITS_FORBIDDEN findings of the isolation audit with them (always 0)
     */
    public record Verified(int permittedAllowed, int forbiddenDenied, int permitsForbidden) {}
}
