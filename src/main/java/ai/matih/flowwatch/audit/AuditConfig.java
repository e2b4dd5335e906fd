package ai.matih.flowwatch.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How audit events are used. */
@ConfigMapping(prefix = "flowwatch.audit")
public interface AuditConfig {

    /**
     * A flow violation that begins within this time after an audit event changed either endpoint's namespace
     * (its labels or its NetworkPolicies) carries that event as evidence.
     */
    @WithDefault("10m")
    Duration correlationWindow();

    /**
     * The most namespaces whose latest audit-learnt change is remembered to explain violations. Beyond it, changes
     * older than {@link #correlationWindow()} before the newest are forgotten first, then the oldest.
     */
    @WithDefault("10000")
    int maxRecentChanges();
}
