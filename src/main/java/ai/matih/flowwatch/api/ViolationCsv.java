package ai.matih.flowwatch.api;

import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Violation;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * A page of violations as CSV (RFC 4180): a header row, then one row per violation with its ends flattened
 * ({@code source.namespace}, ...), {@code decidedBy} joined by {@code ;}; every line ends with CRLF. A cell with a
 * comma, a quote or a line break is quoted; a cell a spreadsheet would take for a formula (starting with {@code =},
 * {@code +}, {@code -}, {@code @}, a tab or a carriage return) gets a leading {@code '}.
 */
public final class ViolationCsv {

    /** The media type asked for with {@code Accept}. */
    public static final String MEDIA_TYPE = "text/csv";
    /** The content type of the answer. */
    public static final String CONTENT_TYPE = "text/csv; charset=UTF-8";
    /** The header that carries the next page's cursor (also in {@code Link}). */
    public static final String NEXT_CURSOR_HEADER = "Flowwatch-Next-Cursor";

    private static final List<Column> COLUMNS = List.of(
            new Column("id", Violation::id),
            new Column("type", v -> v.type().name()),
            new Column("severity", v -> v.severity().tag()),
            new Column(
                    "category", v -> v.category() == null ? null : v.category().tag()),
            new Column("cause", v -> v.cause() == null ? null : v.cause().tag()),
            new Column("tenant", Violation::tenant),
            new Column("peerTenant", Violation::peerTenant),
            new Column("source.namespace", v -> end(v.source(), EndpointView::namespace)),
            new Column("source.workload", v -> end(v.source(), EndpointView::workload)),
            new Column("source.pod", v -> end(v.source(), EndpointView::pod)),
            new Column("source.ip", v -> end(v.source(), EndpointView::ip)),
            new Column("source.role", v -> end(v.source(), EndpointView::role)),
            new Column("destination.namespace", v -> end(v.destination(), EndpointView::namespace)),
            new Column("destination.workload", v -> end(v.destination(), EndpointView::workload)),
            new Column("destination.pod", v -> end(v.destination(), EndpointView::pod)),
            new Column("destination.ip", v -> end(v.destination(), EndpointView::ip)),
            new Column("destination.role", v -> end(v.destination(), EndpointView::role)),
            new Column("protocol", Violation::protocol),
            new Column("port", v -> v.port() == null ? null : v.port().toString()),
            new Column("observed", Violation::observed),
            new Column("policy", Violation::policy),
            new Column("decidedBy", v -> String.join(";", v.decidedBy())),
            new Column(
                    "firstSeen",
                    v -> v.firstSeen() == null ? null : v.firstSeen().toString()),
            new Column(
                    "lastSeen", v -> v.lastSeen() == null ? null : v.lastSeen().toString()),
            new Column("count", v -> Long.toString(v.count())));

    private record Column(String name, Function<Violation, String> value) {}

    private ViolationCsv() {}

    /** The violations as CSV, header first. */
    public static String of(List<Violation> violations) {
        StringBuilder sb = new StringBuilder(256 * (violations.size() + 1));
        for (int i = 0; i < COLUMNS.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(COLUMNS.get(i).name());
        }
        sb.append("\r\n");
        for (Violation v : violations) {
            for (int i = 0; i < COLUMNS.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                cell(sb, COLUMNS.get(i).value().apply(v));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    /** One cell: empty for null, defused when it could start a formula, quoted when it must be. */
    static void cell(StringBuilder sb, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        char first = value.charAt(0);
        String text = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value
                : value;
        boolean quoted = false;
        for (int i = 0; i < text.length() && !quoted; i++) {
            char c = text.charAt(i);
            quoted = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (!quoted) {
            sb.append(text);
            return;
        }
        sb.append('"').append(text.replace("\"", "\"\"")).append('"');
    }

    private static String end(EndpointView e, Function<EndpointView, String> field) {
        return e == null ? null : field.apply(e);
    }

    /** The path and query of the next page: the same query with {@code cursor} set to the next page's, re-encoded. */
    static String nextPage(String path, String rawQuery, String cursor) {
        StringBuilder sb = new StringBuilder(path).append('?');
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                if (pair.isEmpty() || "cursor".equals(name)) {
                    continue;
                }
                sb.append(encode(name))
                        .append('=')
                        .append(encode(decode(eq < 0 ? "" : pair.substring(eq + 1))))
                        .append('&');
            }
        }
        return sb.append("cursor=").append(encode(cursor)).toString();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
