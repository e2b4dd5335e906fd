package ai.matih.flowwatch.topology.kubernetes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The spec of an {@link EgressExceptionResource}, as in manifests (docs/topology.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EgressExceptionSpec {

    @Required
    @PrinterColumn(name = "Tenant", priority = 0)
    @JsonPropertyDescription("The tenant the exception applies to.")
    private String tenant;

    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Destination networks: CIDRs or single addresses (203.0.113.0/24, 2001:db8::1).")
    private List<String> cidrs;

    @JsonPropertyDescription("Destination ports; empty means any port. Each is a number (443), a text (\"8000-8100\", "
            + "\"53/UDP\", \"8000-8100/TCP\") or an object {port, endPort, protocol}.")
    private List<JsonNode> ports;

    @JsonPropertyDescription("Destination names, shown as evidence only.")
    private List<String> fqdns;

    @PrinterColumn(name = "Owner", priority = 0)
    @JsonPropertyDescription("Who asked for the exception.")
    private String owner;

    @PrinterColumn(name = "Expires", priority = 0)
    @JsonPropertyDescription("When it stops permitting anything: an ISO-8601 instant (2030-01-01T00:00:00Z) or a date "
            + "(2030-01-01, the start of that day in UTC); absent for never.")
    private String expires;

    @JsonPropertyDescription("Why the exception exists.")
    private String reason;

    public String getTenant() {
        return tenant;
    }

    public void setTenant(String tenant) {
        this.tenant = tenant;
    }

    public List<String> getCidrs() {
        return cidrs;
    }

    public void setCidrs(List<String> cidrs) {
        this.cidrs = cidrs;
    }

    public List<JsonNode> getPorts() {
        return ports;
    }

    public void setPorts(List<JsonNode> ports) {
        this.ports = ports;
    }

    public List<String> getFqdns() {
        return fqdns;
    }

    public void setFqdns(List<String> fqdns) {
        this.fqdns = fqdns;
    }

    public String getOwner() {
        return owner;
    }

    public void setOwner(String owner) {
        this.owner = owner;
    }

    public String getExpires() {
        return expires;
    }

    public void setExpires(String expires) {
        this.expires = expires;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }
}
