package ai.matih.flowwatch.metrics;

import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationMeter;
import ai.matih.flowwatch.violation.ViolationSide;
import ai.matih.flowwatch.violation.ViolationTenant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * flowwatch's meters (docs/metrics.md). Counters are looked up once per tag combination and cached, so the
 * per-record path allocates nothing for them. Tag values are bounded: never IPs or pod names.
 */
@ApplicationScoped
public class PipelineMetrics implements ViolationMeter {

    public static final String FLOWS = "flowwatch.flows";
    public static final String VIOLATIONS = "flowwatch.violations";
    public static final String AUDIT_EVENTS = "flowwatch.audit.events";
    public static final String REJECTED = "flowwatch.records.rejected";
    public static final String LAST_RECORD = "flowwatch.last.record.timestamp.seconds";
    public static final String LOST_EVENTS = "flowwatch.lost.events";
    public static final String TOPOLOGY_CHANGES = "flowwatch.topology.changes";
    public static final String DEAD_LETTERS_TRUNCATED = "flowwatch.dead.letters.truncated";
    public static final String DEAD_LETTERS_SKIPPED = "flowwatch.dead.letters.skipped";
    public static final String VIOLATION_WRITES_SKIPPED = "flowwatch.violation.writes.skipped";

    private final MeterRegistry registry;
    private final TenantTags tenants;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> lastRecord = new ConcurrentHashMap<>();
    /* Per source format, per observed verdict: the counters by classification. */
    private final ConcurrentHashMap<SourceFormat, ConcurrentHashMap<String, Counter>[]> flowCounters =
            new ConcurrentHashMap<>();

    /** Without a topology: the first tenants seen get the tenant tag values. */
    public PipelineMetrics(MeterRegistry registry, MetricsConfig config) {
        this(registry, config, () -> null);
    }

    /** The tenants of the manifests, then those learnt from the audit stream, get their tenant tag values first. */
    @Inject
    public PipelineMetrics(MeterRegistry registry, MetricsConfig config, TopologyHolder topology) {
        this(registry, config, topology::current, topology::manifests);
    }

    PipelineMetrics(MeterRegistry registry, MetricsConfig config, Supplier<Topology> topology) {
        this(registry, config, topology, topology);
    }

    PipelineMetrics(
            MeterRegistry registry, MetricsConfig config, Supplier<Topology> topology, Supplier<Topology> manifests) {
        this.registry = registry;
        this.tenants = new TenantTags(config.maxTenants(), topology, manifests);
    }

