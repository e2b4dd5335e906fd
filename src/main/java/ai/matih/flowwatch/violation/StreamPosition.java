package ai.matih.flowwatch.violation;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id of a stream event as a client sends it back: {@code <epoch>-<token>}, for example
 * {@code mfq3x1k2-9c1f...} (32 hex digits). The epoch names the process that issued it (its start time in base 36);
 * the token is that process's sequence number of the change, enciphered with a key of the process (see
 * {@link EventIds}), so that ids order events for flowwatch but tell a client nothing of how many changes, of any
 * tenant, came between two of them.
 *
 * @param epoch the issuing process, lower-case letters and digits
 * @param token the enciphered sequence number, 16 bytes
 */
public record StreamPosition(String epoch, byte[] token) {

    /** Bytes of a token. */
    static final int TOKEN_BYTES = 16;

    private static final Pattern FORM = Pattern.compile("([0-9a-z]{1,13})-([0-9a-f]{32})");

    public StreamPosition {
        if (epoch == null || token == null || token.length != TOKEN_BYTES) {
            throw new IllegalArgumentException("a stream position needs an epoch and a token of 16 bytes");
        }
        token = token.clone();
    }

    /**
     * The position an event id names.
     *
     * @throws IllegalArgumentException when the text does not have the form of an id this stream issues
     */
    public static StreamPosition parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a stream event id (<epoch>-<32 hex digits>)");
        }
        return new StreamPosition(m.group(1), HexFormat.of().parseHex(m.group(2)));
    }

    @Override
    public byte[] token() {
        return token.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamPosition p && epoch.equals(p.epoch) && Arrays.equals(token, p.token);
    }

    @Override
    public int hashCode() {
        return 31 * epoch.hashCode() + Arrays.hashCode(token);
    }

    @Override
    public String toString() {
        return epoch + "-" + HexFormat.of().formatHex(token);
    }
}
