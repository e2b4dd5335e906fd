package ai.matih.flowwatch.flow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The IP protocol of a connection: one of the 256 IANA protocol numbers, or {@link #UNKNOWN} when the record does
 * not say. Every value is interned, so there are at most 257 of them and {@code ==} compares them. The usual ones
 * have a name ({@link #TCP}, {@link #UDP}, {@link #SCTP}, {@link #ICMP}, {@link #ICMPV6}, {@link #GRE}, {@link #ESP},
 * {@link #AH}, ...); any other number is written as its decimal number ({@code "115"}).
 */
public final class Protocol {

    private static final Protocol[] BY_NUMBER = new Protocol[256];

    public static final Protocol ICMP = named(1, "ICMP", false);
    public static final Protocol IGMP = named(2, "IGMP", false);
    public static final Protocol IPIP = named(4, "IPIP", false);
    public static final Protocol TCP = named(6, "TCP", true);
    public static final Protocol UDP = named(17, "UDP", true);
    public static final Protocol GRE = named(47, "GRE", false);
    public static final Protocol ESP = named(50, "ESP", false);
    public static final Protocol AH = named(51, "AH", false);
    public static final Protocol ICMPV6 = named(58, "ICMPV6", false);
    public static final Protocol VRRP = named(112, "VRRP", false);
    public static final Protocol SCTP = named(132, "SCTP", true);
    public static final Protocol UDPLITE = named(136, "UDPLITE", true);
    /** The record does not say which protocol (a Hubble flow without {@code l4}, a Calico log without {@code proto}). */
    public static final Protocol UNKNOWN = new Protocol(-1, "UNKNOWN", false);

    /** Other spellings of the named protocols, lower case: Hubble's, Calico's, IANA's keywords. */
    private static final Map<String, Protocol> ALIASES = Map.of(
            "icmpv4", ICMP,
            "icmp4", ICMP,
            "icmp6", ICMPV6,
            "ipv6-icmp", ICMPV6,
            "ipv4", IPIP,
            "ip-in-ip", IPIP,
            "ipsec-esp", ESP,
            "ipsec-ah", AH);

    /** Every name and alias, lower case. */
    private static final Map<String, Protocol> BY_NAME;

    static {
        Map<String, Protocol> names = new HashMap<>(ALIASES);
        for (int n = 0; n < BY_NUMBER.length; n++) {
            if (BY_NUMBER[n] == null) {
                BY_NUMBER[n] = new Protocol(n, Integer.toString(n), false);
            } else {
                names.put(BY_NUMBER[n].name.toLowerCase(Locale.ROOT), BY_NUMBER[n]);
            }
        }
        BY_NAME = Map.copyOf(names);
    }

    private final int number;
    private final String name;
    private final boolean ports;

    private Protocol(int number, String name, boolean ports) {
        this.number = number;
        this.name = name;
        this.ports = ports;
    }

    private static Protocol named(int number, String name, boolean ports) {
        Protocol p = new Protocol(number, name, ports);
        BY_NUMBER[number] = p;
        return p;
    }

    /** The protocol with this IANA number (0-255); null for any other number. */
    public static Protocol of(int number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }

    /**
     * Parses a protocol as flow logs and users write it: a name in any case ("tcp", "ICMPv6", "icmp6", "gre"), or a
     * decimal IANA number 0-255 ("1", "58", "47"). Null when it is neither (an unknown name, a number out of range,
     * {@code null}); {@code "UNKNOWN"} is not a protocol and is refused too.
     */
    public static Protocol parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.isEmpty() || v.length() > 16) {
            return null;
        }
        if (digits(v)) {
            return v.length() > 3 ? null : of(Integer.parseInt(v));
        }
        return BY_NAME.get(v.toLowerCase(Locale.ROOT));
    }

    private static boolean digits(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The protocol {@link #name()} names, as JSON reads it back; {@link #UNKNOWN} for anything else. */
    @JsonCreator
    public static Protocol fromName(String name) {
        Protocol p = parse(name);
        return p == null ? UNKNOWN : p;
    }

    /** The IANA protocol number, or -1 for {@link #UNKNOWN}. */
    public int number() {
        return number;
    }

    /** The name ({@code "TCP"}, {@code "ICMPV6"}), the decimal number for a protocol without one, or "UNKNOWN". */
    @JsonValue
    public String name() {
        return name;
    }

    /** True for protocols that have ports (TCP, UDP, SCTP, UDP-Lite). */
    public boolean hasPorts() {
        return ports;
    }

    /** True for the protocols NetworkPolicy rules can name: TCP, UDP and SCTP. */
    public boolean policyNameable() {
        return this == TCP || this == UDP || this == SCTP;
    }

    /** True when the record said which protocol it was. */
    public boolean known() {
        return this != UNKNOWN;
    }

    @Override
    public String toString() {
        return name;
    }
}
