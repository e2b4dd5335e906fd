package ai.matih.flowwatch.decode.hubble;

import ai.matih.flowwatch.decode.DecodeLimits;
import ai.matih.flowwatch.decode.FastPath;
import ai.matih.flowwatch.decode.FastPathFallbacks;
import ai.matih.flowwatch.decode.FlowFormat;
import ai.matih.flowwatch.decode.FormatDecoder;
import ai.matih.flowwatch.decode.JsonFraming;
import ai.matih.flowwatch.decode.Shape;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The hubble format: Hubble exporter and {@code hubble observe} lines, or bare Flow objects (docs/formats.md). */
@Singleton
public class HubbleFormat implements FlowFormat {

    /** The channel, which reads {@code flowwatch.topics.hubble}. */
    public static final String CHANNEL = "hubble-flows";

    @Override
    public String name() {
        return "hubble";
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public String topicKey() {
        return "flowwatch.topics.hubble";
    }

    @Override
    public String defaultTopic() {
        return "hubble-flows";
    }

    @Override
    public Set<Shape> shapes() {
        return Set.of(Shape.HUBBLE_FLOW, Shape.HUBBLE_EVENT);
    }

    @Override
    public List<String> metricTags() {
        return List.of("hubble");
    }

    @Override
    public FormatDecoder decoder(DecodeLimits limits) {
        return new JsonFraming(new HubbleDecoder(), limits.json());
    }

    @Override
    public Optional<FastPath> fastPath(DecodeLimits limits) {
        return Optional.of(new HubbleFastPath(limits.json(), new FastPathFallbacks(name())));
    }

    @Override
    public String toString() {
        return name();
    }
}
