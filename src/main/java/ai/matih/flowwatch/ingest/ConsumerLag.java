package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.decode.FlowFormat;
import ai.matih.flowwatch.decode.FlowFormats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.eclipse.microprofile.config.Config;

/**
 * The consumer lag of every input topic, as {@code flowwatch_consumer_lag_records{topic}}: the records between this
 * instance's position and the end of the partitions it is assigned, summed over those partitions (docs/metrics.md).
 * Read when Prometheus scrapes, from the Kafka consumer's own {@code records-lag} metric of each partition; 0 while
 * the instance holds no partition of the topic.
 */
@ApplicationScoped
public class ConsumerLag {

    /** The gauge's name (Prometheus: {@code flowwatch_consumer_lag_records}). */
    public static final String LAG = "flowwatch.consumer.lag.records";

    static final String GROUP = "consumer-fetch-manager-metrics";
    static final String RECORDS_LAG = "records-lag";

    private final FlowFormats formats;
    private final KafkaClientService clients;
    private final MeterRegistry registry;
    private final Config config;

    public ConsumerLag(FlowFormats formats, KafkaClientService clients, MeterRegistry registry, Config config) {
        this.formats = formats;
        this.clients = clients;
        this.registry = registry;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        for (FlowFormat format : formats.all()) {
            String channel = format.channel();
            String topic = config.getOptionalValue("mp.messaging.incoming." + channel + ".topic", String.class)
                    .orElse(channel);
            Gauge.builder(LAG, () -> lag(channel, topic))
                    .description("Records of this input topic not yet consumed by this instance, summed over the"
                            + " partitions it is assigned")
                    .tag("topic", topic)
                    .register(registry);
        }
    }

    private double lag(String channel, String topic) {
        List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
        double sum = 0;
        if (consumers != null) {
            for (KafkaConsumer<Object, Object> consumer : consumers) {
                sum += lag(consumer.unwrap().metrics(), topic);
            }
        }
        return sum;
    }

    /**
     * The {@code records-lag} of every partition of {@code topic} in a consumer's metrics, summed; partitions whose lag
     * is not known yet count 0. Kafka tags these metrics with the topic's name and, for a name with dots, also under
     * the name with its dots made underscores (the older form): that form counts only when the first is absent.
     */
    static double lag(Map<MetricName, ? extends Metric> metrics, String topic) {
        double exact = lagTagged(metrics, topic);
        String older = topic.replace('.', '_');
        return exact >= 0 || older.equals(topic) ? Math.max(0, exact) : Math.max(0, lagTagged(metrics, older));
    }

    /** The summed lag of the partitions tagged {@code topic}, or -1 when there is none. */
    private static double lagTagged(Map<MetricName, ? extends Metric> metrics, String topic) {
        double sum = -1;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            if (RECORDS_LAG.equals(name.name())
                    && GROUP.equals(name.group())
                    && name.tags().containsKey("partition")
                    && topic.equals(name.tags().get("topic"))) {
                sum = Math.max(sum, 0);
                if (e.getValue().metricValue() instanceof Number value && Double.isFinite(value.doubleValue())) {
                    sum += Math.max(0, value.doubleValue());
                }
            }
        }
        return sum;
    }
}
