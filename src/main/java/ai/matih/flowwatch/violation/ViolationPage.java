package ai.matih.flowwatch.violation;

import java.util.List;

/**
 * One page of violations, newest first.
 *
 * @param items      the violations
 * @param nextCursor the cursor of the next page, or null on the last page
 */
public record ViolationPage(List<Violation> items, String nextCursor) {}
