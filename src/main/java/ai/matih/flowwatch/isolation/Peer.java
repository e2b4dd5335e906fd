package ai.matih.flowwatch.isolation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * The peer of a finding.
 *
 * @param peerClass its class ({@code class} in JSON)
 * @param tenant    the peer's tenant (another tenant's namespace, an ingress pod's label), or null
 * @param namespace the peer's namespace, or null (outside the cluster)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Peer(@JsonProperty("class") PeerClass peerClass, String tenant, String namespace) {

    public Peer {
        Objects.requireNonNull(peerClass, "peerClass");
    }
}
