package ai.matih.flowwatch.api;

import ai.matih.flowwatch.flow.KubernetesNames;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.Cause;
import ai.matih.flowwatch.violation.Criterion;
import ai.matih.flowwatch.violation.FilterField;
import ai.matih.flowwatch.violation.FilterValue;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.ViolationFilter;
import ai.matih.flowwatch.violation.ViolationOrder;
import ai.matih.flowwatch.violation.ViolationScope;
import ai.matih.flowwatch.violation.ViolationType;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query parameters of {@code GET /api/v1/violations}, its {@code /summary} and its {@code /stream}, read from the
 * raw query so that repeated parameters and unknown names are seen. Every filter parameter ({@link FilterField}) is
 * repeatable (values ORed) and negatable with a leading {@code !}; an empty value is no value. Checked in this order,
 * the first problem answered as a 400 naming its parameter: each name in the order given (unknown, repeated beyond
 * {@code flowwatch.api.filters.max-values-per-parameter}, past {@code flowwatch.api.filters.max-values} in all,
 * longer than {@code flowwatch.api.max-parameter-chars}), then the filter values in the order of
 * {@link FilterField}, since against until, then {@code limit} and {@code cursor}.
 */
@Startup
@ApplicationScoped
public class ViolationQueryParameters {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern PORTS = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");
    private static final Pattern RULE = Pattern.compile("(ingress|egress)\\[\\d{1,5}]");
    private static final Map<String, FilterField> FIELDS = fields();

    /** Which endpoint a query is for: each takes the filters and parameters of its own. */
    public enum Endpoint {
        LIST("limit", "cursor"),
        SUMMARY(),
        /** {@code lastEventId} is the stream's resume position; read by the stream itself. */
        STREAM("lastEventId");

        private final Set<String> own;

        Endpoint(String... own) {
            this.own = Set.of(own);
        }
    }

    /**
     * A parsed query.
     *
     * @param filter the filter, not yet scoped to the caller ({@link TenantScope#filter})
     * @param limit  the page size (list only; else the default)
     * @param cursor the position after which the page starts, or null
     */
    public record Query(ViolationFilter filter, int limit, ViolationOrder cursor) {}

    private final int maxChars;
    private final int maxPerParameter;
    private final int maxValues;

    @Inject
    public ViolationQueryParameters(ApiConfig config) {
        this(
                config.maxParameterChars(),
                config.filters().maxValuesPerParameter(),
                config.filters().maxValues());
    }

    ViolationQueryParameters(int maxChars, int maxPerParameter, int maxValues) {
        if (maxChars < 1 || maxPerParameter < 1 || maxValues < 1) {
            throw new IllegalArgumentException("flowwatch.api.max-parameter-chars and flowwatch.api.filters.* must"
                    + " be positive: " + maxChars + ", " + maxPerParameter + ", " + maxValues);
        }
        this.maxChars = maxChars;
        this.maxPerParameter = maxPerParameter;
        this.maxValues = maxValues;
    }

    /**
     * Parses a raw query string ({@code a=1&b=2}, percent-encoded; null for none) for an endpoint; durations in
     * {@code since} and {@code until} count back from {@code now}.
     *
     * @throws ProblemException 400 naming the first bad parameter
     */
    public Query parse(String rawQuery, Endpoint endpoint, Instant now) {
        Map<String, List<String>> params = decode(rawQuery, endpoint);
        List<Criterion> criteria = new ArrayList<>();
        for (FilterField field : FilterField.values()) {
            List<String> values = params.get(field.parameter());
            if (values != null) {
                Criterion c = criterion(field, values, now);
                if (c != null) {
                    criteria.add(c);
                }
            }
        }
        checkWindow(criteria);
        int limit = DEFAULT_LIMIT;
        ViolationOrder cursor = null;
        if (endpoint == Endpoint.LIST) {
            limit = limit(single(params, "limit"));
            cursor = cursor(single(params, "cursor"));
        }
        single(params, "lastEventId");
        return new Query(new ViolationFilter(ViolationScope.ALL, criteria), limit, cursor);
    }

