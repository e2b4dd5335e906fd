package ai.matih.flowwatch.topology;

import inet.ipaddr.IPAddress;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** What flowwatch assumes of the cluster itself (docs/topology.md). */
@ConfigMapping(prefix = "flowwatch.cluster")
public interface ClusterConfig {

    /** What {@link #name()} says when the cluster has no name. */
    String UNNAMED = "none";

    /** A cluster name: letters, digits, {@code -}, {@code _} and {@code .}, at most 63 characters. */
    Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    /**
     * The name of the cluster this instance watches, for several clusters feeding one Kafka, Alertmanager or
     * Prometheus: every violation carries it as {@code cluster} and every alert as the label {@code cluster}.
     * Letters, digits, {@code -}, {@code _} and {@code .}, at most 63 characters; {@code none} leaves it out.
     */
    @WithDefault(UNNAMED)
    String name();

    /**
     * Networks that count as in-cluster when a flow gives only an IP (pod and service CIDRs). CIDRs or single
     * addresses, IPv4 or IPv6, comma-separated.
     */
    @WithDefault("10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fd00::/8")
    List<String> internalCidrs();

    /**
     * The cluster DNS pods, as {@code <namespace>/<key>=<value>[,<key>=<value>...]}: the namespace and the pod
     * labels (ANDed) that identify them.
     */
    @WithDefault("kube-system/k8s-app=kube-dns")
    String dns();

    /**
     * The validated cluster name, empty when {@link #name()} is {@code none}.
     *
     * @throws ConfigurationException naming the key and the value when it is not a valid name
     */
    default Optional<String> clusterName() {
        String name = name().trim();
        if (name.isEmpty() || UNNAMED.equals(name)) {
            return Optional.empty();
        }
        if (!NAME.matcher(name).matches()) {
            throw new ConfigurationException("flowwatch.cluster.name='" + name + "' is not a cluster name (letters,"
                    + " digits, '-', '_' and '.', at most 63 characters, starting and ending with a letter or digit)");
        }
        return Optional.of(name);
    }

    /**
     * The validated internal networks.
     *
     * @throws ConfigurationException naming the key and the value when an entry is not a CIDR or address
     */
    default List<IPAddress> internalNetworks() {
        List<IPAddress> networks = new ArrayList<>();
        for (String cidr : internalCidrs()) {
            try {
                networks.add(EgressException.parseCidr(cidr));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(
                        "flowwatch.cluster.internal-cidrs: '" + cidr + "' is not a CIDR or IP address");
            }
        }
        return List.copyOf(networks);
    }

    /**
     * The validated DNS selector.
     *
     * @throws ConfigurationException naming the key and the value when the spec is malformed
     */
    default DnsSelector dnsSelector() {
        try {
            return DnsSelector.parse(dns());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("flowwatch.cluster.dns='" + dns() + "' " + e.getMessage()
                    + " (expected <namespace>/<key>=<value>[,<key>=<value>...])");
        }
    }
}
