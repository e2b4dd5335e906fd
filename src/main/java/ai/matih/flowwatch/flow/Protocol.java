package ai.matih.flowwatch.flow;

import java.util.Locale;

/** Layer-4 protocol of a connection. */
public enum Protocol {
    TCP,
    UDP,
    SCTP,
    ICMP,
    ICMPV6,
    OTHER;

    /** Parses the usual spellings ("tcp", "TCP", "6", "icmp6", "ICMPv6"); unknown values map to {@link #OTHER}. */
    public static Protocol parse(String value) {
        if (value == null) {
            return OTHER;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "tcp", "6" -> TCP;
            case "udp", "17" -> UDP;
            case "sctp", "132" -> SCTP;
            case "icmp", "icmpv4", "1" -> ICMP;
            case "icmp6", "icmpv6", "58" -> ICMPV6;
            default -> OTHER;
        };
    }

    /**
     * Parses a protocol name as a user writes it in an API request ("TCP", "udp", "ICMPv6", "icmp6"); null when it
     * is not one (numbers and unknown names are refused rather than mapped to {@link #OTHER}).
     */
    public static Protocol parseName(String value) {
        if (value == null) {
            return null;
        }
        Protocol p = parse(value);
        String v = value.trim();
        boolean byName = v.equalsIgnoreCase(p.name()) || (p == ICMPV6 && v.equalsIgnoreCase("icmp6"));
        return p != OTHER && byName ? p : null;
    }

    /** True for protocols that have ports. */
    public boolean hasPorts() {
        return this == TCP || this == UDP || this == SCTP;
    }
}
