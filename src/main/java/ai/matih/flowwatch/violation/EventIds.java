package ai.matih.flowwatch.violation;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ids of one process's stream events: its epoch and each change's sequence number enciphered (AES, one block)
 * with a random key of the process. A token that does not decipher to a sequence number (zeros in its first eight
 * bytes) was not issued by this process. Thread-safe.
 */
final class EventIds {

    private final String epoch;
    private final Cipher encrypt;
    private final Cipher decrypt;

    EventIds(String epoch) {
        this(epoch, randomKey());
    }

    EventIds(String epoch, byte[] key) {
        this.epoch = new StreamPosition(epoch, new byte[StreamPosition.TOKEN_BYTES]).epoch();
        SecretKeySpec spec = new SecretKeySpec(key, "AES");
        this.encrypt = cipher(Cipher.ENCRYPT_MODE, spec);
        this.decrypt = cipher(Cipher.DECRYPT_MODE, spec);
    }

    /** The epoch of this process's ids. */
    String epoch() {
        return epoch;
    }

    /** The id of the change numbered {@code sequence}. */
    String id(long sequence) {
        byte[] block = ByteBuffer.allocate(StreamPosition.TOKEN_BYTES)
                .putLong(8, sequence)
                .array();
        byte[] token;
        synchronized (encrypt) {
            token = apply(encrypt, block);
        }
        return new StreamPosition(epoch, token).toString();
    }

    /** The sequence number of a position this process issued, or -1 when it did not issue it. */
    long sequence(StreamPosition position) {
        if (!epoch.equals(position.epoch())) {
            return -1;
        }
        ByteBuffer block;
        synchronized (decrypt) {
            block = ByteBuffer.wrap(apply(decrypt, position.token()));
        }
        long sequence = block.getLong(8);
        return block.getLong(0) == 0 && sequence > 0 ? sequence : -1;
    }

    private static Cipher cipher(int mode, SecretKeySpec key) {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(mode, key);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available", e);
        }
    }

    /** One whole block through the cipher, which cannot fail; held by the caller. */
    private static byte[] apply(Cipher cipher, byte[] block) {
        try {
            return cipher.doFinal(block);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES failed on one block", e);
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
