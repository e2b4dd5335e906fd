package ai.matih.flowwatch.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Caps the distinct values of the {@code tenant} tag: the first {@code max} tenants keep their name. */
public final class TenantTags {

    /** Tag value of tenants past the cap. */
    public static final String OTHER = "other";
    /** Tag value when no tenant is involved. */
    public static final String NONE = "none";

    private final int max;
    private final ConcurrentHashMap<String, Boolean> admitted = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();

    public TenantTags(int max) {
        this.max = max;
    }

    /** The tag value for this tenant. */
    public String tag(String tenant) {
        if (tenant == null) {
            return NONE;
        }
        if (admitted.containsKey(tenant)) {
            return tenant;
        }
        if (size.get() >= max) {
            return OTHER;
        }
        if (size.incrementAndGet() <= max) {
            admitted.putIfAbsent(tenant, Boolean.TRUE);
            return tenant;
        }
        size.decrementAndGet();
        return OTHER;
    }
}
