package ai.matih.flowwatch.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds on metric tag values. */
@ConfigMapping(prefix = "flowwatch.metrics")
public interface MetricsConfig {

    /**
     * How many distinct tenants get their own {@code tenant} tag value. The tenants of the topology get theirs first
     * (in name order, up to this cap); tenants seen only in records share the values left, and the rest are counted
     * under {@code other}, so hostile or numerous namespaces can neither explode the series count nor push a real
     * tenant into {@code other}. A record-only tenant gives its value up to a tenant that joins the topology later
     * (its series then stops growing), so at most twice this many tenant series ever exist.
     */
    @WithDefault("200")
    int maxTenants();
}
