package ai.matih.flowwatch.ingest;

import ai.matih.flowwatch.audit.AuditEvent;
import ai.matih.flowwatch.audit.AuditOutcome;
import ai.matih.flowwatch.audit.AuditProcessor;
import ai.matih.flowwatch.classify.EnginePolicyAxis;
import ai.matih.flowwatch.classify.FlowClassifier;
import ai.matih.flowwatch.classify.Outcome;
import ai.matih.flowwatch.classify.ViolationFactory;
import ai.matih.flowwatch.decode.DecodeSink;
import ai.matih.flowwatch.decode.FlowFormat;
import ai.matih.flowwatch.decode.FlowFormats;
import ai.matih.flowwatch.decode.RecordDecoder;
import ai.matih.flowwatch.decode.Rejection;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.isolation.RecentConnections;
import ai.matih.flowwatch.metrics.PipelineMetrics;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.violation.ViolationConfig;
import ai.matih.flowwatch.violation.ViolationRecorder;
import ai.matih.flowwatch.violation.ViolationTopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * The per-record path: decode → classify → record the violation ({@link ViolationRecorder}) → count. One batch at a
 * time per channel; the only shared state it reads is the atomically swapped topology snapshot, taken once per batch.
 */
@ApplicationScoped
public class RecordProcessor {

    private final RecordDecoder decoder;
    private final FlowClassifier classifier;
    private final ViolationFactory factory;
    private final ViolationRecorder recorder;
    private final PipelineMetrics metrics;
    private final TopologyHolder topology;
    private final DeadLetterQueue dlq;
    private final AuditProcessor audit;
    private final IngestConfig config;
    private final ViolationTopicReader violationTopic;
    private final Duration writeTimeout;

    public RecordProcessor(
            IngestConfig config,
            ViolationConfig violations,
            ViolationRecorder recorder,
            PipelineMetrics metrics,
            TopologyHolder topology,
            DeadLetterQueue dlq,
            AuditProcessor audit,
            EnginePolicyAxis policyAxis,
            RecentConnections recentConnections,
            ViolationTopicReader violationTopic,
            MeterRegistry registry,
            FlowFormats formats) {
        this.config = config;
        this.recorder = recorder;
        this.violationTopic = violationTopic;
        this.writeTimeout = violations.writeTimeout();
        this.decoder = new RecordDecoder(
                formats, config.maxRecordBytes(), config.maxLinesPerRecord(), config.maxRejectionsPerRecord());
        decoder.fastPathFallbacks().forEach(fallbacks -> fallbacks.bindTo(registry));
        this.classifier = new FlowClassifier(policyAxis, recentConnections);
        this.factory = new ViolationFactory(
                violations.window(),
                violations.reportInterval(),
                topology.current().rules().tenantLabel());
        this.metrics = metrics;
        this.topology = topology;
        this.dlq = dlq;
        this.audit = audit;
    }

