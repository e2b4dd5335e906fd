package ai.matih.flowwatch.violation;

import java.time.Instant;
import java.util.List;

/**
 * The fields a query of violations can filter on, each named as its query parameter, in the order a query's values
 * are checked. A field that reads what a tenant's view of a violation withholds (the ends, the tenants, the
 * deciding policies) is {@link #redacted()}: for a tenant it is compared with that view, never with the stored
 * violation.
 */
public enum FilterField {
    /** The tenant at either end (or the tenant or peer tenant of the violation). */
    TENANT("tenant", true),
    TYPE("type", false),
    SEVERITY("severity", false),
    CATEGORY("category", false),
    CAUSE("cause", false),
    OBSERVED("observed", false),
    /** The namespace at either end. */
    NAMESPACE("namespace", true),
    SOURCE_NAMESPACE("source.namespace", true),
    DESTINATION_NAMESPACE("destination.namespace", true),
    SOURCE_POD("source.pod", true),
    DESTINATION_POD("destination.pod", true),
    /** The workload at either end. */
    WORKLOAD("workload", true),
    /** The address at either end. */
    IP("ip", true),
    PORT("port", false),
    PROTOCOL("protocol", false),
    /** A policy (or rule) in decidedBy. */
    POLICY("policy", true),
    /** A pod label at either end, where the pod is known. */
    LABEL("label", true),
    /** Last seen at or after. */
    SINCE("since", false),
    /** First seen at or before. */
    UNTIL("until", false);

    private final String parameter;
    private final boolean redacted;

    FilterField(String parameter, boolean redacted) {
        this.parameter = parameter;
        this.redacted = redacted;
    }

    /** The query parameter. */
    public String parameter() {
        return parameter;
    }

    /** True when the field reads something a tenant's view may withhold. */
    public boolean redacted() {
        return redacted;
    }

    /** True when the violation's field matches the value. */
    boolean test(FilterValue value, Violation v, EndLabels labels) {
        EndpointView s = v.source();
        EndpointView d = v.destination();
        return switch (this) {
            case TENANT ->
                value.text(v.tenant())
                        || value.text(v.peerTenant())
                        || (s != null && value.text(s.tenant()))
                        || (d != null && value.text(d.tenant()));
            case TYPE -> value.constant(v.type());
            case SEVERITY -> value.constant(v.severity());
            case CATEGORY -> value.constant(v.category());
            case CAUSE -> value.constant(v.cause());
            case OBSERVED -> value.text(v.observed());
            case NAMESPACE -> (s != null && value.text(s.namespace())) || (d != null && value.text(d.namespace()));
            case SOURCE_NAMESPACE -> s != null && value.text(s.namespace());
            case DESTINATION_NAMESPACE -> d != null && value.text(d.namespace());
            case SOURCE_POD -> s != null && value.text(s.pod());
            case DESTINATION_POD -> d != null && value.text(d.pod());
            case WORKLOAD -> (s != null && value.text(s.workload())) || (d != null && value.text(d.workload()));
            case IP -> (s != null && value.address(s.ip())) || (d != null && value.address(d.ip()));
            case PORT -> value.port(v.port());
            case PROTOCOL -> value.text(v.protocol());
            case POLICY -> decidedBy(value, v.decidedBy());
            case LABEL -> (s != null && value.labels(labels.of(s))) || (d != null && value.labels(labels.of(d)));
            case SINCE ->
                at(value) != null && v.lastSeen() != null && !v.lastSeen().isBefore(at(value));
            case UNTIL ->
                at(value) != null && v.firstSeen() != null && !v.firstSeen().isAfter(at(value));
        };
    }

    private static Instant at(FilterValue value) {
        return value.instant();
    }

    /**
     * True when a deciding policy is the value: the same reference ({@code namespace/name#ingress[0]}), its policy
     * ({@code namespace/name}), or, for a value without a namespace, the policy's name.
     */
    private static boolean decidedBy(FilterValue value, List<String> decidedBy) {
        if (!(value instanceof FilterValue.Text text)) {
            return false;
        }
        String wanted = text.value();
        boolean withNamespace = wanted.indexOf('/') >= 0;
        for (int i = 0; i < decidedBy.size(); i++) {
            String entry = decidedBy.get(i);
            int hash = entry.indexOf('#');
            int end = hash < 0 ? entry.length() : hash;
            if (entry.equals(wanted) || (end == wanted.length() && entry.startsWith(wanted))) {
                return true;
            }
            if (!withNamespace) {
                int slash = entry.lastIndexOf('/', end - 1);
                if (end - slash - 1 == wanted.length() && entry.startsWith(wanted, slash + 1)) {
                    return true;
                }
            }
        }
        return false;
    }
}
