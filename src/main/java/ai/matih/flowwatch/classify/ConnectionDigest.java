package ai.matih.flowwatch.classify;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.topology.PodInfo;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The identity of a connection as the policy engine judges it: a salted SHA-256 over a canonical encoding of
 * everything the engine reads of it (both endpoints with namespace, name, pod and namespace labels in key order,
 * IPs, hostNetwork, declared ports and node; protocol and port). Two connections get the same digest only when
 * they are equal, short of a SHA-256 collision on a salt the sender never sees, so a memo keyed by it keeps
 * 32 bytes per connection however many labels the endpoints carry, and never answers for another connection.
 *
 * <p>One instance per thread (it reuses a fixed buffer and the digest): not thread-safe. The encoding streams
 * through the buffer, so a label-heavy endpoint costs time in proportion to its bytes and no memory.
 */
final class ConnectionDigest {

    private static final int BUFFER = 8192;
    private static final int NULL = -1;
    private static final int KEPT_ENTRIES = 256;
    private static final Comparator<Map.Entry<String, String>> BY_KEY = Map.Entry.comparingByKey();

    private final MessageDigest sha;
    private final byte[] buffer = new byte[BUFFER];
    private final byte[] out = new byte[32];
    private Map.Entry<String, String>[] entries = newEntries(16);
    private int used;

    ConnectionDigest() {
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The digest of the connection, with {@code salt} first. */
    Key of(byte[] salt, PolicyEndpoint source, PolicyEndpoint destination, Protocol protocol, int port) {
        sha.reset();
        sha.update(salt);
        used = 0;
        endpoint(source);
        endpoint(destination);
        putInt(protocol == null ? NULL : 1000 + protocol.number());
        putInt(port);
        flush();
        try {
            sha.digest(out, 0, out.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return new Key(longAt(0), longAt(8), longAt(16), longAt(24));
    }

    private void endpoint(PolicyEndpoint endpoint) {
        if (endpoint instanceof PolicyEndpoint.Pod pod) {
            putInt('P');
            putString(pod.namespace());
            putString(pod.name());
            putLabels(pod.labels());
            putLabels(pod.namespaceLabels());
            putStrings(pod.ips());
            putInt(pod.hostNetwork() ? 1 : 0);
            putPorts(pod.ports());
            putString(pod.node());
        } else {
            PolicyEndpoint.Address address = (PolicyEndpoint.Address) endpoint;
            putInt('A');
            putString(address.ip());
            putInt(address.kind().ordinal());
            putString(address.node());
        }
    }

    private void putLabels(Map<String, String> labels) {
        if (labels == null) {
            putInt(NULL);
            return;
        }
        int n = labels.size();
        putInt(n);
        if (entries.length < n) {
            entries = newEntries(Math.max(n, entries.length * 2));
        }
        int i = 0;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            entries[i++] = e;
        }
        Arrays.sort(entries, 0, n, BY_KEY);
        for (i = 0; i < n; i++) {
            putString(entries[i].getKey());
            putString(entries[i].getValue());
            entries[i] = null;
        }
        if (entries.length > KEPT_ENTRIES) {
            entries = newEntries(16); // a label-heavy endpoint does not leave a large scratch array behind
        }
    }

    @SuppressWarnings("unchecked")
    private static Map.Entry<String, String>[] newEntries(int n) {
        return (Map.Entry<String, String>[]) new Map.Entry[n];
    }

    private void putStrings(List<String> values) {
        putInt(values.size());
        for (String v : values) {
            putString(v);
        }
    }

    private void putPorts(List<PodInfo.ContainerPort> ports) {
        if (ports == null) {
            putInt(NULL);
            return;
        }
        putInt(ports.size());
        for (PodInfo.ContainerPort p : ports) {
            putString(p.name());
            putInt(p.port());
            putString(p.protocol());
        }
    }

    private void putString(String s) {
        if (s == null) {
            putInt(NULL);
            return;
        }
        int n = s.length();
        putInt(n);
        for (int i = 0; i < n; i++) {
            if (used + 2 > BUFFER) {
                flush();
            }
            char c = s.charAt(i);
            buffer[used++] = (byte) (c >>> 8);
            buffer[used++] = (byte) c;
        }
    }

    private void putInt(int v) {
        if (used + 4 > BUFFER) {
            flush();
        }
        buffer[used++] = (byte) (v >>> 24);
        buffer[used++] = (byte) (v >>> 16);
        buffer[used++] = (byte) (v >>> 8);
        buffer[used++] = (byte) v;
    }

    private void flush() {
        sha.update(buffer, 0, used);
        used = 0;
    }

    private long longAt(int offset) {
        long v = 0;
        for (int i = offset; i < offset + 8; i++) {
            v = (v << 8) | (out[i] & 0xffL);
        }
        return v;
    }

    /** A connection's 256-bit identity (about 48 bytes on the heap). */
    record Key(long a, long b, long c, long d) {

        /** Heap bytes of one key: object header and four longs. */
        static final int BYTES = 48;

        @Override
        public int hashCode() {
            return (int) (a ^ (a >>> 32));
        }
    }
}
