package ai.matih.flowwatch.metrics;

import ai.matih.flowwatch.isolation.Finding;
import ai.matih.flowwatch.isolation.FindingKind;
import ai.matih.flowwatch.isolation.IsolationListener;
import ai.matih.flowwatch.isolation.IsolationReport;
import ai.matih.flowwatch.isolation.TenantIsolation;
import ai.matih.flowwatch.topology.TopologyHolder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gauge {@code flowwatch_isolation_findings{tenant,kind}}: the findings of the latest isolation report per tenant
 * and kind, 0 for a kind a tenant has none of (so an alert on it resolves), tenant tags capped by {@link TenantTags}
 * (tenants past the cap add up under {@code other}). Set anew on every report, on the audit's thread.
 */
@ApplicationScoped
public class IsolationMetrics implements IsolationListener {

    /** Exported as {@code flowwatch_isolation_findings}. */
    public static final String FINDINGS = "flowwatch.isolation.findings";

    private final MultiGauge findings;
    private final TenantTags tenants;

    @Inject
    public IsolationMetrics(MeterRegistry registry, MetricsConfig config, TopologyHolder topology) {
        this(registry, new TenantTags(config.maxTenants(), topology::current, topology::manifests));
    }

    IsolationMetrics(MeterRegistry registry, TenantTags tenants) {
        this.tenants = tenants;
        this.findings = MultiGauge.builder(FINDINGS)
                .description("Findings of the latest isolation audit, by tenant and kind (PERMITS_FORBIDDEN, "
                        + "DENIES_PERMITTED, INDETERMINATE)")
                .register(registry);
    }

    @Override
    public void reported(IsolationReport report) {
        Map<String, long[]> counts = new TreeMap<>();
        for (TenantIsolation t : report.tenants()) {
            long[] byKind = counts.computeIfAbsent(tenants.tag(t.tenant()), k -> new long[FindingKind.values().length]);
            for (Finding f : t.findings()) {
                byKind[f.kind().ordinal()]++;
            }
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((tenant, byKind) -> {
            for (FindingKind kind : FindingKind.values()) {
                long n = byKind[kind.ordinal()];
                rows.add(MultiGauge.Row.of(Tags.of("tenant", tenant, "kind", kind.name()), n));
            }
        });
        findings.register(rows, true);
    }
}
