package ai.matih.flowwatch.policy.conformance;

/** Dotted IPv4 addresses and blocks, as plain arithmetic on 32-bit numbers. */
final class Ipv4 {

    private Ipv4() {}

    static long parse(String ip) {
        String[] parts = ip.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long value = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    static String format(long value) {
        return ((value >> 24) & 255) + "." + ((value >> 16) & 255) + "." + ((value >> 8) & 255) + "." + (value & 255);
    }

    /** The first address of the block of {@code bits} prefix bits around {@code ip}. */
    static String network(String ip, int bits) {
        return format(parse(ip) & mask(bits));
    }

    /** True when {@code ip} is inside {@code cidr} ({@code a.b.c.d/n}, host bits ignored). */
    static boolean contains(String cidr, String ip) {
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        return (parse(parts[0]) & mask(bits)) == (parse(ip) & mask(bits));
    }

    private static long mask(int bits) {
        if (bits < 0 || bits > 32) {
            throw new IllegalArgumentException("not a prefix length: " + bits);
        }
        return bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    }
}
