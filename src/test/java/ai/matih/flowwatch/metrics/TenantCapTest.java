package ai.matih.flowwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** 10,000 hostile tenant namespaces do not make 10,000 series of flowwatch_violations_total. */
class TenantCapTest {

    @Test
    void tenTousandTenantsLeaveAtMostTheCapOfTenantValues() {
        // Given
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int cap = 200;
        FlowMetrics metrics = new FlowMetrics(registry, () -> cap);
        // When
        for (int i = 0; i < 10_000; i++) {
            metrics.violation("ISOLATION_BREACH", "critical", "tenant-" + i, 1);
        }
        // Then
        Set<String> tenants = registry.find(FlowMetrics.VIOLATIONS).counters().stream()
                .map(c -> c.getId().getTag("tenant")).collect(Collectors.toSet());
        assertThat(tenants.stream().filter(t -> !t.equals(TenantTags.OTHER))).hasSize(cap);
        assertThat(tenants).contains(TenantTags.OTHER).hasSize(cap + 1);
        double total = registry.find(FlowMetrics.VIOLATIONS).counters().stream().mapToDouble(Counter::count).sum();
        assertThat(total).isEqualTo(10_000.0);
        assertThat(registry.find(FlowMetrics.VIOLATIONS).tag("tenant", TenantTags.OTHER).counter().count())
                .isEqualTo(10_000.0 - cap);
    }
}
