package ai.matih.flowwatch.violation;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness check {@code violations-store}: DOWN until the store is rebuilt from the violations topic. */
@Readiness
@ApplicationScoped
public class ViolationStoreReadinessCheck implements HealthCheck {

    /** Name of the check in {@code /q/health/ready}. */
    public static final String NAME = "violations-store";

    private final ViolationTopicReader topic;
    private final ViolationStore store;

    public ViolationStoreReadinessCheck(ViolationTopicReader topic, ViolationStore store) {
        this.topic = topic;
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME)
                .status(topic.rebuilt())
                .withData("topic", topic.topic())
                .withData("stored", store.size())
                .withData("read", topic.read())
                .withData("unreadable", topic.unreadable())
                .withData("upgraded", topic.upgraded());
        if (topic.rebuilt()) {
            builder.withData("rebuildRecords", topic.rebuildRecords()).withData("rebuildMillis", topic.rebuildMillis());
        }
        if (topic.lastError() != null) {
            builder.withData("lastError", topic.lastError());
        }
        return builder.build();
    }
}
