package ai.matih.flowwatch.decode.audit;

import ai.matih.flowwatch.decode.DecodeLimits;
import ai.matih.flowwatch.decode.FlowFormat;
import ai.matih.flowwatch.decode.FormatDecoder;
import ai.matih.flowwatch.decode.JsonFraming;
import ai.matih.flowwatch.decode.Shape;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;

/** The audit format: Kubernetes audit Events, EventLists and AKS diagnostic records (docs/formats.md). */
@Singleton
public class AuditFormat implements FlowFormat {

    /** The channel, which reads {@code flowwatch.topics.audit}. */
    public static final String CHANNEL = "k8s-audit";

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public String topicKey() {
        return "flowwatch.topics.audit";
    }

    @Override
    public String defaultTopic() {
        return "k8s-audit";
    }

    @Override
    public Set<Shape> shapes() {
        return Set.of(Shape.AUDIT_EVENT, Shape.AUDIT_EVENT_LIST, Shape.AKS_AUDIT, Shape.GKE_AUDIT);
    }

    @Override
    public List<String> metricTags() {
        return List.of("audit");
    }

    @Override
    public FormatDecoder decoder(DecodeLimits limits) {
        return new JsonFraming(new AuditDecoder(limits.json()), limits.json());
    }

    @Override
    public String toString() {
        return name();
    }
}
