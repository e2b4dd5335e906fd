package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.topology.EgressException;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.Category;
import inet.ipaddr.IPAddress;
import java.util.Locale;

/**
 * The tenant isolation model of the seed platform (docs/judging.md): which connections are
 * permitted and which are forbidden, and why. Pure and thread-safe.
 */
public final class IntentModel {

    private static final int DNS_PORT = 53;

    private IntentModel() {}

    public static IntentResult judge(Flow flow, Party src, Party dst, Topology topology) {
        if (src.kind() == Party.Kind.UNKNOWN || dst.kind() == Party.Kind.UNKNOWN) {
            Party unknown = src.kind() == Party.Kind.UNKNOWN ? src : dst;
            return new IntentResult.CannotJudge((unknown == src ? "source " : "destination ") + unknown.why());
        }
        if (src.namespaceName() != null && src.namespaceName().equals(dst.namespaceName())) {
            return permitted(src.namespaceName() + ": same-namespace traffic is permitted");
        }
        if (src.kind() == Party.Kind.TENANT) {
            return fromTenant(flow, src, dst, topology);
        }
        if (dst.kind() == Party.Kind.TENANT) {
            return toTenant(src, dst, topology);
        }
        if (src.kind() == Party.Kind.EXTERNAL && dst.kind() == Party.Kind.SHARED_INFRA) {
            return forbidden(
                    Category.EXTERNAL_INGRESS,
                    "outside the cluster → shared infrastructure " + dst.namespaceName()
                            + ": direct access from outside is forbidden");
        }
        return new IntentResult.NotJudged("no tenant namespace at either end");
    }

    private static IntentResult fromTenant(Flow flow, Party src, Party dst, Topology topology) {
        String tenant = src.tenant();
        return switch (dst.kind()) {
            case TENANT ->
                tenant.equals(dst.tenant())
                        ? forbidden(
                                Category.OTHER,
                                tenant + ": traffic between two namespaces of the same tenant (" + src.namespaceName()
                                        + " → " + dst.namespaceName() + ") is not permitted")
                        : forbidden(
                                Category.CROSS_TENANT,
                                tenant + " → " + dst.tenant() + ": cross-tenant traffic is forbidden");
            case CONTROL_PLANE ->
                forbidden(
                        Category.TENANT_TO_CONTROL_PLANE,
                        tenant + " → control plane " + dst.namespaceName()
                                + ": tenants may not reach the control plane");
            case SHARED_INFRA ->
                permitted(tenant + " → shared infrastructure " + dst.namespaceName() + " is permitted");
            case EXTERNAL -> toOutside(flow, tenant, dst, topology);
            default ->
                isDns(flow, dst, topology)
                        ? permitted(tenant + " → cluster DNS on port 53 is permitted")
                        : forbidden(
                                Category.OTHER,
                                tenant + " → " + describe(dst) + ": not in the tenant's allowed egress");
        };
    }

    private static IntentResult toOutside(Flow flow, String tenant, Party dst, Topology topology) {
        IPAddress ip = Topology.parseIp(dst.endpoint().ip());
        if (ip == null && hasLiveException(tenant, flow, topology)) {
            return new IntentResult.CannotJudge(tenant + " → " + describe(dst)
                    + ": the record gives no destination IP, so " + tenant + "'s egress exceptions cannot be checked");
        }
        for (EgressException exception : topology.egressExceptions()) {
            if (exception.tenant().equals(tenant) && exception.permits(ip, flow.port(), flow.protocol(), flow.time())) {
                return permitted(tenant + " → " + dst.endpoint().ip() + ":" + flow.port()
                        + " is permitted by egress exception " + exception.name());
            }
        }
        String where = dst.endpoint().ip() != null ? dst.endpoint().ip() : describe(dst);
        String port = flow.port() >= 0 ? ":" + flow.port() : "";
        return forbidden(
                Category.EXTERNAL_EGRESS,
                tenant + " → " + where + port
                        + ": egress outside the cluster is forbidden without an egress exception");
    }

    private static boolean hasLiveException(String tenant, Flow flow, Topology topology) {
        for (EgressException exception : topology.egressExceptions()) {
            if (exception.tenant().equals(tenant)
                    && (exception.expires() == null || flow.time().isBefore(exception.expires()))) {
                return true;
            }
        }
        return false;
    }

    private static IntentResult toTenant(Party src, Party dst, Topology topology) {
        String tenant = dst.tenant();
        return switch (src.kind()) {
            case CONTROL_PLANE -> permitted("control plane " + src.namespaceName() + " → " + tenant + " is permitted");
            case INGRESS -> {
                String podTenant = src.labels().get(topology.rules().tenantLabel());
                if (tenant.equals(podTenant)) {
                    yield permitted(tenant + "'s ingress controller → " + tenant + " is permitted");
                }
                String whose = podTenant == null
                        ? "an ingress controller without a tenant label"
                        : podTenant + "'s ingress controller";
                yield forbidden(
                        Category.CROSS_TENANT, whose + " → " + tenant + ": only the tenant's own ingress may reach it");
            }
            case EXTERNAL ->
                forbidden(
                        Category.EXTERNAL_INGRESS,
                        "outside the cluster → " + tenant + ": direct access from outside the cluster is forbidden");
            case CLUSTER ->
                src.endpoint().kind() == EndpointKind.HOST
                        ? permitted("node → " + tenant + ": node-local traffic (kubelet probes) is permitted")
                        : forbidden(
                                Category.OTHER,
                                describe(src) + " → " + tenant + ": not in the tenant's allowed ingress");
            default ->
                forbidden(Category.OTHER, describe(src) + " → " + tenant + ": not in the tenant's allowed ingress");
        };
    }

    private static boolean isDns(Flow flow, Party dst, Topology topology) {
        return flow.port() == DNS_PORT
                && (flow.protocol() == Protocol.UDP || flow.protocol() == Protocol.TCP)
                && dst.namespaceName() != null
                && topology.isClusterDns(dst.namespaceName(), dst.labels());
    }

    private static String describe(Party p) {
        if (p.namespaceName() != null) {
            return "namespace " + p.namespaceName();
        }
        if (p.endpoint().name() != null) {
            return p.endpoint().name();
        }
        return p.endpoint().kind().name().toLowerCase(Locale.ROOT)
                + (p.endpoint().ip() != null ? " " + p.endpoint().ip() : "");
    }

    private static IntentResult permitted(String reason) {
        return new IntentResult.Judged(Intent.PERMITTED, null, reason);
    }

    private static IntentResult forbidden(Category category, String reason) {
        return new IntentResult.Judged(Intent.FORBIDDEN, category, reason);
    }
}
