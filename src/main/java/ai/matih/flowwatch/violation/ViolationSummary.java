package ai.matih.flowwatch.violation;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of the violations a query matches, as the caller is shown them. A breakdown counts only the violations
 * whose field is set (a tenant is shown only its own tenant; audit detections have no category), so its counts can
 * add up to less than {@code total}.
 *
 * @param total      violations matched
 * @param byType     by type
 * @param bySeverity by severity
 * @param byTenant   by the tenant a violation concerns
 * @param byCategory by forbidden pattern
 * @param byCause    by cause
 */
public record ViolationSummary(
        long total,
        Map<String, Long> byType,
        Map<String, Long> bySeverity,
        Map<String, Long> byTenant,
        Map<String, Long> byCategory,
        Map<String, Long> byCause) {

    public ViolationSummary {
        byType = sorted(byType);
        bySeverity = sorted(bySeverity);
        byTenant = sorted(byTenant);
        byCategory = sorted(byCategory);
        byCause = sorted(byCause);
    }

    private static Map<String, Long> sorted(Map<String, Long> counts) {
        return Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    /** Counts violations one at a time; not thread-safe. */
    public static final class Tally {

        private long total;
        private final Map<String, Long> byType = new TreeMap<>();
        private final Map<String, Long> bySeverity = new TreeMap<>();
        private final Map<String, Long> byTenant = new TreeMap<>();
        private final Map<String, Long> byCategory = new TreeMap<>();
        private final Map<String, Long> byCause = new TreeMap<>();

        /** Counts one violation. */
        public void add(Violation v) {
            total++;
            count(byType, v.type().name());
            count(bySeverity, v.severity().tag());
            count(byTenant, v.tenant());
            count(byCategory, v.category() == null ? null : v.category().tag());
            count(byCause, v.cause() == null ? null : v.cause().tag());
        }

        private static void count(Map<String, Long> counts, String key) {
            if (key != null) {
                counts.merge(key, 1L, Long::sum);
            }
        }

        /** The counts so far. */
        public ViolationSummary summary() {
            return new ViolationSummary(total, byType, bySeverity, byTenant, byCategory, byCause);
        }
    }
}
