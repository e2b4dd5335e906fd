package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.policy.CniProfile;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** CDI wiring of the classifier's policy axis. */
public class ClassifyProducers {

    @Produces
    @Singleton
    EnginePolicyAxis policyAxis(ClassifyConfig config) {
        return new EnginePolicyAxis(config.cniProfile());
    }
}
