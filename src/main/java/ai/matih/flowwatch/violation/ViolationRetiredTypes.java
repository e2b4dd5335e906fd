package ai.matih.flowwatch.violation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads violations that an earlier version wrote to the violations topic with a type flowwatch no longer has, in
 * today's typing, so the store rebuilds with them instead of skipping them.
 *
 * <p>{@code WOULD_BE_BLOCKED} was forbidden traffic reported with an audit-mode verdict or a staged deny: traffic
 * that went through. It is read as what such traffic is now: {@code UNEXPECTED_EGRESS} when the destination is
 * outside the cluster, else {@code ISOLATION_BREACH}; critical; the cause taken from the policy axis as for an
 * allowed connection ({@code policy-permits} when the policies allow it, {@code not-enforced} when they deny it,
 * {@code unknown} otherwise). Its id, counts and evidence are kept.
 */
final class ViolationRetiredTypes {

    static final String WOULD_BE_BLOCKED = "WOULD_BE_BLOCKED";

    private ViolationRetiredTypes() {}

    /**
     * The violation in today's typing, or null when its type is not a retired one (the record is then unreadable
     * for another reason).
     *
     * @param stored the violation as stored
     */
    static ObjectNode upgrade(JsonNode stored) {
        if (!(stored instanceof ObjectNode object)
                || !WOULD_BE_BLOCKED.equals(object.path("type").asText(null))) {
            return null;
        }
        ObjectNode upgraded = object.deepCopy();
        boolean external = object.path("destination").path("external").asBoolean(false);
        ViolationType type = external ? ViolationType.UNEXPECTED_EGRESS : ViolationType.ISOLATION_BREACH;
        upgraded.put("type", type.name());
        upgraded.put("severity", type.severity().tag());
        upgraded.put("cause", cause(object.path("policy").asText("")).tag());
        return upgraded;
    }

    private static Cause cause(String policy) {
        return switch (policy) {
            case "ALLOW" -> Cause.POLICY_PERMITS;
            case "DENY" -> Cause.NOT_ENFORCED;
            default -> Cause.UNKNOWN;
        };
    }
}
