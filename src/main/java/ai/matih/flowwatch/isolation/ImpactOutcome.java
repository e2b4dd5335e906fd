package ai.matih.flowwatch.isolation;

/** What asking for a change's impact gives. */
public sealed interface ImpactOutcome {

    /** The impact. */
    record Answered(ImpactReport report) implements ImpactOutcome {}

    /** The change itself is wrong (an invalid NetworkPolicy): nothing was judged. */
    record Invalid(String field, String detail) implements ImpactOutcome {}

    /** Judging it would take more evaluations than a request may cost. */
    record TooMuchWork(String detail) implements ImpactOutcome {}
}
