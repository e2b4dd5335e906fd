package ai.matih.flowwatch.policy;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A parsed ipBlock (R4.6): an address matches iff it is in {@code cidr} and in none of the {@code except} blocks.
 * Host bits are masked, and a block never matches an address of the other IP family. An unparseable cidr matches
 * nothing decidably: it makes the policy invalid (reported), and invalid policies never decide a verdict.
 */
final class IpBlockMatcher {

    private final IPAddress cidr;
    private final List<IPAddress> except;
    private final String text;

    private IpBlockMatcher(IPAddress cidr, List<IPAddress> except, String text) {
        this.cidr = cidr;
        this.except = List.copyOf(except);
        this.text = text;
    }

    /** Parses and validates (VAL ValidateIPBlock); problems go to {@code problems} as (field, message). */
    static IpBlockMatcher parse(IPBlock block, String field, BiConsumer<String, String> problems) {
        IPAddress cidr = parseCidr(block.getCidr());
        if (cidr == null) {
            problems.accept(
                    field + ".cidr",
                    block.getCidr() == null || block.getCidr().isBlank()
                            ? "is required"
                            : "not a valid CIDR: '" + block.getCidr() + "'");
        }
        List<IPAddress> except = new ArrayList<>();
        List<String> raw = block.getExcept() == null ? List.of() : block.getExcept();
        for (int i = 0; i < raw.size(); i++) {
            IPAddress e = parseCidr(raw.get(i));
            String at = field + ".except[" + i + "]";
            if (e == null) {
                problems.accept(at, "not a valid CIDR: '" + raw.get(i) + "'");
                continue;
            }
            if (cidr != null
                    && !(e.getIPVersion() == cidr.getIPVersion()
                            && cidr.contains(e)
                            && e.getNetworkPrefixLength() > cidr.getNetworkPrefixLength())) {
                problems.accept(
                        at, "must be a strict subset of `cidr` (" + block.getCidr() + "): '" + raw.get(i) + "'");
            }
            except.add(e);
        }
        String text = block.getCidr() + (raw.isEmpty() ? "" : " except " + raw);
        return new IpBlockMatcher(cidr, except, text);
    }

    /** A CIDR as its prefix block (host bits masked, R4.6), or null when not a CIDR with a prefix length. */
    static IPAddress parseCidr(String text) {
        if (text == null || text.isBlank() || !text.contains("/")) {
            return null;
        }
        IPAddress address = new IPAddressString(text.trim()).getAddress();
        if (address == null || !address.isPrefixed()) {
            return null;
        }
        return address.toPrefixBlock();
    }

    /** Whether the address is in the block. */
    boolean matches(IPAddress ip) {
        if (cidr == null || ip == null || ip.getIPVersion() != cidr.getIPVersion() || !cidr.contains(ip)) {
            return false;
        }
        for (IPAddress e : except) {
            if (e.getIPVersion() == ip.getIPVersion() && e.contains(ip)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "ipBlock " + text;
    }
}
