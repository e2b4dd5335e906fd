package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.decode.audit.AuditFormat;
import ai.matih.flowwatch.decode.calico.CalicoFormat;
import ai.matih.flowwatch.decode.hubble.HubbleFormat;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The input formats flowwatch reads: in the application, every {@link FlowFormat} bean; outside CDI (tests, tools),
 * {@link #builtIn()}. Sorted by name; names and channels are unique.
 */
@Singleton
public class FlowFormats {

    private final List<FlowFormat> formats;

    /** Every format bean of the application. */
    @Inject
    public FlowFormats(@Any Instance<FlowFormat> beans) {
        this(beans.stream().toList());
    }

    public FlowFormats(Collection<? extends FlowFormat> formats) {
        List<FlowFormat> sorted = new ArrayList<>(formats);
        sorted.sort(Comparator.comparing(FlowFormat::name));
        Set<String> names = new HashSet<>();
        Set<String> channels = new HashSet<>();
        for (FlowFormat format : sorted) {
            if (!names.add(format.name()) || !channels.add(format.channel())) {
                throw new IllegalArgumentException(
                        "two formats named " + format.name() + " or reading channel " + format.channel());
            }
            if (!format.channel().equals(format.defaultTopic())) {
                // a channel reads the topic named after it unless configuration says otherwise
                throw new IllegalArgumentException("format " + format.name() + ": its channel " + format.channel()
                        + " must be named after its default topic " + format.defaultTopic());
            }
        }
        this.formats = List.copyOf(sorted);
    }

    /**
     * The formats that ship with flowwatch, for code that runs without CDI. This is the one place that lists them;
     * the application finds its formats (these and any other) as beans.
     */
    public static FlowFormats builtIn() {
        return new FlowFormats(List.of(new AuditFormat(), new CalicoFormat(), new HubbleFormat()));
    }

    /** These formats and {@code more}. */
    public FlowFormats with(FlowFormat... more) {
        List<FlowFormat> all = new ArrayList<>(formats);
        all.addAll(List.of(more));
        return new FlowFormats(all);
    }

    /** All formats, sorted by name. */
    public List<FlowFormat> all() {
        return formats;
    }

    /** The format named {@code name}. */
    public FlowFormat named(String name) {
        for (FlowFormat format : formats) {
            if (format.name().equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("no format named " + name + " among " + names());
    }

    /** The names of the formats, sorted. */
    public List<String> names() {
        return formats.stream().map(FlowFormat::name).toList();
    }

    /** The default topics of the formats, in the order of {@link #all()}. */
    public List<String> defaultTopics() {
        return formats.stream().map(FlowFormat::defaultTopic).toList();
    }
}
