package ai.matih.flowwatch.classify;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** CDI wiring of the classifier's policy axis. */
public class ClassifyProducers {

    @Produces
    @Singleton
    EnginePolicyAxis policyAxis(ClassifyConfig config, MeterRegistry registry) {
        return new EnginePolicyAxis(config.cniProfile(), config.memoBytes(), registry);
    }
}
