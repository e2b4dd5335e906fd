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
    private final SecretKeySpec key;

    EventIds(String epoch) {
        this(epoch, randomKey());
    }

    EventIds(String epoch, byte[] key) {
        this.epoch = new StreamPosition(epoch, new byte[StreamPosition.TOKEN_BYTES]).epoch();
        this.key = new SecretKeySpec(key, "AES");
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
        return new StreamPosition(epoch, cipher(Cipher.ENCRYPT_MODE).doFinalUnchecked(block)).toString();
    }

    /** The sequence number of a position this process issued, or -1 when it did not issue it. */
    long sequence(StreamPosition position) {
        if (!epoch.equals(position.epoch())) {
            return -1;
        }
        ByteBuffer block = ByteBuffer.wrap(cipher(Cipher.DECRYPT_MODE).doFinalUnchecked(position.token()));
        long sequence = block.getLong(8);
        return block.getLong(0) == 0 && sequence > 0 ? sequence : -1;
    }

    private Crypt cipher(int mode) {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(mode, key);
            return new Crypt(c);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available", e);
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** A cipher whose failures, impossible for one whole block, are unchecked. */
    private record Crypt(Cipher cipher) {
        byte[] doFinalUnchecked(byte[] block) {
            try {
                return cipher.doFinal(block);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES failed on one block", e);
            }
        }
    }
}
