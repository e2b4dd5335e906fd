package ai.matih.flowwatch.api;

/** Thrown by resources to answer with a problem+json; carries the status and the offending parameter. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String parameter;
    private int retryAfterSeconds = -1;

    public ProblemException(int status, String title, String detail, String parameter) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.parameter = parameter;
    }

    /** 400 for a bad query parameter. */
    public static ProblemException badParameter(String parameter, String detail) {
        return new ProblemException(400, "Invalid query parameter", detail, parameter);
    }

    /** 404. */
    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", detail, null);
    }

    /** This problem with a {@code Retry-After} header of so many seconds. */
    public ProblemException retryAfter(int seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    /** The {@code Retry-After} in seconds, or -1 for none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Problem toProblem() {
        return new Problem("about:blank", title, status, getMessage(), parameter);
    }
}