    /**
     * Processes one polled batch of one input topic: decodes, judges and merges it into the store now, and returns
     * what makes its effects durable: the future completes when every violation it changed is written to the
     * violations topic and every rejected record to the dead-letter topic, both acknowledged by the broker (or refused
     * for good: a write that can never succeed, such as one too large for its topic, is counted and skipped by its
     * writer), and fails when a write failed transiently or timed out. Only then may the batch be acknowledged, so
     * that its offsets are never committed before (see docs/reliability.md). The caller may process the next batch
     * meanwhile.
     */
    public CompletableFuture<Void> process(FlowFormat format, ConsumerRecords<byte[], byte[]> records) {
        awaitStoreRebuilt();
        BatchSink sink = new BatchSink(format, topology.current());
        recorder.begin();
        List<CompletableFuture<?>> violationWrites;
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                sink.at(record);
                decoder.decode(
                        format,
                        record.value(),
                        record.timestamp() > 0 ? Instant.ofEpochMilli(record.timestamp()) : null,
                        sink);
            }
        } finally {
            violationWrites = recorder.flush();
        }
        return durable(violationWrites, writeTimeout, "violations-topic")
                .thenCombine(durable(sink.deadLetters, config.dlqTimeout(), "dead-letter"), (a, b) -> null);
    }

    /* Nothing is merged before the store holds what the violations topic held: a replay would otherwise count again. */
    private void awaitStoreRebuilt() {
        try {
            if (!violationTopic.rebuilt() && !violationTopic.awaitRebuilt(Duration.ofMinutes(5))) {
                throw new IllegalStateException("the violations store was not rebuilt within 5 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the violations store", e);
        }
    }

    /** Processes one flow (also used by tests and tools that do not go through Kafka). */
    public Outcome judge(Flow flow, Topology snapshot) {
        return judge(flow, snapshot, null, 0);
    }

    /**
     * Processes one flow of a Kafka record.
     *
     * @param partition {@code topic:partition} of the record, or null
     * @param position  the record's offset × 2^16 + the ordinal of the flow in the record
     */
    public Outcome judge(Flow flow, Topology snapshot, String partition, long position) {
        Outcome outcome = classifier.classify(flow, snapshot);
        if (outcome instanceof Outcome.Flagged flagged) {
            recorder.record(factory.flagged(flow, flagged), partition, position);
        } else if (outcome instanceof Outcome.Unclassified unclassified && unclassified.tenantInvolved()) {
            recorder.record(factory.unclassified(flow, unclassified), partition, position);
        }
        metrics.flow(flow.format(), flow.observed(), outcome.classification());
        metrics.seen(flow.format().tag());
        return outcome;
    }

    /** Counts what one audit event did (docs/metrics.md). */
    private void count(AuditOutcome outcome) {
        metrics.seen("audit");
        if (outcome.topologyChange() != null) {
            metrics.topologyChange(outcome.topologyChange());
        }
        metrics.auditEvent(outcome.detectionTag());
    }

    /** Receives the decoder's output for one batch; not shared between threads. */
    private final class BatchSink implements DecodeSink {

        private final FlowFormat format;
        private final Topology snapshot;
        private final List<CompletableFuture<?>> deadLetters = new ArrayList<>();
        private ConsumerRecord<byte[], byte[]> record;
        private String partition;
        private int partitionNumber = -1;
        private int ordinal;

        private BatchSink(FlowFormat format, Topology snapshot) {
            this.format = format;
            this.snapshot = snapshot;
        }

        /** The record whose flows come next (a channel reads one topic: the partition names it). */
        private void at(ConsumerRecord<byte[], byte[]> next) {
            if (partition == null
                    || next.partition() != partitionNumber
                    || !next.topic().equals(record.topic())) {
                partition = next.topic() + ":" + next.partition();
                partitionNumber = next.partition();
            }
            record = next;
            ordinal = 0;
        }

        @Override
        public void flow(Flow flow) {
            judge(flow, snapshot, partition, (record.offset() << 16) | (ordinal++ & 0xFFFF));
        }

        @Override
        public void audit(AuditEvent event) {
            count(audit.process(event));
        }

        @Override
        public void skipped(String what, long lostEvents) {
            metrics.lostEvents(format.name(), lostEvents);
        }

        @Override
        public void rejected(Rejection rejection) {
            metrics.rejected(record.topic(), rejection.reason().tag());
            deadLetters.add(dlq.send(
                    record.topic(), record.partition(), record.offset(), record.key(), record.value(), rejection));
        }
    }

    /**
     * Completes when every write has been acknowledged; fails, saying how many writes failed or were still
     * unacknowledged, when one failed or they took longer than {@code timeout}.
     */
    private static CompletableFuture<Void> durable(List<CompletableFuture<?>> writes, Duration timeout, String what) {
        if (writes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0]))
                .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .handle((ok, e) -> {
                    if (e == null) {
                        return null;
                    }
                    Throwable cause = InFlightBatches.unwrap(e);
                    if (cause instanceof TimeoutException) {
                        long pending = writes.stream().filter(w -> !w.isDone()).count();
                        throw new IllegalStateException(
                                pending + " of " + writes.size() + " " + what + " writes not acknowledged within "
                                        + timeout,
                                cause);
                    }
                    long failed = writes.stream()
                            .filter(CompletableFuture::isCompletedExceptionally)
                            .count();
                    throw new IllegalStateException(failed + " " + what + " writes failed", cause);
                });
    }
}
