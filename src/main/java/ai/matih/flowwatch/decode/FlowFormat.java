package ai.matih.flowwatch.decode;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One input format and everything the rest of flowwatch needs to know of it: its name, its Kafka topic and channel,
 * the JSON shapes it accepts, its metric tags and its decoders. Each format package provides one as a CDI bean;
 * {@link FlowFormats} finds them all, so no list of formats or topics is kept by hand (docs/adding-a-format.md).
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface FlowFormat {

    /**
     * The bounded name of the format ({@code calico}, {@code hubble}, {@code audit}): the format tag of its
     * fast-path fallbacks and lost-events counters, and its key among the formats.
     */
    String name();

    /** The incoming messaging channel that reads the format's topic ({@code mp.messaging.incoming.<channel>}). */
    String channel();

    /** The configuration key naming the format's topic ({@code flowwatch.topics.calico}). */
    String topicKey();

    /** The topic read when {@link #topicKey()} is not set, and created by the demo and test brokers. */
    String defaultTopic();

    /** The JSON shapes accepted on the format's topic; any other known shape there is misrouted. Empty for text. */
    Set<Shape> shapes();

    /**
     * The {@code format} tag values of the flows and events of this format (a flow's
     * {@code SourceFormat.tag()}; {@code audit} for audit events), for which freshness is tracked from the start.
     */
    List<String> metricTags();

    /** The decoder of a whole record value, built for {@code limits}. */
    FormatDecoder decoder(DecodeLimits limits);

    /** The fast path for the common shape of the format's records, if it has one. */
    default Optional<FastPath> fastPath(DecodeLimits limits) {
        return Optional.empty();
    }
}
