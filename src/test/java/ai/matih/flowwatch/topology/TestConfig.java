package ai.matih.flowwatch.topology;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/** Builds the topology config mappings from properties with SmallRye Config, without Quarkus. */
public final class TestConfig {

    private final SmallRyeConfig config;

    private TestConfig(Map<String, String> properties) {
        this.config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(TenancyConfig.class)
                .withMapping(ClusterConfig.class)
                .withMapping(TopologyConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
    }

    public static TestConfig of(Map<String, String> properties) {
        return new TestConfig(properties);
    }

    public TenancyConfig tenancy() {
        return config.getConfigMapping(TenancyConfig.class);
    }

    public ClusterConfig cluster() {
        return config.getConfigMapping(ClusterConfig.class);
    }

    public TopologyConfig topology() {
        return config.getConfigMapping(TopologyConfig.class);
    }
}
