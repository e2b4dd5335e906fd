package ai.matih.flowwatch.violation;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;

/**
 * Position of a violation in the newest-first order: by lastSeen descending, then id. Also the cursor of
 * paged queries.
 *
 * @param lastSeen when the violation was last seen
 * @param id       its id
 */
public record ViolationOrder(Instant lastSeen, String id) implements Comparable<ViolationOrder> {

    static ViolationOrder of(Violation v) {
        return new ViolationOrder(v.lastSeen(), v.id());
    }

    @Override
    public int compareTo(ViolationOrder o) {
        int c = o.lastSeen.compareTo(lastSeen);
        return c != 0 ? c : id.compareTo(o.id);
    }

    /** The opaque cursor text. */
    public String toCursor() {
        String raw = lastSeen.getEpochSecond() + "." + lastSeen.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses a cursor; throws IllegalArgumentException when it is not one this API issued. */
    public static ViolationOrder parseCursor(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            int dot = raw.indexOf('.');
            if (colon < 0 || dot < 0 || dot > colon) {
                throw new IllegalArgumentException("malformed cursor");
            }
            long seconds = Long.parseLong(raw.substring(0, dot));
            int nanos = Integer.parseInt(raw.substring(dot + 1, colon));
            String id = raw.substring(colon + 1);
            if (id.isEmpty() || id.length() > 64 || nanos < 0 || nanos > 999_999_999) {
                throw new IllegalArgumentException("malformed cursor");
            }
            return new ViolationOrder(Instant.ofEpochSecond(seconds, nanos), id);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IllegalArgumentException("not a cursor issued by this API", e);
        }
    }
}
