package ai.matih.flowwatch.violation;

import java.time.Instant;

/**
 * One report of a violation, before it is merged into the store.
 *
 * @param template    the violation with this report's times and count 1 (id set)
 * @param time        when the connection was seen
 * @param attemptKey  identifies the connection attempt(s) the report stands for: reports of one attempt from
 *                    different reporters or observation points share it
 * @param connections how many attempts the report stands for (aggregated logs)
 * @param fingerprint identifies the raw record: a replayed record has the same one
 * @param reporter    who reported it, for evidence, or null
 */
public record Draft(
        Violation template, Instant time, long attemptKey, long connections, long fingerprint, String reporter) {}
