package ai.matih.flowwatch.violation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable hashes for ids and dedupe keys. */
public final class Hashing {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hashing() {}

    /** A stable id: the first 20 hex digits of the SHA-256 of the parts joined by '|'. */
    public static String id(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update((p == null ? "\u0000" : p).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '|');
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** 64-bit FNV-1a over the parts, null-safe. */
    public static long fnv(Object... parts) {
        long h = FNV_OFFSET;
        for (Object p : parts) {
            String s = p == null ? "\u0000" : p.toString();
            for (int i = 0; i < s.length(); i++) {
                h ^= s.charAt(i);
                h *= FNV_PRIME;
            }
            h ^= '|';
            h *= FNV_PRIME;
        }
        return h;
    }
}
