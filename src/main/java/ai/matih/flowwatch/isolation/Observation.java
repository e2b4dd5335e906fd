package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.classify.IntentModel;
import ai.matih.flowwatch.classify.IntentResult;
import ai.matih.flowwatch.classify.Party;
import ai.matih.flowwatch.classify.PartyResolver;
import ai.matih.flowwatch.classify.PolicyEndpoints;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.policy.Connection;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.policy.PolicyResult;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.EndpointView;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A remembered connection judged again against one topology snapshot, exactly as the classifier judges a record: both
 * ends placed in its tenancy model, the isolation model's intent, and the engine's verdict.
 *
 * @param connection  the connection
 * @param source      its source as placed
 * @param destination its destination as placed
 * @param intent      the isolation model's answer
 * @param policy      the engine's answer
 */
record Observation(
        RecentConnection connection, Party source, Party destination, IntentResult intent, PolicyResult policy) {

    /** The connection judged against this snapshot and its compiled engine, as of {@code now}. */
    static Observation judge(RecentConnection c, Topology topology, PolicyEngine engine, Instant now) {
        Flow flow = new Flow(
                SourceFormat.CALICO,
                now,
                now,
                c.source(),
                c.destination(),
                c.protocol(),
                c.port(),
                -1,
                c.observed(),
                Initiation.INITIATING,
                null,
                null,
                List.of(),
                null,
                1,
                null);
        Party source = PartyResolver.resolve(c.source(), topology);
        Party destination = PartyResolver.resolve(c.destination(), topology);
        IntentResult intent = IntentModel.judge(flow, source, destination, topology);
        PolicyResult policy = engine.evaluate(new Connection(
                PolicyEndpoints.of(source, flow, topology),
                PolicyEndpoints.of(destination, flow, topology),
                c.protocol(),
                c.port()));
        return new Observation(c, source, destination, intent, policy);
    }

    /** True when the end is a namespace of this tenant. */
    static boolean ofTenant(Party p, String tenant) {
        return p.kind() == Party.Kind.TENANT && tenant.equals(p.tenant());
    }

    /** An end as the API shows it. */
    static EndpointView view(Party p, Topology topology) {
        Endpoint e = p.endpoint();
        String role;
        String tenant = null;
        boolean external = false;
        switch (p.kind()) {
            case TENANT -> {
                role = Role.TENANT.tag();
                tenant = p.tenant();
            }
            case INGRESS -> {
                role = Role.INGRESS.tag();
                tenant = p.labels().get(topology.rules().tenantLabel());
            }
            case EXTERNAL -> {
                role = "external";
                external = true;
            }
            case CLUSTER -> role = "cluster";
            case UNKNOWN -> role = "unknown";
            default -> role = p.namespace().role().tag();
        }
        String namespace = p.namespaceName() != null ? p.namespaceName() : e.namespace();
        String name = e.name();
        if (name == null && (e.kind() == EndpointKind.HOST || e.kind() == EndpointKind.WORLD)) {
            name = e.kind().name().toLowerCase(Locale.ROOT);
        }
        return new EndpointView(namespace, e.workload(), e.pod(), e.ip(), tenant, role, external, name);
    }
}
