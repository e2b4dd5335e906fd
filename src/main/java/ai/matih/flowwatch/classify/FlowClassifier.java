package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.ObservationSide;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.policy.PolicyDecision;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.violation.Cause;
import ai.matih.flowwatch.violation.ViolationType;

/**
 * Judges one flow record on the three axes (observed × intent × policy). Pure and thread-safe;
 * fails closed: any error yields {@link Outcome.Unclassified}, never an allow.
 */
public final class FlowClassifier {

    private final PolicyAxis policyAxis;
    private final ConnectionMemory memory;

    public FlowClassifier(PolicyAxis policyAxis) {
        this(policyAxis, ConnectionMemory.NONE);
    }

    /** A classifier that also reports every judged connection with a verdict to {@code memory}. */
    public FlowClassifier(PolicyAxis policyAxis, ConnectionMemory memory) {
        this.policyAxis = policyAxis;
        this.memory = memory;
    }

    public Outcome classify(Flow flow, Topology topology) {
        if (flow.initiation() == Initiation.REPLY) {
            return new Outcome.Reply();
        }
        Party src = null;
        Party dst = null;
        try {
            src = PartyResolver.resolve(flow.source(), topology);
            dst = PartyResolver.resolve(flow.destination(), topology);
            IntentResult intent = IntentModel.judge(flow, src, dst, topology);
            if (intent instanceof IntentResult.NotJudged notJudged) {
                return new Outcome.Normal(notJudged.reason());
            }
            if (intent instanceof IntentResult.CannotJudge cannot) {
                return new Outcome.Unclassified(cannot.reason(), src, dst, true);
            }
            return judge(flow, src, dst, (IntentResult.Judged) intent, topology);
        } catch (RuntimeException e) {
            return new Outcome.Unclassified(
                    "classification failed: " + e.getClass().getSimpleName(), src, dst, true);
        }
    }

    private Outcome judge(Flow flow, Party src, Party dst, IntentResult.Judged intent, Topology topology) {
        Observed observed = flow.observed();
        if (observed == Observed.UNKNOWN) {
            String detail = flow.verdictDetail() == null ? "no verdict" : flow.verdictDetail();
            return new Outcome.Unclassified(
                    "the record carries no policy verdict (" + detail + ")",
                    src,
                    dst,
                    src.kind() == Party.Kind.TENANT || dst.kind() == Party.Kind.TENANT);
        }
        boolean permitted = intent.intent() == Intent.PERMITTED;
        boolean passed = observed == Observed.ALLOWED || (observed == Observed.AUDIT && !permitted);
        if (passed && seenOnlyLeavingSource(flow, dst)) {
            return new Outcome.Partial(
                    observed == Observed.AUDIT
                            ? "passed the source under an audit-mode verdict or staged policy; the destination's"
                                    + " report decides"
                            : "allowed at the source; the destination's report decides");
        }
        PolicyDecision policy = policyAxis.decide(flow, src, dst, intent, topology);
        memory.observed(flow, src, dst);
        return switch (observed) {
            case ALLOWED -> {
                if (permitted) {
                    if (policy.verdict() == PolicyVerdict.DENY) {
                        yield flagged(
                                ViolationType.ENFORCEMENT_GAP,
                                Cause.NOT_ENFORCED,
                                intent,
                                policy,
                                src,
                                dst,
                                intent.reason() + ", but the policies deny it and the CNI let it through");
                    }
                    yield new Outcome.Normal(intent.reason());
                }
                yield breach(intent, policy, src, dst, intent.reason());
            }
            case DENIED ->
                permitted
                        ? flagged(
                                ViolationType.UNEXPECTED_DENY,
                                deniedCause(policy.verdict()),
                                intent,
                                policy,
                                src,
                                dst,
                                intent.reason() + ", but the CNI denied it")
                        : flagged(
                                ViolationType.BLOCKED_ATTEMPT,
                                deniedCause(policy.verdict()),
                                intent,
                                policy,
                                src,
                                dst,
                                intent.reason());
            // Audit mode and staged policies do not enforce: the connection went through, so forbidden traffic is
            // judged as if allowed; permitted traffic that a policy would deny once enforced is an unexpected deny.
            case AUDIT, UNKNOWN ->
                permitted
                        ? flagged(
                                ViolationType.UNEXPECTED_DENY,
                                deniedCause(policy.verdict()),
                                intent,
                                policy,
                                src,
                                dst,
                                intent.reason() + ", but a staged or audit-mode policy would deny it once enforced")
                        : breach(
                                intent,
                                policy,
                                src,
                                dst,
                                intent.reason() + ", and it went through: a staged or audit-mode policy would block"
                                        + " it only once enforced");
        };
    }

    /** Forbidden traffic that went through: unexpected egress to outside the cluster, else an isolation breach. */
    private static Outcome.Flagged breach(
            IntentResult.Judged intent, PolicyDecision policy, Party src, Party dst, String reason) {
        ViolationType type =
                dst.kind() == Party.Kind.EXTERNAL ? ViolationType.UNEXPECTED_EGRESS : ViolationType.ISOLATION_BREACH;
        return flagged(type, allowedCause(policy.verdict()), intent, policy, src, dst, reason);
    }

    /**
     * An allow (or an audit verdict that let forbidden traffic pass) reported on the source side of a connection to an
     * in-cluster pod says only that the source's egress let it out; the destination's ingress may still drop it, and
     * its own report decides.
     */
    private static boolean seenOnlyLeavingSource(Flow flow, Party dst) {
        return flow.side() == ObservationSide.SOURCE
                && dst.endpoint().kind() != EndpointKind.WORLD
                && dst.kind() != Party.Kind.EXTERNAL
                && dst.namespaceName() != null;
    }

    private static Cause allowedCause(PolicyVerdict verdict) {
        return switch (verdict) {
            case ALLOW -> Cause.POLICY_PERMITS;
            case DENY -> Cause.NOT_ENFORCED;
            default -> Cause.UNKNOWN;
        };
    }

    private static Cause deniedCause(PolicyVerdict verdict) {
        return switch (verdict) {
            case DENY -> Cause.POLICY_DENIES;
            case ALLOW -> Cause.NOT_POLICY;
            default -> Cause.UNKNOWN;
        };
    }

    private static Outcome.Flagged flagged(
            ViolationType type,
            Cause cause,
            IntentResult.Judged intent,
            PolicyDecision policy,
            Party src,
            Party dst,
            String reason) {
        return new Outcome.Flagged(type, type.severity(), intent.category(), cause, intent, policy, reason, src, dst);
    }
}
