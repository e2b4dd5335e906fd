package ai.matih.flowwatch.flow;

/**
 * The syntax the Kubernetes API server accepts for names and labels, checked character by character (no regular
 * expression, no allocation): a value that fails here never named a real object.
 */
public final class KubernetesNames {

    /** Longest DNS-1123 label: namespaces, label name parts and label values. */
    public static final int MAX_LABEL_CHARS = 63;
    /** Longest DNS-1123 subdomain: pods, workloads, nodes, label key prefixes. */
    public static final int MAX_SUBDOMAIN_CHARS = 253;

    private KubernetesNames() {}

    /** A DNS-1123 label (namespace names): 1 to 63 of a-z, 0-9 and '-', starting and ending alphanumeric. */
    public static boolean isDnsLabel(String s) {
        return s != null && isDnsLabel(s, 0, s.length());
    }

    /**
     * A DNS-1123 subdomain (pod, workload and node names): at most 253 characters, dot-separated parts of a-z,
     * 0-9 and '-', each starting and ending alphanumeric.
     */
    public static boolean isDnsSubdomain(String s) {
        return s != null && isDnsSubdomain(s, 0, s.length());
    }

    /**
     * A name, or an aggregated name prefix as Calico writes it: a DNS-1123 subdomain optionally ending with
     * {@code *} ({@code api-7d9f-*}, or {@code *} alone for everything), or a prefix of one (a-z, 0-9, '.' and
     * '-', starting alphanumeric); at most 253 characters.
     */
    public static boolean isNameOrPrefix(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_SUBDOMAIN_CHARS) {
            return false;
        }
        int end = s.charAt(s.length() - 1) == '*' ? s.length() - 1 : s.length();
        if (end == 0) {
            return true;
        }
        if (!isLowerAlnum(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < end; i++) {
            char c = s.charAt(i);
            if (!isLowerAlnum(c) && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** A node name: a DNS-1123 subdomain, optionally prefixed by its cluster's name ({@code kind-kind/kind-worker}). */
    public static boolean isNodeName(String s) {
        if (s == null) {
            return false;
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            return isDnsSubdomain(s, 0, s.length());
        }
        return isDnsSubdomain(s, 0, slash) && isDnsSubdomain(s, slash + 1, s.length());
    }

    /**
     * A label key: an optional DNS-1123 subdomain prefix and '/', then a name of 1 to 63 of A-Z, a-z, 0-9, '-',
     * '_' and '.', starting and ending alphanumeric.
     */
    public static boolean isLabelKey(String s) {
        if (s == null) {
            return false;
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            return isQualifiedPart(s, 0, s.length());
        }
        return isDnsSubdomain(s, 0, slash) && isQualifiedPart(s, slash + 1, s.length());
    }

    /** A label value: empty, or 1 to 63 of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending alphanumeric. */
    public static boolean isLabelValue(String s) {
        return s != null && (s.isEmpty() || isQualifiedPart(s, 0, s.length()));
    }

    /** An IP address as text: 2 to 45 of hex digits, '.' and ':', with at least one '.' or ':'. */
    public static boolean isIpText(String s) {
        if (s == null || s.length() < 2 || s.length() > 45) {
            return false;
        }
        boolean separator = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' || c == ':') {
                separator = true;
            } else if (!isHexDigit(c)) {
                return false;
            }
        }
        return separator;
    }

    /** An identifier or enum value: 1 to {@code max} of A-Z, a-z, 0-9, '-', '_', '.' and ':'. */
    public static boolean isToken(String s, int max) {
        if (s == null || s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAlnum(c) && c != '-' && c != '_' && c != '.' && c != ':') {
                return false;
            }
        }
        return true;
    }

    static boolean isDnsLabel(String s, int from, int to) {
        int n = to - from;
        if (n < 1 || n > MAX_LABEL_CHARS || !isLowerAlnum(s.charAt(from)) || !isLowerAlnum(s.charAt(to - 1))) {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (!isLowerAlnum(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    static boolean isDnsSubdomain(String s, int from, int to) {
        int n = to - from;
        if (n < 1 || n > MAX_SUBDOMAIN_CHARS) {
            return false;
        }
        char previous = '.';
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (previous == '.' || previous == '-') {
                    return false;
                }
            } else if (c == '-') {
                if (previous == '.') {
                    return false;
                }
            } else if (!isLowerAlnum(c)) {
                return false;
            }
            previous = c;
        }
        return previous != '-' && previous != '.';
    }

    private static boolean isQualifiedPart(String s, int from, int to) {
        int n = to - from;
        if (n < 1 || n > MAX_LABEL_CHARS || !isAlnum(s.charAt(from)) || !isAlnum(s.charAt(to - 1))) {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (!isAlnum(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isAlnum(char c) {
        return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
