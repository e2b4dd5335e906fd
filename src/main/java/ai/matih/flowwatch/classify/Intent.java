package ai.matih.flowwatch.classify;

/** What the tenant isolation model says of a connection: the intent axis. */
public enum Intent {
    PERMITTED,
    FORBIDDEN
}
