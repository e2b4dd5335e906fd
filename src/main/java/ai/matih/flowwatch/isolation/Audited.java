package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.topology.Topology;
import java.time.Instant;
import java.util.Map;

/**
 * One audited snapshot.
 *
 * @param topology the snapshot
 * @param report   every tenant's entry (the administrators' view)
 * @param views    per tenant, its entry judged by its own half (before redaction)
 * @param since    per tenant, when its own-half entry last changed
 */
record Audited(
        Topology topology, IsolationReport report, Map<String, TenantIsolation> views, Map<String, Instant> since) {}
