package ai.matih.flowwatch.api;

/** Checks shared by the resources on what a request carries: lengths first, and values echoed safely. */
public final class Parameters {

    /** The most characters of a caller's value a problem detail repeats. */
    public static final int SHOWN_CHARS = 64;

    private Parameters() {}

    /**
     * The value when it is at most {@code maxChars} long (null stays null).
     *
     * @throws ProblemException 400 naming the parameter when it is longer
     */
    public static String bounded(String parameter, String value, int maxChars) {
        if (value != null && value.length() > maxChars) {
            throw ProblemException.badParameter(
                    parameter,
                    parameter + " is " + value.length() + " characters long; at most " + maxChars + " are accepted");
        }
        return value;
    }

    /**
     * A caller's value as a problem detail may repeat it: at most {@value #SHOWN_CHARS} characters, control
     * characters replaced by '?'.
     */
    public static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String cut = value.length() <= SHOWN_CHARS ? value : value.substring(0, SHOWN_CHARS - 3) + "...";
        StringBuilder sb = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            sb.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return sb.toString();
    }
}
