package ai.matih.flowwatch.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The largest record batch a topic accepts, in bytes (its effective {@code max.message.bytes}), and where that figure
 * came from. A batch larger than it is refused as too large; a producer whose {@code batch.size} exceeds it splits such
 * a batch into batches of up to {@code batch.size}, which hold the same records and are refused again, forever.
 *
 * @param bytes  the limit
 * @param source where it was learned, for the log
 */
public record MessageLimit(int bytes, String source) {

    /** The broker's default {@code message.max.bytes}: 1 MiB plus the 12 bytes of a batch's log overhead. */
    public static final int BROKER_DEFAULT_BYTES = 1_048_588;
    /**
     * What a record batch of one record takes beyond the bytes of its key, value and header names and values: the
     * batch header (61 bytes), the record's and its headers' length fields (up to about 130 bytes for a dozen
     * headers), and compression framing, rounded up.
     */
    public static final int OVERHEAD_BYTES = 512;

    private static final String TOPIC_LIMIT = "max.message.bytes";
    private static final String BROKER_LIMIT = "message.max.bytes";

    /** The most bytes of key, value and header names and values that one record may take: 0 when the topic is tiny. */
    public int recordBytes() {
        return Math.max(0, bytes - OVERHEAD_BYTES);
    }

    /** The broker's default, assumed when Kafka could not tell ({@code why}). */
    public static MessageLimit assumed(String why) {
        return new MessageLimit(BROKER_DEFAULT_BYTES, "assumed, the broker's default (" + why + ")");
    }

    /**
     * Asks Kafka for {@code topic}'s effective {@code max.message.bytes}; when the topic does not exist yet, for the
     * broker's {@code message.max.bytes} (what a topic created automatically gets). Never throws and never takes much
     * longer than {@code timeout}: when Kafka does not answer in time, or refuses to describe the configuration, the
     * broker's default is {@linkplain #assumed(String) assumed}.
     *
     * @param kafkaConfig the application's Kafka client settings (only the admin client's are used)
     */
    public static MessageLimit learn(Map<String, Object> kafkaConfig, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "flowwatch-topic-limit");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        Admin admin = null;
        try {
            admin = Admin.create(config);
            try {
                String value =
                        value(admin, new ConfigResource(ConfigResource.Type.TOPIC, topic), TOPIC_LIMIT, deadline);
                return parsed(value, "topic " + topic + " " + TOPIC_LIMIT);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            Collection<Node> nodes = admin.describeCluster().nodes().get(remaining(deadline), TimeUnit.NANOSECONDS);
            if (nodes.isEmpty()) {
                return assumed("topic " + topic + " does not exist yet and no broker was listed");
            }
            String id = Integer.toString(nodes.iterator().next().id());
            String value = value(admin, new ConfigResource(ConfigResource.Type.BROKER, id), BROKER_LIMIT, deadline);
            return parsed(value, "topic " + topic + " does not exist yet: broker " + id + " " + BROKER_LIMIT);
        } catch (TimeoutException e) {
            return assumed("Kafka did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return assumed("interrupted");
        } catch (ExecutionException e) {
            return assumed(String.valueOf(e.getCause()));
        } catch (RuntimeException e) {
            return assumed(e.toString());
        } finally {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
        }
    }

    private static String value(Admin admin, ConfigResource resource, String name, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        Config config = admin.describeConfigs(List.of(resource))
                .all()
                .get(remaining(deadline), TimeUnit.NANOSECONDS)
                .get(resource);
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null ? null : entry.value();
    }

    private static MessageLimit parsed(String value, String source) {
        try {
            int bytes = Integer.parseInt(value == null ? "" : value.trim());
            return bytes > 0 ? new MessageLimit(bytes, source) : assumed(source + " is " + value);
        } catch (NumberFormatException e) {
            return assumed(source + " is not a number: " + value);
        }
    }

    private static long remaining(long deadline) throws TimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException();
        }
        return left;
    }
}
