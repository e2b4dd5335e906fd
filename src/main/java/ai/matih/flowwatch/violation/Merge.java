package ai.matih.flowwatch.violation;

/**
 * What merging one report did.
 *
 * @param violation  the violation after the merge
 * @param created    true when this report created it
 * @param countDelta how much its count grew (0 for a replay or another report of a known attempt)
 * @param replay     true when the raw record had been merged before: nothing changed
 */
public record Merge(Violation violation, boolean created, long countDelta, boolean replay) {}
