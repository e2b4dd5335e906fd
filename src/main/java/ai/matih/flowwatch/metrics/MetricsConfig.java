package ai.matih.flowwatch.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds on metric tag values. */
@ConfigMapping(prefix = "flowwatch.metrics")
public interface MetricsConfig {

    /**
     * How many distinct tenants get their own {@code tenant} tag value at a time. The tenants of the manifests get
     * theirs first (in name order, up to this cap), then the tenants learnt from the audit stream only, then those
     * seen only in records; the rest are counted under {@code other}, so hostile or numerous namespaces (in records or
     * created through the audit stream) can neither explode the series count nor push a manifest tenant into
     * {@code other}. A tenant that left the topology, or a lower class, gives its value up to a tenant that needs it
     * (its series then stops growing). Tenants outside the manifests get a new value only while fewer than twice this
     * many values were ever given, so at most twice this many such series exist over the process's life.
     */
    @WithDefault("200")
    int maxTenants();
}
