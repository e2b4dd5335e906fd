package ai.matih.flowwatch.violation;

import ai.matih.flowwatch.topology.Topology;
import inet.ipaddr.IPAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One value of a query parameter, already parsed and checked: what a {@link Criterion} compares a violation's field
 * with. Each kind answers only the questions of its kind; every other question is answered false.
 */
public sealed interface FilterValue
        permits FilterValue.Text,
                FilterValue.Prefix,
                FilterValue.Constant,
                FilterValue.Block,
                FilterValue.Ports,
                FilterValue.Label,
                FilterValue.Time {

    /** True when this value names the text (null never matches). */
    default boolean text(String candidate) {
        return false;
    }

    /** True when this value is the constant (an enum value; null never matches). */
    default boolean constant(Object candidate) {
        return false;
    }

    /** True when the address (as text) lies in this value's block. */
    default boolean address(String ip) {
        return false;
    }

    /** True when the port lies in this value's range. */
    default boolean port(Integer candidate) {
        return false;
    }

    /** True when these labels carry this value's key with its value. */
    default boolean labels(Map<String, String> candidate) {
        return false;
    }

    /** The instant of a time value, or null. */
    default Instant instant() {
        return null;
    }

    /** Exactly this text. */
    record Text(String value) implements FilterValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean text(String candidate) {
            return value.equals(candidate);
        }
    }

    /** A text starting with this prefix (a query's {@code prefix*}). */
    record Prefix(String prefix) implements FilterValue {
        public Prefix {
            Objects.requireNonNull(prefix, "prefix");
        }

        @Override
        public boolean text(String candidate) {
            return candidate != null && candidate.startsWith(prefix);
        }
    }

    /** This enum value (a type, severity, category or cause). */
    record Constant(Enum<?> value) implements FilterValue {
        public Constant {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean constant(Object candidate) {
            return value == candidate;
        }
    }

    /**
     * The addresses of a CIDR block, or one address (a block of one).
     *
     * @param block the block, host bits masked
     * @param exact the canonical text of a single address (compared before any parsing), or null for a block
     */
    record Block(IPAddress block, String exact) implements FilterValue {
        public Block {
            Objects.requireNonNull(block, "block");
        }

        /** The block of an address, or of a CIDR (its host bits masked). */
        public static Block of(IPAddress address) {
            if (address.isPrefixed()) {
                IPAddress prefixBlock = address.toPrefixBlock();
                return new Block(prefixBlock, prefixBlock.isMultiple() ? null : prefixBlock.toCanonicalString());
            }
            return new Block(address, address.toCanonicalString());
        }

        @Override
        public boolean address(String ip) {
            if (ip == null) {
                return false;
            }
            if (ip.equals(exact)) {
                return true;
            }
            IPAddress parsed = Topology.parseIp(ip);
            return parsed != null && parsed.getIPVersion() == block.getIPVersion() && block.contains(parsed);
        }
    }

    /** Ports {@code from} to {@code to}, both included. */
    record Ports(int from, int to) implements FilterValue {
        public Ports {
            if (from > to) {
                throw new IllegalArgumentException("from " + from + " is after to " + to);
            }
        }

        @Override
        public boolean port(Integer candidate) {
            return candidate != null && candidate >= from && candidate <= to;
        }
    }

    /** A label {@code key=value}. */
    record Label(String key, String value) implements FilterValue {
        public Label {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean labels(Map<String, String> candidate) {
            return value.equals(candidate.get(key));
        }
    }

    /** An instant (since, until). */
    record Time(Instant at) implements FilterValue {
        public Time {
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Instant instant() {
            return at;
        }
    }
}