    /**
     * Tracks the freshness of {@code format} (a bounded format tag, as an input format declares it): registers its
     * gauge, 0 until {@link #seen} is called for it. Idempotent.
     */
    public void trackFreshness(String format) {
        lastRecord.computeIfAbsent(format, f -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder(LAST_RECORD, holder, AtomicLong::get)
                    .description("Unix time at which the last record of this format was processed")
                    .tag("format", f)
                    .register(registry);
            return holder;
        });
    }

    /** Counts one flow record by format, observed verdict and classification (allocation-free once warm). */
    public void flow(SourceFormat format, Observed observed, String classification) {
        ConcurrentHashMap<String, Counter>[] byObserved = flowCounters.get(format);
        if (byObserved == null) {
            byObserved = flowCounters.computeIfAbsent(format, f -> byObserved());
        }
        ConcurrentHashMap<String, Counter> byClass = byObserved[observed.ordinal()];
        Counter c = byClass.get(classification);
        if (c == null) {
            c = byClass.computeIfAbsent(
                    classification,
                    k -> Counter.builder(FLOWS)
                            .description("Flow records judged, by format, observed verdict and classification")
                            .tags("format", format.tag(), "observed", observed.name(), "classification", k)
                            .register(registry));
        }
        c.increment();
    }

    @SuppressWarnings("unchecked")
    private static ConcurrentHashMap<String, Counter>[] byObserved() {
        ConcurrentHashMap<String, Counter>[] row = new ConcurrentHashMap[Observed.values().length];
        for (int i = 0; i < row.length; i++) {
            row[i] = new ConcurrentHashMap<>();
        }
        return row;
    }

    /** Counts violating connection attempts of one tenant, at its side of the violation. */
    public void violation(String type, String severity, String tenant, ViolationSide side, long attempts) {
        if (attempts <= 0) {
            return;
        }
        counter(
                        VIOLATIONS,
                        "Connection attempts and audit events against intent, by violation type, for each tenant"
                                + " involved and its side",
                        "type",
                        type,
                        "severity",
                        severity,
                        "tenant",
                        tenants.tag(tenant),
                        "side",
                        side.tag())
                .increment(attempts);
    }

    /** Counts the attempts once for each tenant the violation involves (its tenant, its peer tenant) at its side. */
    @Override
    public void counted(Violation violation, long attempts) {
        String type = violation.type().name();
        String severity = violation.severity().tag();
        ViolationSide side = ViolationTenant.side(violation);
        violation(type, severity, violation.tenant(), side, attempts);
        String peer = ViolationTenant.peer(violation);
        if (peer != null) {
            violation(type, severity, peer, side.opposite(), attempts);
        }
    }

    /** Counts one audit event by the detection it raised ({@code none} when none). */
    public void auditEvent(String detection) {
        counter(AUDIT_EVENTS, "Kubernetes audit events processed, by detection", "detection", detection)
                .increment();
    }

    /**
     * Counts a topology change learnt from the audit stream, by kind ({@code NamespaceLabels}, ...), or
     * {@code stale} when an event changed a tracked object without carrying its body.
     */
    public void topologyChange(String kind) {
        counter(
                        TOPOLOGY_CHANGES,
                        "Topology changes applied from the audit stream, by kind (stale: body missing)",
                        "kind",
                        kind)
                .increment();
    }

    /**
     * Counts one dead letter sent: a rejected record, a rejected document of it (an NDJSON line, a JSON array whose
     * elements were rejected), or the rest of a record that had too many rejected documents. A dead letter the DLQ
     * topic refused for good is also counted by {@link #deadLetterSkipped}.
     */
    public void rejected(String topic, String reason) {
        counter(
                        REJECTED,
                        "Dead letters sent for rejected records, documents or rests of records, by reason",
                        "topic",
                        topic,
                        "reason",
                        reason)
                .increment();
    }

    /** Counts one dead letter written with its payload (or key) cut to fit, by source topic. */
    public void deadLetterTruncated(String topic) {
        counter(
                        DEAD_LETTERS_TRUNCATED,
                        "Dead letters written with their payload cut to fit, by source topic",
                        "topic",
                        topic)
                .increment();
    }

    /**
     * Counts one dead letter the DLQ topic refused for good (even truncated), by source topic and
     * {@code reason} ({@code too-large}, {@code invalid}): dropped, the batch goes on.
     */
    public void deadLetterSkipped(String topic, String reason) {
        counter(
                        DEAD_LETTERS_SKIPPED,
                        "Dead letters the DLQ topic refused for good and that were dropped, by reason",
                        "topic",
                        topic,
                        "reason",
                        reason)
                .increment();
    }

    /**
     * Counts one violation write that can never succeed, by {@code reason} ({@code too-large}: over
     * {@code flowwatch.ingest.max-violation-bytes} or refused by the broker as too large; {@code invalid}): not
     * written, the batch goes on.
     */
    @Override
    public void writeSkipped(String reason) {
        counter(
                        VIOLATION_WRITES_SKIPPED,
                        "Violation writes to the violations topic skipped for good, by reason",
                        "reason",
                        reason)
                .increment();
    }

    /** Counts events a source says it lost (a coverage gap). */
    public void lostEvents(String format, long lost) {
        if (lost > 0) {
            counter(
                            LOST_EVENTS,
                            "Events the source reported as lost before they reached flowwatch (coverage gap)",
                            "format",
                            format)
                    .increment(lost);
        }
    }

    /** Records that a record of this format was just processed (when its freshness is tracked). */
    public void seen(String format) {
        AtomicLong holder = lastRecord.get(format);
        if (holder != null) {
            holder.set(System.currentTimeMillis() / 1000);
        }
    }

    private Counter counter(String name, String description, String... tags) {
        String key = cacheKey(name, tags);
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(
                    key,
                    k -> Counter.builder(name)
                            .description(description)
                            .tags(tags)
                            .register(registry));
        }
        return c;
    }

    private static String cacheKey(String name, String[] tags) {
        StringBuilder sb = new StringBuilder(64).append(name);
        for (int i = 1; i < tags.length; i += 2) {
            sb.append('\u0000').append(tags[i]);
        }
        return sb.toString();
    }
}
