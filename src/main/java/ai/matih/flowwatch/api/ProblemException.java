package ai.matih.flowwatch.api;

/** Thrown by resources to answer with a problem+json; carries the status and the offending parameter. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String parameter;

    public ProblemException(int status, String title, String detail, String parameter) {
        super(detail);
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

    public Problem toProblem() {
        return new Problem("about:blank", title, status, getMessage(), parameter);
    }
}
