package ai.matih.flowwatch.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds on metric tag values. */
@ConfigMapping(prefix = "flowwatch.metrics")
public interface MetricsConfig {

    /**
     * How many distinct tenants get their own {@code tenant} tag value; the tenants seen after that are
     * counted under {@code other}, so hostile or numerous namespaces cannot explode the series count.
     */
    @WithDefault("200")
    int maxTenants();
}
