package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.violation.Category;

/** What the isolation model says of one connection. */
public sealed interface IntentResult {

    /**
     * The model judges the connection.
     *
     * @param intent   permitted or forbidden
     * @param category for forbidden connections, which pattern; null when permitted
     * @param reason   a sentence for the user ("acme-corp → globex: cross-tenant traffic is forbidden")
     */
    record Judged(Intent intent, Category category, String reason) implements IntentResult {}

    /** No tenant namespace at either end: platform traffic, not judged. */
    record NotJudged(String reason) implements IntentResult {}

    /** The connection may involve a tenant but an endpoint cannot be placed. */
    record CannotJudge(String reason) implements IntentResult {}
}