    /** Names and values in the order given, each checked against the endpoint and the bounds. */
    private Map<String, List<String>> decode(String rawQuery, Endpoint endpoint) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        int total = 0;
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = unescape("query", eq < 0 ? pair : pair.substring(0, eq));
            if (!FIELDS.containsKey(name) && !endpoint.own.contains(name)) {
                throw unknown(name, endpoint);
            }
            String value = unescape(name, eq < 0 ? "" : pair.substring(eq + 1));
            List<String> values = params.computeIfAbsent(name, n -> new ArrayList<>());
            values.add(Parameters.bounded(name, value, maxChars));
            if (values.size() > maxPerParameter) {
                throw ProblemException.badParameter(
                        name,
                        name + " is given more than " + maxPerParameter + " times; at most " + maxPerParameter
                                + " values are accepted");
            }
            if (++total > maxValues) {
                throw ProblemException.badParameter(
                        name,
                        "the query has more than " + maxValues + " values; at most " + maxValues + " are accepted");
            }
        }
        return params;
    }

    private static String unescape(String parameter, String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badParameter(parameter, parameter + " is not percent-encoded correctly");
        }
    }

    private static ProblemException unknown(String name, Endpoint endpoint) {
        List<String> known = new ArrayList<>(FIELDS.keySet());
        known.addAll(endpoint.own);
        Collections.sort(known);
        String shown = Parameters.shown(name);
        return ProblemException.badParameter(
                shown, "unknown query parameter '" + shown + "'; known are " + String.join(", ", known));
    }

    /** The one value of a parameter given at most once, or null. */
    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw ProblemException.badParameter(name, name + " may be given once");
        }
        return values.get(0);
    }

    private Criterion criterion(FilterField field, List<String> values, Instant now) {
        List<FilterValue> include = new ArrayList<>();
        List<FilterValue> exclude = new ArrayList<>();
        for (String text : values) {
            if (text.isEmpty()) {
                continue;
            }
            boolean negated = text.charAt(0) == '!';
            String value = negated ? text.substring(1) : text;
            if (value.isEmpty()) {
                throw ProblemException.badParameter(
                        field.parameter(), field.parameter() + " '!' negates nothing: write !value");
            }
            (negated ? exclude : include).add(value(field, value, now));
        }
        return include.isEmpty() && exclude.isEmpty() ? null : new Criterion(field, include, exclude);
    }

    /** One value of a filter parameter, without its negation. */
    static FilterValue value(FilterField field, String value, Instant now) {
        String p = field.parameter();
        return switch (field) {
            case TENANT, NAMESPACE, SOURCE_NAMESPACE, DESTINATION_NAMESPACE, WORKLOAD ->
                new FilterValue.Text(name(p, value));
            case TYPE -> new FilterValue.Constant(type(value));
            case SEVERITY -> new FilterValue.Constant(severity(value));
            case CATEGORY -> new FilterValue.Constant(tagged(p, value, Category.values(), Category::tag));
            case CAUSE -> new FilterValue.Constant(tagged(p, value, Cause.values(), Cause::tag));
            case OBSERVED ->
                new FilterValue.Text(
                        tagged(p, value, Observed.values(), Observed::tag).name());
            case SOURCE_POD, DESTINATION_POD -> pod(p, value);
            case IP -> ip(value);
            case PORT -> ports(value);
            case PROTOCOL -> protocol(value);
            case POLICY -> new FilterValue.Text(policy(value));
            case LABEL -> label(value);
            case SINCE, UNTIL -> new FilterValue.Time(instant(p, value, now));
        };
    }

    private static String name(String parameter, String value) {
        if (!KubernetesNames.isDnsSubdomain(value)) {
            throw ProblemException.badParameter(
                    parameter,
                    parameter + " '" + Parameters.shown(value)
                            + "' is not a valid Kubernetes name (lower-case letters, digits, '-' and '.')");
        }
        return value;
    }

    private static ViolationType type(String value) {
        ViolationType t = ViolationType.parse(value);
        if (t == null) {
            throw ProblemException.badParameter(
                    "type",
                    "type '" + Parameters.shown(value) + "' is not one of " + Arrays.toString(ViolationType.values()));
        }
        return t;
    }

    private static Severity severity(String value) {
        Severity s = Severity.parse(value);
        if (s == null) {
            throw ProblemException.badParameter(
                    "severity", "severity '" + Parameters.shown(value) + "' is not one of critical, warning, info");
        }
        return s;
    }

    /** An enum value by its tag or its name, case-insensitively. */
    private static <E extends Enum<E>> E tagged(String parameter, String value, E[] values, Function<E, String> tag) {
        List<String> tags = new ArrayList<>();
        for (E e : values) {
            if (tag.apply(e).equalsIgnoreCase(value) || e.name().equalsIgnoreCase(value)) {
                return e;
            }
            tags.add(tag.apply(e));
        }
        throw ProblemException.badParameter(
                parameter, parameter + " '" + Parameters.shown(value) + "' is not one of " + String.join(", ", tags));
    }

    private static FilterValue pod(String parameter, String value) {
        if (value.endsWith("*")) {
            if (!KubernetesNames.isNameOrPrefix(value)) {
                throw ProblemException.badParameter(
                        parameter,
                        parameter + " '" + Parameters.shown(value)
                                + "' is not a pod name prefix (lower-case letters, digits, '-' and '.', then '*')");
            }
            return new FilterValue.Prefix(value.substring(0, value.length() - 1));
        }
        return new FilterValue.Text(name(parameter, value));
    }

    private static FilterValue ip(String value) {
        IPAddress address = null;
        if (ipCharacters(value)) {
            address = new IPAddressString(value).getAddress();
        }
        if (address == null || (!address.isPrefixed() && address.isMultiple())) {
            throw ProblemException.badParameter(
                    "ip",
                    "ip '" + Parameters.shown(value) + "' is neither an address nor a CIDR (10.0.0.0/8, fd00::/8)");
        }
        return FilterValue.Block.of(address);
    }

    /** Hex digits, '.', ':' and at most one '/', with at least one '.' or ':' (no wildcards, ranges or names). */
    private static boolean ipCharacters(String value) {
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        if (!KubernetesNames.isIpText(address)) {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        String bits = value.substring(slash + 1);
        return !bits.isEmpty() && bits.length() <= 3 && bits.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static FilterValue ports(String value) {
        Matcher m = PORTS.matcher(value);
        if (m.matches()) {
            int from = Integer.parseInt(m.group(1));
            int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
            if (from >= 1 && to <= 65535 && from <= to) {
                return new FilterValue.Ports(from, to);
            }
        }
        throw ProblemException.badParameter(
                "port",
                "port '" + Parameters.shown(value)
                        + "' is neither a port (1 to 65535) nor a range of them (8000-8099)");
    }

    private static FilterValue protocol(String value) {
        Protocol p = Protocol.parse(value);
        if (p == null) {
            throw ProblemException.badParameter(
                    "protocol",
                    "protocol '" + Parameters.shown(value)
                            + "' is not a protocol: TCP, UDP, SCTP, ICMP, ICMPv6, GRE, ESP, AH or a number 0-255");
        }
        return new FilterValue.Text(p.name());
    }

    /** {@code name}, {@code namespace/name} or {@code namespace/name#ingress[0]}. */
    private static String policy(String value) {
        int hash = value.indexOf('#');
        String ref = hash < 0 ? value : value.substring(0, hash);
        int slash = ref.indexOf('/');
        boolean valid = slash < 0
                ? hash < 0 && KubernetesNames.isDnsSubdomain(ref)
                : KubernetesNames.isDnsLabel(ref.substring(0, slash))
                        && KubernetesNames.isDnsSubdomain(ref.substring(slash + 1))
                        && (hash < 0 || RULE.matcher(value.substring(hash + 1)).matches());
        if (!valid) {
            throw ProblemException.badParameter(
                    "policy",
                    "policy '" + Parameters.shown(value)
                            + "' is not a NetworkPolicy (name, namespace/name or namespace/name#ingress[0])");
        }
        return value;
    }

    private static FilterValue label(String value) {
        int eq = value.indexOf('=');
        if (eq > 0) {
            String key = value.substring(0, eq);
            String labelValue = value.substring(eq + 1);
            if (KubernetesNames.isLabelKey(key) && KubernetesNames.isLabelValue(labelValue)) {
                return new FilterValue.Label(key, labelValue);
            }
        }
        throw ProblemException.badParameter(
                "label", "label '" + Parameters.shown(value) + "' is not key=value with a valid label key and value");
    }

    /**
     * An RFC 3339 instant ({@code 2026-01-01T00:00:00Z}, {@code 2026-01-01T02:00:00+02:00}), or a duration before
     * now such as {@code 15m}, {@code 2h}, {@code 7d} or {@code PT30S}.
     */
    static Instant instant(String parameter, String value, Instant now) {
        try {
            Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                Duration d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return now.minus(d);
            }
            if (value.startsWith("P") || value.startsWith("p")) {
                return now.minus(Duration.parse(value));
            }
            // an offset's '+' sent unencoded arrives as a space
            String text = value.replace(' ', '+');
            try {
                return Instant.parse(text);
            } catch (DateTimeException e) {
                return OffsetDateTime.parse(text).toInstant();
            }
        } catch (DateTimeException | ArithmeticException e) {
            // not a time, or a duration reaching before any instant: the same answer
            throw ProblemException.badParameter(
                    parameter,
                    parameter + " '" + Parameters.shown(value)
                            + "' is neither an RFC 3339 instant (2026-01-01T00:00:00Z) nor a duration (15m, 2h, 7d)");
        }
    }

    /** A single since after a single until is refused, naming since. */
    private static void checkWindow(List<Criterion> criteria) {
        Instant since = single(criteria, FilterField.SINCE);
        Instant until = single(criteria, FilterField.UNTIL);
        if (since != null && until != null && since.isAfter(until)) {
            throw ProblemException.badParameter("since", "since (" + since + ") is after until (" + until + ")");
        }
    }

    private static Instant single(List<Criterion> criteria, FilterField field) {
        for (Criterion c : criteria) {
            if (c.field() == field && c.include().size() == 1 && c.exclude().isEmpty()) {
                return c.include().get(0).instant();
            }
        }
        return null;
    }

    private static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the problem below
        }
        throw ProblemException.badParameter(
                "limit", "limit '" + Parameters.shown(value) + "' must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static ViolationOrder cursor(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return ViolationOrder.parseCursor(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badParameter(
                    "cursor", "cursor is not one this API issued: pass nextCursor unchanged");
        }
    }

    private static Map<String, FilterField> fields() {
        Map<String, FilterField> m = new HashMap<>();
        for (FilterField f : FilterField.values()) {
            m.put(f.parameter(), f);
        }
        return Map.copyOf(m);
    }
}
