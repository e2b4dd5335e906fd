package ai.matih.flowwatch.decode.calico;

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

/** The calico format: Calico Enterprise {@code flows.log} lines and Calico OSS Goldmane/Whisker flows (docs/formats.md). */
@Singleton
public class CalicoFormat implements FlowFormat {

    /** The channel, which reads {@code flowwatch.topics.calico}. */
    public static final String CHANNEL = "calico-flows";

    @Override
    public String name() {
        return "calico";
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public String topicKey() {
        return "flowwatch.topics.calico";
    }

    @Override
    public String defaultTopic() {
        return "calico-flows";
    }

    @Override
    public Set<Shape> shapes() {
        return Set.of(Shape.CALICO_ENTERPRISE, Shape.GOLDMANE, Shape.WHISKER);
    }

    @Override
    public List<String> metricTags() {
        return List.of("calico", "goldmane");
    }

    @Override
    public FormatDecoder decoder(DecodeLimits limits) {
        return new JsonFraming(new CalicoDecoder(), limits.json());
    }

    @Override
    public Optional<FastPath> fastPath(DecodeLimits limits) {
        return Optional.of(new CalicoFastPath(limits.json(), new FastPathFallbacks(name())));
    }

    @Override
    public String toString() {
        return name();
    }
}
