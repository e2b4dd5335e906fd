package ai.matih.flowwatch.decode;

import ai.matih.flowwatch.decode.audit.AuditBounds;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.flow.KubernetesNames;
import ai.matih.flowwatch.flow.Text;
import ai.matih.flowwatch.topology.LabelBounds;
import java.util.Map;

/**
 * The bounds on every field a record brings in, shared by {@link FlowBounds} and {@link AuditBounds}. Names are
 * held to the Kubernetes syntax ({@link KubernetesNames}); what has no syntax is bounded in bytes. A value out of
 * bounds rejects its document (dead letter with a reason), except free text, which is clipped.
 */
public final class InputBounds {

    /**
     * Most labels one endpoint (or one object of an audit event) may carry, pod and namespace labels together;
     * more rejects the document as {@code too-many-labels}. Kubernetes sets no count limit; real pods carry tens.
     */
    public static final int MAX_LABELS = LabelBounds.MAX_LABELS;
    /**
     * Most bytes of label keys and values one endpoint (or object) may carry; more rejects the document as
     * {@code too-many-labels}. One label is at most 380 bytes (253 + '/' + 63 key, 63 value).
     */
    public static final int MAX_LABEL_BYTES = LabelBounds.MAX_LABEL_BYTES;
    /** Most policies a flow may name as having decided; more rejects it as {@code field-too-large}. */
    public static final int MAX_POLICIES = 64;
    /**
     * Longest policy name a flow may carry ({@code Kind:namespace/tier.name}); longer rejects it as
     * {@code field-too-large}.
     */
    public static final int MAX_POLICY_NAME_BYTES = 512;
    /** Most comma-separated reporters of one flow ({@code dst,fwd}); more rejects it as {@code field-too-large}. */
    public static final int MAX_REPORTERS = 4;
    /** Longest enum-like value (reporter, verb, stage, level); longer or other characters: {@code invalid-value}. */
    public static final int MAX_TOKEN_CHARS = 64;
    /** Longest record identifier (Hubble uuid, audit ID); longer or other characters: {@code invalid-value}. */
    public static final int MAX_ID_CHARS = 128;
    /** Longest user name or group of an audit event; longer rejects it as {@code field-too-large}. */
    public static final int MAX_USER_BYTES = 1024;
    /** Most groups of an audit event's user; more rejects it as {@code field-too-large}. */
    public static final int MAX_GROUPS = 256;
    /** Most operations of a JSON-patch body kept from an audit event; more rejects it as {@code field-too-large}. */
    public static final int MAX_PATCH_OPERATIONS = 1024;
    /** Free text (verdict detail, user agent, decision) is clipped to this many bytes of UTF-8. */
    public static final int MAX_TEXT_BYTES = 1024;
    /** An audit event's request URI is clipped to this many bytes of UTF-8. */
    public static final int MAX_URI_BYTES = 4096;

    private InputBounds() {}

    /** The UTF-8 length of {@code s}: {@link Text#utf8Length}. */
    public static int utf8Length(String s) {
        return Text.utf8Length(s);
    }

    /** Free text within {@code maxBytes} of UTF-8 and on one line: {@link Text#clip}. */
    public static String clip(String s, int maxBytes) {
        return Text.clip(s, maxBytes);
    }

    /** True when {@code s} is 1 to {@code maxBytes} bytes of printable ASCII (space to '~'). */
    static boolean isPrintableAscii(String s, int maxBytes) {
        if (s.isEmpty() || s.length() > maxBytes) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks the labels of one endpoint (or object): at most {@link #MAX_LABELS} of them and
     * {@link #MAX_LABEL_BYTES} bytes together, each with the Kubernetes syntax. The decoders call it where they
     * parse labels, so that both decoding paths check them once per distinct endpoint.
     *
     * @param field           what the labels are, for the detail ({@code flow.source.labels})
     * @param namespaceLabels labels of the endpoint's namespace carried by the record, or an empty map
     * @throws DecodeException too-many-labels (count, bytes), invalid-name (key) or invalid-value (value)
     */
    public static void checkLabels(Map<String, String> labels, Map<String, String> namespaceLabels, String field) {
        int count = labels.size() + namespaceLabels.size();
        if (count > MAX_LABELS) {
            throw tooManyLabels(field, count);
        }
        int bytes = labels.isEmpty() ? 0 : checkLabels(labels, field, 0);
        if (!namespaceLabels.isEmpty()) {
            checkLabels(namespaceLabels, field, bytes);
        }
    }

    /** Checks one set of labels and returns the label bytes counted so far, {@code bytesSoFar} included. */
    private static int checkLabels(Map<String, String> labels, String field, int bytesSoFar) {
        int bytes = bytesSoFar;
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            String value = label.getValue();
            if (!KubernetesNames.isLabelKey(key)) {
                throw invalidName(field, "label key", key);
            }
            if (!KubernetesNames.isLabelValue(value)) {
                throw new DecodeException(
                        RejectReason.INVALID_VALUE,
                        field + ": value of label " + key + " is not a Kubernetes label value (63 characters at most): "
                                + echo(value));
            }
            bytes += key.length() + value.length(); // ASCII once valid
            if (bytes > MAX_LABEL_BYTES) {
                throw tooManyLabelBytes(field);
            }
        }
        return bytes;
    }

    /** More labels than {@link #MAX_LABELS}. */
    public static DecodeException tooManyLabels(String field, int count) {
        return new DecodeException(
                RejectReason.TOO_MANY_LABELS, field + ": " + count + " labels, more than the " + MAX_LABELS + " kept");
    }

    public static DecodeException tooManyLabelBytes(String field) {
        return new DecodeException(
                RejectReason.TOO_MANY_LABELS, field + ": labels of more than " + MAX_LABEL_BYTES + " bytes");
    }

    /** An invalid Kubernetes name: the detail names the field and the rule, and echoes a clipped value. */
    public static DecodeException invalidName(String field, String rule, String value) {
        return new DecodeException(RejectReason.INVALID_NAME, field + ": not a valid " + rule + ": " + echo(value));
    }

    public static DecodeException invalidValue(String field, String expectation, String value) {
        return new DecodeException(RejectReason.INVALID_VALUE, field + ": " + expectation + ": " + echo(value));
    }

    public static DecodeException tooLarge(String field, String what) {
        return new DecodeException(RejectReason.FIELD_TOO_LARGE, field + ": " + what);
    }

    /** A payload value for a detail: its length and its first characters, on one line. */
    static String echo(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= JsonFields.MAX_ECHO
                ? "\"" + JsonFields.clip(value) + "\""
                : value.length() + " characters \"" + JsonFields.clip(value) + "\"";
    }
}
