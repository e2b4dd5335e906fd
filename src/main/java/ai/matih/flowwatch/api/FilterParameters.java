package ai.matih.flowwatch.api;

import ai.matih.flowwatch.violation.FilterField;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * Adds the violation filters to the OpenAPI document: the list, summary and stream of violations read their query
 * parameters from the raw query ({@link ViolationQueryParameters}), so that repeated and unknown names can be seen,
 * and have no Java parameter per filter to annotate. Every {@link FilterField} is described here (a new field does
 * not compile without a description), as a repeatable string parameter.
 */
public class FilterParameters implements OASFilter {

    private static final Set<String> FILTERED = Set.of("listViolations", "summarizeViolations", "streamViolations");
    private static final Map<String, String> PAGING = Map.of(
            "limit", "Violations per page, 1 to 1000 (default 100); given once",
            "cursor", "The nextCursor of the previous page, unchanged; given once");

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getOperationId() == null || !FILTERED.contains(operation.getOperationId())) {
            return operation;
        }
        for (FilterField field : FilterField.values()) {
            operation.addParameter(parameter(
                    field.parameter(),
                    description(field) + ". Repeatable (values ORed); a leading '!' excludes the value.",
                    true));
        }
        if ("listViolations".equals(operation.getOperationId())) {
            PAGING.forEach((name, description) -> operation.addParameter(parameter(name, description, false)));
        }
        return operation;
    }

    private static Parameter parameter(String name, String description, boolean repeatable) {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        return OASFactory.createParameter()
                .name(name)
                .in(Parameter.In.QUERY)
                .description(description)
                .required(false)
                .explode(repeatable)
                .schema(
                        repeatable
                                ? OASFactory.createSchema()
                                        .addType(Schema.SchemaType.ARRAY)
                                        .items(string)
                                : string);
    }

    static String description(FilterField field) {
        return switch (field) {
            case TENANT -> "The tenant at either end";
            case TYPE -> "The violation type, e.g. ISOLATION_BREACH, BLOCKED_ATTEMPT";
            case SEVERITY -> "critical, warning or info";
            case CATEGORY -> "The forbidden pattern, e.g. cross-tenant";
            case CAUSE -> "What the policy axis blames, e.g. not-enforced, policy-denies";
            case OBSERVED -> "What the CNI did: ALLOWED, DENIED, AUDIT or UNKNOWN";
            case NAMESPACE -> "The namespace at either end";
            case SOURCE_NAMESPACE -> "The source's namespace";
            case DESTINATION_NAMESPACE -> "The destination's namespace";
            case SOURCE_POD -> "The source pod, exact or prefix*";
            case DESTINATION_POD -> "The destination pod, exact or prefix*";
            case WORKLOAD -> "The workload at either end";
            case IP -> "An address at either end; a CIDR matches the addresses inside it";
            case PORT -> "The destination port";
            case PROTOCOL -> "TCP, UDP, SCTP, ICMP, ICMPV6, GRE, ESP, AH or an IANA protocol number 0-255";
            case POLICY -> "A policy (or rule) in decidedBy";
            case LABEL -> "key=value on either end's pod labels, where known";
            case SINCE -> "Seen at or after: an RFC 3339 instant or a duration back from now (15m, 2h, 7d)";
            case UNTIL -> "Began at or before: an RFC 3339 instant or a duration back from now";
        };
    }
}
