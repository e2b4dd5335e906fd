package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.ClassifyConfig;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyHolder;
import ai.matih.flowwatch.topology.TopologyListener;
import ai.matih.flowwatch.violation.ChangeEvidence;
import ai.matih.flowwatch.violation.ViolationRecorder;
import ai.matih.flowwatch.violation.ViolationStore;
import ai.matih.flowwatch.violation.ViolationTopicReader;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The isolation audit (behind {@code GET /api/v1/isolation}), kept current: every topology snapshot the holder swaps in
 * (a manifest reload, a change learnt from the audit stream) schedules a recompute on one thread of its own,
 * {@code flowwatch-isolation-audit}, after {@link #COALESCE} so that a burst of changes is one recompute; it audits only
 * the tenants whose findings the change may change ({@link TopologyDiff}) and keeps the others' entries. Readers never
 * wait for it: they get the latest report and whether it is of the current snapshot. Each recompute also brings the
 * {@code POLICY_GAP} violations in line ({@link PolicyGaps}) and tells the {@link IsolationListener}s. The same
 * NetworkPolicy engine and CNI profile ({@code flowwatch.policy.cni}) as the classifier.
 */
@ApplicationScoped
public class IsolationAudit implements TopologyListener {

    private static final Logger LOGGER = Logger.getLogger(IsolationAudit.class);

    /** How long a change waits for the ones that follow it before the recompute starts. */
    static final Duration COALESCE = Duration.ofMillis(50);

    /** How long the first recompute waits for the violations store to be rebuilt before it takes over open gaps. */
    private static final Duration REBUILD_WAIT = Duration.ofSeconds(30);

    private final TopologyHolder holder;
    private final CniProfile profile;
    private final PolicyGaps gaps;
    private final ViolationTopicReader reader;
    private final Instance<IsolationListener> listeners;
    private final AtomicReference<Audited> last = new AtomicReference<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private ScheduledExecutorService executor;
    /** The last audit the gaps and listeners were brought in line with; only the audit's thread uses it. */
    private Audited told;

    /**
     * What a reader gets.
     *
     * @param report  the latest report
     * @param current true when it is of the current topology snapshot (false while a recompute is due or running)
     */
    public record Latest(IsolationReport report, boolean current) {}

    /**
     * A tenant's own-half entry and when it last changed.
     *
     * @param entry the entry, not yet redacted ({@link TenantIsolation#viewedBy})
     * @param since when it last changed
     */
    public record TenantView(TenantIsolation entry, Instant since) {}

    @Inject
    public IsolationAudit(
            TopologyHolder holder,
            ClassifyConfig config,
            ViolationRecorder recorder,
            ViolationStore store,
            ChangeEvidence changes,
            ViolationTopicReader reader,
            Instance<IsolationListener> listeners) {
        this.holder = holder;
        this.profile = config.cniProfile();
        this.gaps = new PolicyGaps(recorder, store, changes);
        this.reader = reader;
        this.listeners = listeners;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts following the topology: the first audit is scheduled at once. Idempotent. */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flowwatch-isolation-audit");
            t.setDaemon(true);
            return t;
        });
        holder.addListener(this);
        topologyChanged(holder.current());
    }

    /** Stops recomputing. */
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    /** Schedules a recompute, unless one is due already (which will see this snapshot or a newer one). */
    @Override
    public void topologyChanged(Topology current) {
        ScheduledExecutorService e = executor;
        if (e != null && scheduled.compareAndSet(false, true)) {
            try {
                e.schedule(this::recomputeQuietly, COALESCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException rejected) {
                scheduled.set(false);
            }
        }
    }

    /** The latest report: of the current snapshot unless a recompute is due; computed here only before the first. */
    public IsolationReport report() {
        return latest().report();
    }

    /** The latest report and whether it is of the current snapshot. */
    public Latest latest() {
        Audited audited = audited();
        return new Latest(audited.report(), audited.topology() == holder.current());
    }

    /**
     * The tenant's entry judged by its own half of each verdict (its own policies and the isolation model only), and
     * when it last changed; null when the latest report has no namespace of that tenant.
     */
    public TenantView tenantView(String tenant) {
        Audited audited = audited();
        TenantIsolation entry = audited.views().get(tenant);
        return entry == null ? null : new TenantView(entry, audited.since().get(tenant));
    }

    private Audited audited() {
        Audited audited = last.get();
        if (audited != null) {
            return audited;
        }
        synchronized (this) {
            audited = last.get();
            if (audited == null) {
                audited = Recompute.of(null, holder.current(), profile, Instant.now());
                last.set(audited);
            }
            return audited;
        }
    }

    private void recomputeQuietly() {
        scheduled.set(false);
        try {
            recomputeNow();
        } catch (RuntimeException e) {
            LOGGER.warnf("Isolation audit recompute failed: %s", e.toString());
        }
    }

    /** Audits the current snapshot against the last one audited, and brings the gaps and listeners in line. */
    void recomputeNow() {
        Audited after;
        synchronized (this) {
            Audited before = last.get();
            Topology topology = holder.current();
            after = before != null && before.topology() == topology
                    ? before
                    : Recompute.of(before, topology, profile, Instant.now());
            last.set(after);
        }
        Audited before = told;
        if (before == after) {
            return;
        }
        if (before == null) {
            awaitRebuilt();
        }
        told = after;
        gaps.update(
                before == null ? null : before.report(),
                after.report(),
                after.report().generatedAt());
        for (IsolationListener l : listeners) {
            try {
                l.reported(after.report());
            } catch (RuntimeException e) {
                LOGGER.warnf("An isolation listener failed: %s", e.toString());
            }
        }
    }

    private void awaitRebuilt() {
        try {
            if (!reader.awaitRebuilt(REBUILD_WAIT)) {
                LOGGER.warnf(
                        "The violations store is not rebuilt after %s: open policy gaps of a previous run are taken"
                                + " over from what it holds so far",
                        REBUILD_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Audits every tenant of a snapshot (pure: the same snapshot, profile and time give the same report). */
    public static IsolationReport audit(Topology topology, CniProfile profile, Instant now) {
        Objects.requireNonNull(topology, "topology");
        return new Auditor(topology, PolicyEngine.compile(topology, profile), now).report();
    }

    /**
     * A tenant's entry judged by its own half of each verdict (pure): its ingress policies for what comes in, its
     * egress policies for what goes out, probes with its own ports and CIDRs only; null for an unknown tenant.
     */
    public static TenantIsolation tenantView(Topology topology, String tenant, CniProfile profile, Instant now) {
        List<String> namespaces = Recompute.tenants(topology).get(tenant);
        return namespaces == null ? null : OwnHalf.audit(topology, tenant, namespaces, profile, now);
    }
}
