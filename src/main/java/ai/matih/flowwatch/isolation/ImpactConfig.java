package ai.matih.flowwatch.isolation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The memory of recently observed connections behind the change impact and the least-privilege recommendation. */
@ConfigMapping(prefix = "flowwatch.impact")
public interface ImpactConfig {

    /**
     * The most heap, in estimated bytes, that the memory of recent distinct connections may hold for all tenants
     * together; past it the connections seen longest ago are forgotten first. 0 remembers nothing.
     */
    @WithDefault("16777216")
    long memoryBytes();

    /**
     * The most heap, in estimated bytes, that one tenant's recent distinct connections may hold; past it the tenant's
     * connections seen longest ago are forgotten first, so one busy tenant cannot push out the others.
     */
    @WithDefault("1048576")
    long memoryTenantBytes();
}
